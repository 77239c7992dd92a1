/**
 * Compile-time tests of the untyped paths: custom subprotocols (every method untyped), no
 * protocols / non-literal protocols (README: "the method maps of all three versions apply",
 * custom names untyped), and a mix of an OCPP version with a custom subprotocol.
 */
import { describe, expectTypeOf, it } from "vitest";
import { OCPPClient, OCPPServer } from "../../src/index.js";
import type { OCPP16, OCPP201, OCPP21, OCPPServerClient } from "../../src/index.js";

describe("custom subprotocol only: protocols ['echo1.0']", () => {
  const echo = new OCPPClient({
    endpoint: "ws://localhost:3000",
    identity: "E",
    protocols: ["echo1.0"],
  });
  const echoServer = new OCPPServer({ protocols: ["echo1.0"] });

  it("infers the custom protocol", () => {
    expectTypeOf(echo).toEqualTypeOf<OCPPClient<"echo1.0">>();
    expectTypeOf(echoServer).toEqualTypeOf<OCPPServer<"echo1.0">>();
  });

  it("accepts any method on the client with unknown params and result", async () => {
    expectTypeOf(await echo.call("Echo", { text: "hi" })).toBeUnknown();
    expectTypeOf(await echo.call("Echo")).toBeUnknown();
    expectTypeOf(await echo.call("Echo", "a string payload", { timeoutMs: 100 })).toBeUnknown();
    // OCPP names mean nothing on a custom subprotocol: also untyped, in both directions
    expectTypeOf(await echo.call("BootNotification", { anything: 1 })).toBeUnknown();
    expectTypeOf(await echo.call("Reset", { type: 42 })).toBeUnknown();
    echo.handle("Echo", ({ params, reply }) => {
      expectTypeOf(params).toBeUnknown();
      reply(params);
    });
    echo.handle("BootNotification", ({ params }) => params);
    echo.removeHandler("Echo");
  });

  it("accepts any method on the server side", async () => {
    echoServer.on("client", (c) => {
      expectTypeOf(c).toEqualTypeOf<OCPPServerClient<"echo1.0">>();
    });
    const c = echoServer.getClient("E")!;
    expectTypeOf(await c.call("Echo", [1, 2, 3])).toBeUnknown();
    expectTypeOf(await c.call("BootNotification")).toBeUnknown();
    c.handle("Echo", ({ params }) => {
      expectTypeOf(params).toBeUnknown();
      return params;
    });
    expectTypeOf(await echoServer.sendToClient("E", "Echo", { x: 1 })).toBeUnknown();
    expectTypeOf(await echoServer.sendToClient("E", "Reset")).toBeUnknown();
  });

  it("still checks the shape of the call itself", async () => {
    // @ts-expect-error a method name is a string
    await echo.call(42, {});
    // @ts-expect-error options must be CallOptions
    await echo.call("Echo", {}, { timeout: 1 });
    // @ts-expect-error a handler is a function
    echo.handle("Echo", { reply: 1 });
    // @ts-expect-error sendToClient needs an identity and a method
    await echoServer.sendToClient();
  });
});

describe("no protocols: the maps of all three versions apply (README)", () => {
  const bare = new OCPPClient({ endpoint: "ws://localhost:3000", identity: "B" });
  const bareServer = new OCPPServer();

  it("defaults P to string", () => {
    expectTypeOf(bare).toEqualTypeOf<OCPPClient<string>>();
    expectTypeOf(bareServer).toEqualTypeOf<OCPPServer<string>>();
  });

  it("accepts any custom method with unknown params and result", async () => {
    expectTypeOf(await bare.call("Anything", { a: 1 })).toBeUnknown();
    expectTypeOf(await bare.call("Anything")).toBeUnknown();
    bare.handle("Anything", ({ params }) => {
      expectTypeOf(params).toBeUnknown();
    });
    expectTypeOf(await bareServer.sendToClient("CP", "Anything", 1)).toBeUnknown();
  });

  it("types OCPP names with the union of the three versions", async () => {
    const boot = await bare.call("BootNotification", {
      chargePointVendor: "V",
      chargePointModel: "M",
    });
    expectTypeOf(boot).toEqualTypeOf<
      | OCPP16.BootNotificationResponse
      | OCPP201.BootNotificationResponse
      | OCPP21.BootNotificationResponse
    >();
    // @ts-expect-error a station never sends Reset, in any version
    await bare.call("Reset", { type: "Soft" });
    // @ts-expect-error a wrong shape for every version
    await bare.call("BootNotification", { vendor: "V" });
    bareServer.on("client", (c) => {
      expectTypeOf(c).toEqualTypeOf<OCPPServerClient<string>>();
      c.handle("Heartbeat", () => ({ currentTime: "" }));
    });
  });

  it("treats a non-literal protocols array the same way", () => {
    const protocols: string[] = ["ocpp1.6"];
    const dynamic = new OCPPClient({ endpoint: "ws://localhost:3000", identity: "D", protocols });
    expectTypeOf(dynamic).toEqualTypeOf<OCPPClient<string>>();
    dynamic.handle("Reset", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<
        OCPP16.ResetRequest | OCPP201.ResetRequest | OCPP21.ResetRequest
      >();
      return { status: "Accepted" };
    });
  });
});

describe("an OCPP version next to a custom subprotocol: ['ocpp1.6', 'echo1.0']", () => {
  const mixed = new OCPPClient({
    endpoint: "ws://localhost:3000",
    identity: "M",
    protocols: ["ocpp1.6", "echo1.0"],
  });

  it("types the OCPP names and leaves the others untyped", async () => {
    expectTypeOf(mixed).toEqualTypeOf<OCPPClient<"ocpp1.6" | "echo1.0">>();
    expectTypeOf(await mixed.call("Heartbeat")).toEqualTypeOf<OCPP16.HeartbeatResponse>();
    expectTypeOf(await mixed.call("Echo", { text: "hi" })).toBeUnknown();
    // @ts-expect-error 1.6 names keep their 1.6 direction and types
    await mixed.call("Reset", { type: "Soft" });
  });
});
