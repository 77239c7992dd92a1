/**
 * Compile-time checks of @OcppMessageEvent (compiled by `npm run typecheck`): the typed form
 * checks the handler's response against the protocol's schema, and only accepts methods a
 * station sends.
 */
import type { HandlerContext } from "../../../src/index.js";
import type { OCPP16 } from "../../../src/index.js";
import { OcppGateway, OcppMessageEvent } from "../../../src/integrations/nestjs.js";

@OcppGateway()
export class TypedGateway {
  @OcppMessageEvent("ocpp1.6", "Authorize")
  authorize({ params }: HandlerContext<OCPP16.AuthorizeRequest>): OCPP16.AuthorizeResponse {
    return { idTagInfo: { status: params.idTag ? "Accepted" : "Invalid" } };
  }

  // @ts-expect-error -- the response lacks the required idTagInfo
  @OcppMessageEvent("ocpp1.6", "Authorize")
  wrongResponse(): { status: string } {
    return { status: "Accepted" };
  }

  // @ts-expect-error -- Reset is sent by the CSMS, not by a station
  @OcppMessageEvent("ocpp1.6", "Reset")
  reset(): object {
    return {};
  }

  @OcppMessageEvent("VendorSpecific")
  untyped(context: HandlerContext<{ anything: number }>): number {
    return context.params.anything;
  }
}
