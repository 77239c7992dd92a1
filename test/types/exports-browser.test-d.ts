/**
 * Compile-time tests of what the package entry points export: the generated type namespaces
 * and method maps (src/index.ts: `export type * from "./generated/index.js"`), and the
 * browser client (src/browser.ts) with the same typed call/handle as OCPPClient.
 */
import { describe, expectTypeOf, it } from "vitest";
import type {
  OCPP16,
  OCPP16CsmsMethods,
  OCPP16Methods,
  OCPP16StationMethods,
  OCPP201,
  OCPP201Methods,
  OCPP21,
  OCPP21Methods,
  OCPP21SendMethods,
  OCPPProtocolMethods,
  GeneratedProtocol,
} from "../../src/index.js";
import * as Entry from "../../src/index.js";
import { BrowserOCPPClient, NOREPLY } from "../../src/browser.js";
import type { BrowserClientOptions } from "../../src/browser.js";
import type { OCPPClient } from "../../src/index.js";

describe("generated types from the package entry", () => {
  it("exports the per-version namespaces", () => {
    const boot: OCPP16.BootNotificationRequest = { chargePointVendor: "V", chargePointModel: "M" };
    expectTypeOf(boot.chargePointVendor).toEqualTypeOf<string>();
    expectTypeOf<OCPP16.BootNotificationResponse["status"]>().toEqualTypeOf<
      "Accepted" | "Pending" | "Rejected"
    >();
    expectTypeOf<
      OCPP201.BootNotificationRequest["reason"]
    >().toEqualTypeOf<OCPP201.BootReasonEnumType>();
    expectTypeOf<OCPP21.ResetRequest["type"]>().toEqualTypeOf<OCPP21.ResetEnumType>();
    const bad: OCPP16.BootNotificationRequest = {
      chargePointVendor: "V",
      chargePointModel: "M",
      // @ts-expect-error the generated request types are closed
      colour: "red",
    };
    expectTypeOf(bad).toEqualTypeOf<OCPP16.BootNotificationRequest>();
    // @ts-expect-error chargePointModel is required
    const missing: OCPP16.BootNotificationRequest = { chargePointVendor: "V" };
    expectTypeOf(missing).toEqualTypeOf<OCPP16.BootNotificationRequest>();
  });

  it("exports the method maps and direction unions", () => {
    expectTypeOf<OCPP16Methods["Reset"]>().toEqualTypeOf<{
      request: OCPP16.ResetRequest;
      response: OCPP16.ResetResponse;
    }>();
    expectTypeOf<
      OCPP201Methods["GetVariables"]["request"]
    >().toEqualTypeOf<OCPP201.GetVariablesRequest>();
    expectTypeOf<
      OCPP21Methods["AFRRSignal"]["response"]
    >().toEqualTypeOf<OCPP21.AFRRSignalResponse>();
    expectTypeOf<"Reset">().toExtend<OCPP16CsmsMethods>();
    expectTypeOf<"Reset">().not.toExtend<OCPP16StationMethods>();
    expectTypeOf<keyof OCPP21SendMethods>().toEqualTypeOf<"NotifyPeriodicEventStream">();
    expectTypeOf<OCPPProtocolMethods["ocpp1.6"]>().toEqualTypeOf<OCPP16Methods>();
    expectTypeOf<GeneratedProtocol>().toEqualTypeOf<"ocpp1.6" | "ocpp2.0.1" | "ocpp2.1">();
  });

  it("exports them as types only (export type *)", () => {
    expectTypeOf<Entry.OCPP16.HeartbeatRequest>().toEqualTypeOf<OCPP16.HeartbeatRequest>();
    // @ts-expect-error OCPP16 is exported with `export type`: no value at run time
    expectTypeOf(Entry.OCPP16).toBeObject();
    // @ts-expect-error the schema loaders are re-exported with `export type` too: no value
    expectTypeOf(Entry.protocolSchemaLoaders).toBeObject();
  });
});

describe("BrowserOCPPClient (src/browser.ts)", () => {
  const browser = new BrowserOCPPClient({
    endpoint: "wss://csms.example.com/ocpp",
    identity: "SIM-1",
    protocols: ["ocpp2.0.1"],
  });
  const browser16 = new BrowserOCPPClient({
    endpoint: "wss://csms.example.com/ocpp",
    identity: "SIM-2",
    protocols: ["ocpp1.6"],
  });

  it("infers P like OCPPClient", () => {
    expectTypeOf(browser).toEqualTypeOf<BrowserOCPPClient<"ocpp2.0.1">>();
    expectTypeOf<BrowserClientOptions<"ocpp1.6">["protocols"]>().toEqualTypeOf<
      readonly "ocpp1.6"[] | undefined
    >();
    // the very same overloads as the Node client
    expectTypeOf<BrowserOCPPClient<"ocpp1.6">["call"]>().toEqualTypeOf<
      OCPPClient<"ocpp1.6">["call"]
    >();
    expectTypeOf<BrowserOCPPClient<"ocpp2.1">["handle"]>().toEqualTypeOf<
      OCPPClient<"ocpp2.1">["handle"]
    >();
  });

  it("types call() like OCPPClient", async () => {
    const boot = await browser.call("BootNotification", {
      reason: "PowerUp",
      chargingStation: { vendorName: "V", model: "M" },
    });
    expectTypeOf(boot).toEqualTypeOf<OCPP201.BootNotificationResponse>();
    const boot16 = await browser16.call("BootNotification", {
      chargePointVendor: "V",
      chargePointModel: "M",
    });
    expectTypeOf(boot16).toEqualTypeOf<OCPP16.BootNotificationResponse>();
    expectTypeOf(await browser16.call("Heartbeat")).toEqualTypeOf<OCPP16.HeartbeatResponse>();
    expectTypeOf(await browser.call("VendorX", {})).toBeUnknown();
    // @ts-expect-error reason is required
    await browser.call("BootNotification", { chargingStation: { vendorName: "V", model: "M" } });
    // @ts-expect-error a station never sends GetVariables
    await browser.call("GetVariables", { getVariableData: [] });
    // @ts-expect-error a station never sends Reset
    await browser16.call("Reset", { type: "Soft" });
  });

  it("types handle() like OCPPClient", () => {
    browser.handle("GetVariables", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<OCPP201.GetVariablesRequest>();
      return { getVariableResult: [] };
    });
    browser16.handle("Reset", ({ params }) => {
      expectTypeOf(params.type).toEqualTypeOf<"Hard" | "Soft">();
      return params.type === "Hard" ? NOREPLY : { status: "Accepted" };
    });
    // @ts-expect-error "Maybe" is not a ResetStatusEnumType
    browser.handle("Reset", () => ({ status: "Maybe" }));
    // @ts-expect-error a CSMS never sends BootNotification
    browser.handle("BootNotification", () => ({}));
    browser.handle((method) => ({ method }));
    browser.removeHandler("GetVariables");
  });

  it("has no Node-only options", () => {
    new BrowserOCPPClient({
      endpoint: "wss://x",
      identity: "S",
      // @ts-expect-error browsers cannot set upgrade headers
      headers: { "x-a": "1" },
    });
  });
});
