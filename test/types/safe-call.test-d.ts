/**
 * Compile-time tests of safeCall(): typed like call(), with `undefined` added to the result.
 */
import { describe, expectTypeOf, it } from "vitest";
import { OCPPClient, OCPPServer } from "../../src/index.js";
import type { OCPP16 } from "../../src/index.js";

const station = new OCPPClient({
  endpoint: "ws://localhost:3000",
  identity: "CP001",
  protocols: ["ocpp1.6"],
});

describe("safeCall()", () => {
  it("types params and result like call(), or undefined", async () => {
    const boot = await station.safeCall("BootNotification", {
      chargePointVendor: "VendorX",
      chargePointModel: "ModelY",
    });
    expectTypeOf(boot).toEqualTypeOf<OCPP16.BootNotificationResponse | undefined>();
    const beat = await station.safeCall("ocpp1.6", "Heartbeat", {});
    expectTypeOf(beat).toEqualTypeOf<OCPP16.HeartbeatResponse | undefined>();
  });

  it("refuses params call() refuses", async () => {
    // @ts-expect-error chargePointModel is required
    await station.safeCall("BootNotification", { chargePointVendor: "VendorX" });
  });

  it("exists on the server-side client", () => {
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    server.on("client", (client) => {
      const result = client.safeCall("ocpp1.6", "ClearCache", {}, { timeoutMs: 15000 });
      expectTypeOf(result).toEqualTypeOf<Promise<OCPP16.ClearCacheResponse | undefined>>();
    });
  });
});
