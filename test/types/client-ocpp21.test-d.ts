/**
 * Compile-time tests of the station-side typed API (OCPPClient) for "ocpp2.1", including the
 * messages new in 2.1 and the (untyped) SEND path.
 */
import { describe, expectTypeOf, it } from "vitest";
import { OCPPClient } from "../../src/index.js";
import type { OCPP201, OCPP21 } from "../../src/index.js";

const station = new OCPPClient({
  endpoint: "ws://localhost:3000",
  identity: "CP21",
  protocols: ["ocpp2.1"],
});

const station201 = new OCPPClient({
  endpoint: "ws://localhost:3000",
  identity: "CP201",
  protocols: ["ocpp2.0.1"],
});

const chargingStation = { vendorName: "VendorX", model: "ModelY" };

describe("OCPPClient<'ocpp2.1'>: call()", () => {
  it("infers P", () => {
    expectTypeOf(station).toEqualTypeOf<OCPPClient<"ocpp2.1">>();
  });

  it("types BootNotification with the 2.1 types", async () => {
    const boot = await station.call("BootNotification", { reason: "PowerUp", chargingStation });
    expectTypeOf(boot).toEqualTypeOf<OCPP21.BootNotificationResponse>();
    expectTypeOf(boot.status).toEqualTypeOf<OCPP21.RegistrationStatusEnumType>();
    // @ts-expect-error reason is required
    await station.call("BootNotification", { chargingStation });
    // @ts-expect-error "Reboot" is not a BootReasonEnumType
    await station.call("BootNotification", { reason: "Reboot", chargingStation });
    // @ts-expect-error params cannot be omitted
    await station.call("BootNotification");
    expectTypeOf(await station.call("Heartbeat")).toEqualTypeOf<OCPP21.HeartbeatResponse>();
  });

  it("types station-initiated messages new in 2.1", async () => {
    const settlement = await station.call("NotifySettlement", {
      pspRef: "PSP-1",
      status: "Settled",
      settlementAmount: 12.5,
      settlementTime: new Date().toISOString(),
    });
    expectTypeOf(settlement).toEqualTypeOf<OCPP21.NotifySettlementResponse>();
    expectTypeOf(settlement.receiptUrl).toEqualTypeOf<string | undefined>();
    // @ts-expect-error "Paid" is not a PaymentStatusEnumType
    await station.call("NotifySettlement", {
      pspRef: "P",
      status: "Paid",
      settlementAmount: 1,
      settlementTime: "",
    });

    const pull = await station.call("PullDynamicScheduleUpdate", { chargingProfileId: 7 });
    expectTypeOf(pull.status).toEqualTypeOf<"Accepted" | "Rejected">();
    // @ts-expect-error chargingProfileId is a number
    await station.call("PullDynamicScheduleUpdate", { chargingProfileId: "7" });
    const pull2 = await station.call("ocpp2.1", "PullDynamicScheduleUpdate", {
      chargingProfileId: 7,
    });
    expectTypeOf(pull2).toEqualTypeOf<OCPP21.PullDynamicScheduleUpdateResponse>();
  });

  it("rejects CSMS-initiated messages new in 2.1", async () => {
    // @ts-expect-error a station never sends AFRRSignal
    await station.call("AFRRSignal", { timestamp: "", signal: 1 });
    // @ts-expect-error a station never sends GetTariffs
    await station.call("GetTariffs", { evseId: 1 });
    // @ts-expect-error a station never sends GetTariffs (protocol form)
    await station.call("ocpp2.1", "GetTariffs", { evseId: 1 });
    // @ts-expect-error a station never sends GetVariables
    await station.call("GetVariables", { getVariableData: [] });
  });

  it("leaves 2.1 names untyped on a 2.0.1-only client (documented escape hatch)", async () => {
    // NotifySettlement is not a 2.0.1 message: a 2.0.1 client treats it as a custom name.
    expectTypeOf(await station201.call("NotifySettlement", { anything: 1 })).toBeUnknown();
    // but the names 2.0.1 defines stay typed there
    expectTypeOf(
      await station201.call("BootNotification", { reason: "PowerUp", chargingStation }),
    ).toEqualTypeOf<OCPP201.BootNotificationResponse>();
  });
});

describe("OCPPClient<'ocpp2.1'>: handle()", () => {
  it("types CSMS-initiated messages new in 2.1", () => {
    station.handle("AFRRSignal", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<OCPP21.AFRRSignalRequest>();
      expectTypeOf(params.signal).toEqualTypeOf<number>();
      return { status: "Accepted" };
    });
    station.handle("GetTariffs", ({ params }) => {
      expectTypeOf(params.evseId).toEqualTypeOf<number>();
      return { status: "NoTariff" };
    });
  });

  it("types Reset with the 2.1 enum", () => {
    station.handle("Reset", ({ params }) => {
      expectTypeOf(params.type).toEqualTypeOf<"Immediate" | "OnIdle" | "ImmediateAndResume">();
      return { status: "Accepted" };
    });
  });

  it("rejects wrong answers and station-side messages", () => {
    // @ts-expect-error "Maybe" is not a GenericStatusEnumType
    station.handle("AFRRSignal", () => ({ status: "Maybe" }));
    // @ts-expect-error status is required in a GetTariffsResponse
    station.handle("GetTariffs", () => ({ tariffAssignments: [] }));
    // @ts-expect-error a CSMS never sends NotifySettlement
    station.handle("NotifySettlement", () => ({}));
    // @ts-expect-error a CSMS never sends BootNotification
    station.handle("BootNotification", () => ({}));
  });

  it("keeps the wildcard and custom handlers untyped", () => {
    station.handle((method, ctx) => {
      expectTypeOf(ctx.params).toBeUnknown();
      return { method };
    });
    station.handle("VendorX", ({ params }) => {
      expectTypeOf(params).toBeUnknown();
    });
    station.removeHandler("AFRRSignal");
  });
});

describe("OCPPClient<'ocpp2.1'>: send() (SEND messages, untyped by design)", () => {
  it("accepts a SEND message and resolves with void", async () => {
    const data: OCPP21.NotifyPeriodicEventStreamRequest = {
      id: 1,
      pending: 0,
      basetime: new Date().toISOString(),
      data: [],
    };
    const sent = station.send("NotifyPeriodicEventStream", data);
    expectTypeOf(sent).toEqualTypeOf<Promise<void>>();
    await sent;
    await station.send("ocpp2.1", "NotifyPeriodicEventStream", data);
  });

  it("keeps the SEND-only message out of the CALL types", async () => {
    // NotifyPeriodicEventStream is not a CALL: through call() it is only a custom name.
    expectTypeOf(await station.call("NotifyPeriodicEventStream", {})).toBeUnknown();
  });
});
