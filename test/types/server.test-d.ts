/**
 * Compile-time tests of the CSMS-side typed API: OCPPServer<P>, its "client" event,
 * OCPPServerClient<P> (call/handle) and sendToClient / safeSendToClient.
 */
import { describe, expectTypeOf, it } from "vitest";
import { OCPPServer, OCPPServerClient } from "../../src/index.js";
import type {
  OCPP16,
  OCPP201,
  OCPP21,
  ServerEvents,
  ServerOptions,
  SessionData,
  WorkerThreadsOptions,
} from "../../src/index.js";

type P = "ocpp1.6" | "ocpp2.0.1";
const server = new OCPPServer({ protocols: ["ocpp1.6", "ocpp2.0.1"] });
declare const client: OCPPServerClient<P>;

const getVariableData = [
  { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } },
];

describe("ServerOptions", () => {
  it("types workerThreads as a boolean or { poolSize, maxQueueSize, minFrameBytes }", () => {
    expectTypeOf<ServerOptions["workerThreads"]>().toEqualTypeOf<
      boolean | WorkerThreadsOptions | undefined
    >();
    expectTypeOf<keyof WorkerThreadsOptions>().toEqualTypeOf<
      "poolSize" | "maxQueueSize" | "minFrameBytes"
    >();
  });
});

describe("OCPPServer<'ocpp1.6' | 'ocpp2.0.1'>", () => {
  it("infers P from the literal protocols array", () => {
    expectTypeOf(server).toEqualTypeOf<OCPPServer<P>>();
    expectTypeOf(server.clients).toEqualTypeOf<ReadonlySet<OCPPServerClient<P>>>();
    expectTypeOf(server.getClient("CP1")).toEqualTypeOf<OCPPServerClient<P> | undefined>();
  });

  it("hands a typed OCPPServerClient<P> to the 'client' event", () => {
    server.on("client", (c) => {
      expectTypeOf(c).toEqualTypeOf<OCPPServerClient<P, SessionData>>();
      expectTypeOf(c.identity).toEqualTypeOf<string>();
      expectTypeOf(c.protocol).toEqualTypeOf<string | undefined>();
      expectTypeOf(c.session).toEqualTypeOf<SessionData>();
    });
    expectTypeOf<ServerEvents<P>["client"]>().toEqualTypeOf<[client: OCPPServerClient<P>]>();
    server.on("error", (err) => expectTypeOf(err).toEqualTypeOf<Error>());
    // @ts-expect-error no such server event
    server.on("clientConnected", () => undefined);
  });

  it("types the auth callback", () => {
    server.auth((accept, reject, handshake, signal) => {
      expectTypeOf(handshake.identity).toEqualTypeOf<string>();
      expectTypeOf(handshake.password).toEqualTypeOf<Buffer | undefined>();
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      if (handshake.identity === "BLOCKED") return reject(401, "Not authorized");
      accept({ session: { authorized: true } });
    });
    server.auth(({ accept, handshake }) =>
      accept({ protocol: "ocpp1.6", session: { id: handshake.identity } }),
    );
  });
});

describe("OCPPServerClient<'ocpp1.6' | 'ocpp2.0.1'>: call()", () => {
  it("types CSMS-initiated calls of either protocol", async () => {
    const conf = await client.call("GetConfiguration", { key: ["HeartbeatInterval"] });
    expectTypeOf(conf).toEqualTypeOf<OCPP16.GetConfigurationResponse>();
    expectTypeOf(
      await client.call("GetConfiguration"),
    ).toEqualTypeOf<OCPP16.GetConfigurationResponse>();
    const reset = await client.call("Reset", { type: "Hard" });
    expectTypeOf(reset).toEqualTypeOf<OCPP16.ResetResponse | OCPP201.ResetResponse>();
    await client.call("Reset", { type: "OnIdle" });
    const vars = await client.call("GetVariables", { getVariableData });
    expectTypeOf(vars).toEqualTypeOf<OCPP201.GetVariablesResponse>();
  });

  it("types the protocol form", async () => {
    const vars = await client.call("ocpp2.0.1", "GetVariables", { getVariableData });
    expectTypeOf(vars).toEqualTypeOf<OCPP201.GetVariablesResponse>();
    expectTypeOf(vars.getVariableResult).toEqualTypeOf<OCPP201.GetVariableResultType[]>();
    const reset = await client.call("ocpp1.6", "Reset", { type: "Soft" });
    expectTypeOf(reset).toEqualTypeOf<OCPP16.ResetResponse>();
    // @ts-expect-error "Soft" is a 1.6 reset type, not 2.0.1
    await client.call("ocpp2.0.1", "Reset", { type: "Soft" });
    // @ts-expect-error GetVariables is not an ocpp1.6 message
    await client.call("ocpp1.6", "GetVariables", { getVariableData });
    // @ts-expect-error each GetVariableData needs its variable
    await client.call("ocpp2.0.1", "GetVariables", {
      getVariableData: [{ component: { name: "C" } }],
    });
  });

  it("rejects bad CSMS calls", async () => {
    // @ts-expect-error a CSMS never sends BootNotification
    await client.call("BootNotification", { chargePointVendor: "V", chargePointModel: "M" });
    // @ts-expect-error a CSMS never sends Heartbeat
    await client.call("Heartbeat");
    // @ts-expect-error key is a string array
    await client.call("GetConfiguration", { key: "HeartbeatInterval" });
    // @ts-expect-error "Warm" is a reset type of neither protocol
    await client.call("Reset", { type: "Warm" });
    // @ts-expect-error ocpp2.1 is not served by this server
    await client.call("ocpp2.1", "AFRRSignal", { timestamp: "", signal: 1 });
  });

  it("keeps custom names untyped", async () => {
    expectTypeOf(await client.call("VendorX", { a: 1 })).toBeUnknown();
  });
});

describe("OCPPServerClient<'ocpp1.6' | 'ocpp2.0.1'>: handle()", () => {
  it("unions the params of both protocols' requests", () => {
    client.handle("BootNotification", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<
        OCPP16.BootNotificationRequest | OCPP201.BootNotificationRequest
      >();
      if ("reason" in params)
        expectTypeOf(params.reason).toEqualTypeOf<OCPP201.BootReasonEnumType>();
      else expectTypeOf(params.chargePointVendor).toEqualTypeOf<string>();
      return { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 };
    });
    client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
    client.handle("StatusNotification", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<
        OCPP16.StatusNotificationRequest | OCPP201.StatusNotificationRequest
      >();
      return {};
    });
    client.handle("TransactionEvent", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<OCPP201.TransactionEventRequest>();
      return {};
    });
    client.handle("ocpp1.6", "BootNotification", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<OCPP16.BootNotificationRequest>();
      return { status: "Pending", currentTime: "", interval: 10 } as const;
    });
  });

  it("rejects bad handlers", () => {
    // @ts-expect-error "OK" is a registration status of neither protocol
    client.handle("BootNotification", () => ({ status: "OK", currentTime: "", interval: 1 }));
    // @ts-expect-error interval is required
    client.handle("BootNotification", () => ({ status: "Accepted", currentTime: "" }));
    // @ts-expect-error a station never sends Reset
    client.handle("Reset", () => ({ status: "Accepted" }));
    // @ts-expect-error a station never sends GetVariables
    client.handle("ocpp2.0.1", "GetVariables", () => ({ getVariableResult: [] }));
  });

  it("accepts the wildcard handler and removes handlers", () => {
    client.handle((method, { params }) => {
      expectTypeOf(params).toBeUnknown();
      return method;
    });
    client.removeHandler("BootNotification");
    client.removeHandler("ocpp1.6", "BootNotification");
    client.removeHandler();
  });
});

describe("OCPPServer.sendToClient", () => {
  it("types the method and protocol forms", async () => {
    const soft = await server.sendToClient("CP1", "ocpp1.6", "Reset", { type: "Soft" });
    expectTypeOf(soft).toEqualTypeOf<OCPP16.ResetResponse>();
    const hard = await server.sendToClient("CP1", "Reset", { type: "Hard" });
    expectTypeOf(hard).toEqualTypeOf<OCPP16.ResetResponse | OCPP201.ResetResponse>();
    await server.sendToClient("CP1", "Reset", { type: "Hard" }, { timeoutMs: 10_000 });
    const vars = await server.sendToClient("CP1", "ocpp2.0.1", "GetVariables", { getVariableData });
    expectTypeOf(vars).toEqualTypeOf<OCPP201.GetVariablesResponse>();
    expectTypeOf(await server.sendToClient("CP1", "ClearCache")).toEqualTypeOf<
      OCPP16.ClearCacheResponse | OCPP201.ClearCacheResponse
    >();
    expectTypeOf(await server.sendToClient("CP1", "VendorX", { a: 1 })).toBeUnknown();
  });

  it("rejects bad sendToClient calls", async () => {
    // @ts-expect-error a CSMS never sends BootNotification
    await server.sendToClient("CP1", "BootNotification", {
      chargePointVendor: "V",
      chargePointModel: "M",
    });
    // @ts-expect-error type is required
    await server.sendToClient("CP1", "Reset", {});
    // @ts-expect-error "Immediate" is a 2.0.1 reset type, not 1.6
    await server.sendToClient("CP1", "ocpp1.6", "Reset", { type: "Immediate" });
    // @ts-expect-error params are required for Reset
    await server.sendToClient("CP1", "Reset");
    // @ts-expect-error the identity comes first
    await server.sendToClient("Reset", { type: "Hard" });
  });

  it("types safeSendToClient as possibly undefined", async () => {
    const maybe = await server.safeSendToClient("CP1", "ocpp1.6", "Reset", { type: "Soft" });
    expectTypeOf(maybe).toEqualTypeOf<OCPP16.ResetResponse | undefined>();
  });
});

describe("OCPPServer<'ocpp2.1'>: messages new in 2.1", () => {
  const server21 = new OCPPServer({ protocols: ["ocpp2.1"] });
  const client21 = server21.getClient("CP1")!;

  it("lets the CSMS call the new CSMS-initiated messages", async () => {
    const afrr = await client21.call("AFRRSignal", {
      timestamp: new Date().toISOString(),
      signal: 1,
    });
    expectTypeOf(afrr).toEqualTypeOf<OCPP21.AFRRSignalResponse>();
    const tariffs = await server21.sendToClient("CP1", "GetTariffs", { evseId: 1 });
    expectTypeOf(tariffs.status).toEqualTypeOf<"Accepted" | "Rejected" | "NoTariff">();
    // @ts-expect-error signal is a number
    await client21.call("AFRRSignal", { timestamp: "", signal: "1" });
  });

  it("types the new station-initiated messages on the CSMS side", () => {
    client21.handle("NotifySettlement", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<OCPP21.NotifySettlementRequest>();
      return { receiptId: "R1" };
    });
    // @ts-expect-error a station never sends AFRRSignal
    client21.handle("AFRRSignal", () => ({ status: "Accepted" }));
    // @ts-expect-error a CSMS never sends NotifySettlement
    void client21.call("NotifySettlement", {
      pspRef: "",
      status: "Settled",
      settlementAmount: 1,
      settlementTime: "",
    });
  });
});
