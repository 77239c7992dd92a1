/**
 * Compile-time tests of the station-side typed API (OCPPClient) for "ocpp2.0.1".
 */
import { describe, expectTypeOf, it } from "vitest";
import { OCPPClient } from "../../src/index.js";
import type { OCPP16, OCPP201 } from "../../src/index.js";

const station = new OCPPClient({
  endpoint: "ws://localhost:3000",
  identity: "CP201",
  protocols: ["ocpp2.0.1"],
});

const chargingStation = { vendorName: "VendorX", model: "ModelY" };

describe("OCPPClient<'ocpp2.0.1'>: call()", () => {
  it("infers P", () => {
    expectTypeOf(station).toEqualTypeOf<OCPPClient<"ocpp2.0.1">>();
  });

  it("types BootNotification params and result", async () => {
    const boot = await station.call("BootNotification", { reason: "PowerUp", chargingStation });
    expectTypeOf(boot).toEqualTypeOf<OCPP201.BootNotificationResponse>();
    expectTypeOf(boot.status).toEqualTypeOf<OCPP201.RegistrationStatusEnumType>();
    expectTypeOf(boot.status).toEqualTypeOf<"Accepted" | "Pending" | "Rejected">();
    expectTypeOf(boot.interval).toEqualTypeOf<number>();
    await station.call("BootNotification", {
      reason: "Watchdog",
      chargingStation: { vendorName: "V", model: "M", serialNumber: "SN", firmwareVersion: "1" },
      customData: { vendorId: "VendorX" },
    });
  });

  it("requires reason and chargingStation, with their fields", async () => {
    // @ts-expect-error reason is required
    await station.call("BootNotification", { chargingStation });
    // @ts-expect-error chargingStation is required
    await station.call("BootNotification", { reason: "PowerUp" });
    // @ts-expect-error chargingStation.model is required
    await station.call("BootNotification", {
      reason: "PowerUp",
      chargingStation: { vendorName: "V" },
    });
    // @ts-expect-error "Reboot" is not a BootReasonEnumType
    await station.call("BootNotification", { reason: "Reboot", chargingStation });
    // @ts-expect-error unknown field
    await station.call("BootNotification", { reason: "PowerUp", chargingStation, colour: "red" });
    // @ts-expect-error the 1.6 shape is not a 2.0.1 BootNotification
    await station.call("BootNotification", { chargePointVendor: "V", chargePointModel: "M" });
    // @ts-expect-error params cannot be omitted
    await station.call("BootNotification");
  });

  it("makes Heartbeat params optional", async () => {
    expectTypeOf(await station.call("Heartbeat")).toEqualTypeOf<OCPP201.HeartbeatResponse>();
    await station.call("Heartbeat", { customData: { vendorId: "V" } });
    // @ts-expect-error customData needs its vendorId
    await station.call("Heartbeat", { customData: {} });
  });

  it("types the 2.0.1-only station messages", async () => {
    const tx = await station.call("TransactionEvent", {
      eventType: "Started",
      timestamp: new Date().toISOString(),
      triggerReason: "Authorized",
      seqNo: 0,
      transactionInfo: { transactionId: "T1" },
    });
    expectTypeOf(tx).toEqualTypeOf<OCPP201.TransactionEventResponse>();
    // @ts-expect-error "Begin" is not a TransactionEventEnumType
    await station.call("TransactionEvent", {
      eventType: "Begin",
      timestamp: "",
      triggerReason: "Authorized",
      seqNo: 0,
      transactionInfo: { transactionId: "T1" },
    });
  });

  it("rejects CSMS-initiated 2.0.1 messages", async () => {
    // @ts-expect-error a station never sends GetVariables
    await station.call("GetVariables", {
      getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "X" } }],
    });
    // @ts-expect-error a station never sends Reset
    await station.call("Reset", { type: "Immediate" });
    // @ts-expect-error a station never sends RequestStartTransaction
    await station.call("RequestStartTransaction", { idToken: { idToken: "T", type: "ISO14443" } });
  });

  it("types the protocol form", async () => {
    const boot = await station.call("ocpp2.0.1", "BootNotification", {
      reason: "PowerUp",
      chargingStation,
    });
    expectTypeOf(boot).toEqualTypeOf<OCPP201.BootNotificationResponse>();
    // @ts-expect-error reason is required
    await station.call("ocpp2.0.1", "BootNotification", { chargingStation });
    // @ts-expect-error ocpp1.6 is not offered by this client
    await station.call("ocpp1.6", "BootNotification", {
      chargePointVendor: "V",
      chargePointModel: "M",
    });
  });

  it("leaves 1.6-only names to the untyped path", async () => {
    // StartTransaction is a 1.6 message; a 2.0.1 client sees it as a custom name.
    expectTypeOf(await station.call("StartTransaction", { anything: 1 })).toBeUnknown();
    expectTypeOf(await station.call("VendorX")).toBeUnknown();
  });
});

describe("OCPPClient<'ocpp2.0.1'>: handle()", () => {
  it("types GetVariables (CSMS-initiated) params and answer", () => {
    station.handle("GetVariables", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<OCPP201.GetVariablesRequest>();
      expectTypeOf(params.getVariableData).toEqualTypeOf<OCPP201.GetVariableDataType[]>();
      return {
        getVariableResult: params.getVariableData.map((d) => ({
          attributeStatus: "Accepted" as const,
          attributeValue: "1",
          component: d.component,
          variable: d.variable,
        })),
      };
    });
    station.handle("Reset", ({ params }) => {
      expectTypeOf(params.type).toEqualTypeOf<OCPP201.ResetEnumType>();
      expectTypeOf(params.type).toEqualTypeOf<"Immediate" | "OnIdle">();
      return { status: "Scheduled" };
    });
  });

  it("rejects wrong answers and station-side messages", () => {
    // @ts-expect-error attributeStatus "Ok" is not a GetVariableStatusEnumType
    station.handle("GetVariables", () => ({ getVariableResult: [{ attributeStatus: "Ok" }] }));
    // @ts-expect-error "Maybe" is not a ResetStatusEnumType
    station.handle("Reset", () => ({ status: "Maybe" }));
    // @ts-expect-error a CSMS never sends BootNotification
    station.handle("BootNotification", () => ({}));
    // @ts-expect-error a CSMS never sends TransactionEvent
    station.handle("TransactionEvent", () => ({}));
  });

  it("does not mix in 1.6 types", () => {
    station.handle("Reset", ({ params }) => {
      expectTypeOf(params).not.toEqualTypeOf<OCPP16.ResetRequest>();
      return { status: "Accepted" };
    });
  });

  it("keeps the wildcard and custom handlers untyped", () => {
    station.handle((method, { params }) => {
      expectTypeOf(params).toBeUnknown();
      return method;
    });
    station.handle("VendorX", ({ params }) => {
      expectTypeOf(params).toBeUnknown();
    });
    station.removeHandler("GetVariables");
    station.removeHandler("ocpp2.0.1", "GetVariables");
  });
});

describe("OCPPClient<'ocpp1.6' | 'ocpp2.0.1'>", () => {
  const both = new OCPPClient({
    endpoint: "ws://localhost:3000",
    identity: "CP",
    protocols: ["ocpp1.6", "ocpp2.0.1"],
  });

  it("accepts either version's request and unions the results", async () => {
    const a = await both.call("BootNotification", {
      chargePointVendor: "V",
      chargePointModel: "M",
    });
    const b = await both.call("BootNotification", { reason: "PowerUp", chargingStation });
    expectTypeOf(a).toEqualTypeOf<
      OCPP16.BootNotificationResponse | OCPP201.BootNotificationResponse
    >();
    expectTypeOf(b).toEqualTypeOf(a);
    // @ts-expect-error a mix of the two shapes is neither
    await both.call("BootNotification", { chargePointVendor: "V", reason: "PowerUp" });
  });

  it("unions handler params", () => {
    both.handle("Reset", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<OCPP16.ResetRequest | OCPP201.ResetRequest>();
      expectTypeOf(params.type).toEqualTypeOf<"Hard" | "Soft" | "Immediate" | "OnIdle">();
      return { status: "Accepted" };
    });
    // GetConfiguration exists only in 1.6: still typed
    both.handle("GetConfiguration", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<OCPP16.GetConfigurationRequest>();
      return {};
    });
  });
});
