/**
 * Decorators of `ocpp-ws-io/nestjs`: mark a provider as an OCPP gateway and its methods as
 * handlers of station calls. Written for TypeScript's `experimentalDecorators`, as Nest is.
 */
import { applyDecorators, Injectable } from "@nestjs/common";
import { DiscoveryService } from "@nestjs/core";
import type { GeneratedProtocol } from "../generated/index.js";
import type { Req, Res, StationOutbound } from "../rpc/typed-api.js";
import type { HandlerContext, HandlerResult } from "../rpc/types.js";
import type { OCPPServerClient } from "../server/ocpp-server-client.js";

/** What @OcppMessageEvent records on a method. */
export interface OcppMessageEventMetadata {
  protocol: string | undefined;
  method: string;
}

/** Discoverable markers (Nest ≥ 10.3): the module finds the gateways by these keys. */
export const gatewayMarker = DiscoveryService.createDecorator<Record<string, never>>();
export const messageEventMarker = DiscoveryService.createDecorator<OcppMessageEventMetadata>();

/** A gateway method handling one station call: it answers like a `client.handle()` handler. */
export type OcppHandlerMethod<Params, Result, P extends string = string> = (
  context: HandlerContext<Params, Result>,
  client: OCPPServerClient<P>,
) => HandlerResult<Result>;

/** A method decorator that checks the decorated method's signature. */
export type OcppMethodDecorator<F> = <T extends F>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<T>,
) => void;

/** The gateway method type for `method` sent by a station speaking `protocol`. */
export type OcppHandlerFor<
  Pr extends GeneratedProtocol,
  M extends keyof StationOutbound<Pr>[Pr],
> = OcppHandlerMethod<Req<StationOutbound<Pr>[Pr][M]>, Res<StationOutbound<Pr>[Pr][M]>, Pr>;

/**
 * Marks a provider (also made `@Injectable()`) whose `@OcppMessageEvent` methods handle the
 * calls of every station that connects. A `handleConnection(client)` method, if present, is
 * called for each new station after its handlers are registered.
 *
 * @example
 * @OcppGateway()
 * export class StationsGateway {
 *   @OcppMessageEvent("ocpp1.6", "Heartbeat")
 *   heartbeat(): { currentTime: string } {
 *     return { currentTime: new Date().toISOString() };
 *   }
 * }
 */
export function OcppGateway(): ClassDecorator {
  return applyDecorators(Injectable(), gatewayMarker());
}

/**
 * Declares a gateway method as the handler of a station's call: `(protocol, method)` typed
 * from that protocol's schemas (the method's return type must match the response), or
 * `(method)` for any protocol, untyped. The method receives the handler context and the
 * `OCPPServerClient` that called.
 */
export function OcppMessageEvent<
  Pr extends GeneratedProtocol,
  M extends keyof StationOutbound<Pr>[Pr] & string,
>(protocol: Pr, method: M): OcppMethodDecorator<OcppHandlerFor<Pr, M>>;
export function OcppMessageEvent(
  method: string,
): OcppMethodDecorator<OcppHandlerMethod<never, unknown>>;
export function OcppMessageEvent(
  ...args: [string] | [string, string]
): OcppMethodDecorator<OcppHandlerMethod<never, unknown>> {
  const [protocol, method] = args.length === 2 ? args : [undefined, args[0]];
  if (typeof method !== "string" || method.length === 0) {
    throw new TypeError("@OcppMessageEvent(): method must be a non-empty string");
  }
  const decorator = messageEventMarker({ protocol, method });
  return (target, key, descriptor) => {
    decorator(target, key, descriptor);
  };
}
