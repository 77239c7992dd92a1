/**
 * Compile-time tests of the station-side typed API (OCPPClient) for "ocpp1.6".
 * Nothing here runs: vitest typecheck and `tsc --noEmit` only type-check it.
 */
import { describe, expectTypeOf, it } from "vitest";
import { NOREPLY, OCPPClient } from "../../src/index.js";
import type { HandlerContext, OCPP16, OCPPServerClient } from "../../src/index.js";

const station = new OCPPClient({
  endpoint: "ws://localhost:3000",
  identity: "CP001",
  protocols: ["ocpp1.6"],
});

describe("OCPPClient<'ocpp1.6'>: construction", () => {
  it("infers P from a literal protocols array", () => {
    expectTypeOf(station).toEqualTypeOf<OCPPClient<"ocpp1.6">>();
    expectTypeOf(station).not.toEqualTypeOf<OCPPClient<string>>();
  });

  it("rejects a protocols value that is not a string", () => {
    // @ts-expect-error protocols must be strings
    new OCPPClient({ endpoint: "ws://localhost:3000", identity: "CP001", protocols: [16] });
  });
});

describe("OCPPClient<'ocpp1.6'>: call(method, params)", () => {
  it("types params and result of BootNotification", async () => {
    const boot = await station.call("BootNotification", {
      chargePointVendor: "VendorX",
      chargePointModel: "ModelY",
    });
    expectTypeOf(boot).toEqualTypeOf<OCPP16.BootNotificationResponse>();
    expectTypeOf(boot.status).toEqualTypeOf<"Accepted" | "Pending" | "Rejected">();
    expectTypeOf(boot.interval).toEqualTypeOf<number>();
    expectTypeOf(boot.currentTime).toEqualTypeOf<string>();
    // optional fields are accepted
    await station.call("BootNotification", {
      chargePointVendor: "VendorX",
      chargePointModel: "ModelY",
      firmwareVersion: "1.0",
    });
  });

  it("enforces required fields, closed objects and field types", async () => {
    // @ts-expect-error chargePointModel is required
    await station.call("BootNotification", { chargePointVendor: "VendorX" });
    // @ts-expect-error unknown field (the 1.6 schema is additionalProperties: false)
    await station.call("BootNotification", { chargePointVendor: "V", chargePointModel: "M", x: 1 });
    // @ts-expect-error chargePointVendor must be a string
    await station.call("BootNotification", { chargePointVendor: 1, chargePointModel: "M" });
    // @ts-expect-error the 2.0.1 shape is not a 1.6 BootNotification
    await station.call("BootNotification", { reason: "PowerUp", chargingStation: {} });
  });

  it("rejects a wrong enum value", async () => {
    await station.call("StatusNotification", {
      connectorId: 1,
      errorCode: "NoError",
      status: "Available",
    });
    // @ts-expect-error "Free" is not a 1.6 ChargePointStatus
    await station.call("StatusNotification", {
      connectorId: 1,
      errorCode: "NoError",
      status: "Free",
    });
  });

  it("makes params optional only where the request has no required field", async () => {
    const beat = await station.call("Heartbeat");
    expectTypeOf(beat).toEqualTypeOf<OCPP16.HeartbeatResponse>();
    expectTypeOf(beat.currentTime).toEqualTypeOf<string>();
    await station.call("Heartbeat", {});
    await station.call("Heartbeat", {}, { timeoutMs: 5000, signal: new AbortController().signal });
    // @ts-expect-error a 1.6 HeartbeatRequest is an empty closed object
    await station.call("Heartbeat", { foo: 1 });
    // @ts-expect-error BootNotification has required fields: params cannot be omitted
    await station.call("BootNotification");
    // @ts-expect-error unknown call option
    await station.call("Heartbeat", {}, { timeout: 5 });
  });

  it("rejects CSMS-initiated methods on the station", async () => {
    // @ts-expect-error a station never sends Reset
    await station.call("Reset", { type: "Soft" });
    // @ts-expect-error a station never sends RemoteStartTransaction
    await station.call("RemoteStartTransaction", { idTag: "TAG" });
    // @ts-expect-error a station never sends GetConfiguration
    await station.call("GetConfiguration", {});
  });

  it("allows DataTransfer, which both sides send", async () => {
    const dt = await station.call("DataTransfer", { vendorId: "VendorX" });
    expectTypeOf(dt).toEqualTypeOf<OCPP16.DataTransferResponse>();
  });
});

describe("OCPPClient<'ocpp1.6'>: call(protocol, method, params)", () => {
  it("types the protocol form", async () => {
    const boot = await station.call("ocpp1.6", "BootNotification", {
      chargePointVendor: "VendorX",
      chargePointModel: "ModelY",
    });
    expectTypeOf(boot).toEqualTypeOf<OCPP16.BootNotificationResponse>();
    expectTypeOf(
      await station.call("ocpp1.6", "Heartbeat"),
    ).toEqualTypeOf<OCPP16.HeartbeatResponse>();
  });

  it("rejects bad protocol-form calls", async () => {
    // @ts-expect-error chargePointModel is required
    await station.call("ocpp1.6", "BootNotification", { chargePointVendor: "V" });
    // @ts-expect-error a station never sends Reset
    await station.call("ocpp1.6", "Reset", { type: "Soft" });
    // @ts-expect-error ocpp2.0.1 is not offered by this client
    await station.call("ocpp2.0.1", "BootNotification", { reason: "PowerUp", chargingStation: {} });
  });

  it("does not take a protocol name as an untyped method name", async () => {
    // Run time reads call("ocpp1.6", "BootNotification") as the protocol form; the types take
    // "ocpp1.6" as an untyped method name and "BootNotification" as its params.
    // @ts-expect-error params are required for BootNotification
    await station.call("ocpp1.6", "BootNotification");
  });
});

describe("OCPPClient<'ocpp1.6'>: handle()", () => {
  it("types params and the answer of CSMS-initiated methods", () => {
    station.handle("Reset", ({ params, method, messageId, protocol }) => {
      expectTypeOf(params).toEqualTypeOf<OCPP16.ResetRequest>();
      expectTypeOf(params.type).toEqualTypeOf<"Hard" | "Soft">();
      expectTypeOf(method).toEqualTypeOf<string>();
      expectTypeOf(messageId).toEqualTypeOf<string>();
      expectTypeOf(protocol).toEqualTypeOf<string | undefined>();
      return { status: "Accepted" };
    });
    station.handle("RemoteStartTransaction", ({ params }) => {
      expectTypeOf(params.idTag).toEqualTypeOf<string>();
      expectTypeOf(params.connectorId).toEqualTypeOf<number | undefined>();
      return { status: "Rejected" };
    });
    station.handle("GetConfiguration", () => ({ configurationKey: [], unknownKey: ["X"] }));
    station.handle("ocpp1.6", "Reset", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<OCPP16.ResetRequest>();
      return { status: "Accepted" } as const;
    });
  });

  it("keeps the literal answer of a plain protocol-form handler", () => {
    station.handle("ocpp1.6", "Reset", () => ({ status: "Accepted" }));
  });

  it("accepts the other answer forms: promise, NOREPLY, void, reply()", () => {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async handler is under test
    station.handle("Reset", async () => ({ status: "Accepted" }) as const);
    // eslint-disable-next-line @typescript-eslint/require-await -- an async handler is under test
    station.handle("Reset", async (): Promise<OCPP16.ResetResponse> => ({ status: "Accepted" }));
    station.handle("Reset", () => Promise.resolve({ status: "Accepted" } as const));
    station.handle("Reset", () => NOREPLY);
    station.handle("Reset", ({ reply }) => {
      reply({ status: "Accepted" });
    });
    station.handle("ClearCache", (ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<
        HandlerContext<OCPP16.ClearCacheRequest, OCPP16.ClearCacheResponse>
      >();
      ctx.reply(new Error("not now"));
    });
  });

  it("rejects a wrong answer", () => {
    // @ts-expect-error "Maybe" is not a 1.6 ResetResponse status
    station.handle("Reset", () => ({ status: "Maybe" }));
    // @ts-expect-error status is required in the answer
    station.handle("Reset", () => ({ statusInfo: "x" }));
    station.handle("Reset", ({ reply }) => {
      // @ts-expect-error reply() is typed like the return value
      reply({ status: "Maybe" });
    });
    // @ts-expect-error the handler returns the 1.6 response, not 2.0.1's "Scheduled"
    station.handle("ocpp1.6", "Reset", () => ({ status: "Scheduled" }) as const);
  });

  it("rejects handlers for messages the station itself sends", () => {
    // @ts-expect-error a CSMS never sends BootNotification
    station.handle("BootNotification", () => ({}));
    // @ts-expect-error a CSMS never sends Heartbeat
    station.handle("ocpp1.6", "Heartbeat", () => ({}));
    // @ts-expect-error ocpp2.0.1 is not offered by this client
    station.handle("ocpp2.0.1", "Reset", () => ({ status: "Accepted" }));
  });

  it("accepts a wildcard handler for anything", () => {
    station.handle((method, ctx) => {
      expectTypeOf(method).toEqualTypeOf<string>();
      expectTypeOf(ctx.params).toBeUnknown();
      return { anything: true };
    });
    station.handle(() => undefined);
    // @ts-expect-error a wildcard handler is a function
    station.handle("not-a-function");
  });

  it("removes handlers", () => {
    station.removeHandler("Reset");
    station.removeHandler("ocpp1.6", "Reset");
    station.removeHandler();
    station.removeAllHandlers();
  });
});

describe("OCPPClient<'ocpp1.6'>: untyped escape hatch", () => {
  it("types custom method names as unknown", async () => {
    const res = await station.call("VendorX", { anything: [1, 2, 3] });
    expectTypeOf(res).toBeUnknown();
    expectTypeOf(await station.call("VendorX")).toBeUnknown();
    station.handle("VendorX", ({ params }) => {
      expectTypeOf(params).toBeUnknown();
      return 42;
    });
    station.removeHandler("VendorX");
  });

  it("keeps OCPP names of other versions untyped but known 1.6 names typed", async () => {
    // GetVariables exists only in 2.x: on a 1.6 client it is just a custom name.
    expectTypeOf(await station.call("GetVariables", { x: 1 })).toBeUnknown();
    // @ts-expect-error a 1.6 name cannot escape its types through the untyped path
    await station.call("Authorize", { idToken: {} });
  });
});

describe("server-side client type is distinct from the station", () => {
  it("is not an OCPPClient", () => {
    expectTypeOf<OCPPServerClient<"ocpp1.6">>().not.toExtend<OCPPClient<"ocpp1.6">>();
  });
});
