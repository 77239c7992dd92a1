import type { AddressInfo } from "node:net";
import {
  createRPCError as rpcCreateRPCError,
  RPCClient,
  RPCNotSupportedError as RpcLibNotSupportedError,
  RPCServer,
  UnexpectedHttpResponse as RpcLibUnexpectedHttpResponse,
} from "ocpp-rpc";
import { afterEach, describe, expect, it } from "vitest";
import {
  createRPCError,
  OCPPClient,
  OCPPServer,
  RPCNotSupportedError,
  type ClientOptions,
  type OCPPServerClient,
  type ServerOptions,
} from "../../src/index.js";
import { waitFor } from "../helpers/events.js";

/** The parts of ocpp-rpc's server-side client these tests use. */
interface RpcLibServerClient {
  identity: string;
  protocol: string;
  session: Record<string, unknown>;
  handshake: { identity: string; password?: Buffer };
  handle(method: string, handler: (ctx: { params: unknown }) => unknown): void;
  call(method: string, params?: unknown): Promise<unknown>;
  close(options?: { code?: number; reason?: string }): Promise<unknown>;
  once(event: "close", fn: (e: { code: number; reason: string }) => void): void;
}

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
}, 5000);

async function rpcServer(
  options: Record<string, unknown>,
): Promise<{ server: RPCServer; url: string }> {
  const server = new RPCServer(options);
  const http = await server.listen(0, "127.0.0.1");
  closers.push(async () => {
    await server.close({ force: true });
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return { server, url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

async function ourServer(options: ServerOptions): Promise<{ server: OCPPServer; url: string }> {
  const server = new OCPPServer(options);
  const http = await server.listen(0, "127.0.0.1");
  closers.push(() => server.close({ force: true }));
  return { server, url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

function ourClient(options: ClientOptions): OCPPClient {
  const client = new OCPPClient({ reconnect: false, ...options });
  closers.push(() => client.close({ force: true }));
  return client;
}

function rpcClient(options: Record<string, unknown>): RPCClient {
  const client = new RPCClient({ reconnect: false, ...options } as unknown as ConstructorParameters<
    typeof RPCClient
  >[0]);
  closers.push(() => client.close({ force: true }));
  return client;
}

const BOOT = { chargePointVendor: "VendorX", chargePointModel: "ModelY" };
const BOOT_RESULT = {
  status: "Accepted" as const,
  currentTime: "2024-01-01T00:00:00.000Z",
  interval: 300,
};
const CONFIG_RESULT = {
  configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "300" }],
};

/** `err` is a NotSupported RPC error of `errorClass` (ours or ocpp-rpc's) with `message`. */
function expectNotSupported(
  err: unknown,
  errorClass: abstract new (...args: never[]) => object,
  message: string,
): void {
  expect(err).toBeInstanceOf(errorClass);
  expect((err as { rpcErrorCode: string }).rpcErrorCode).toBe("NotSupported");
  expect((err as Error).message).toBe(message);
}

describe("OCPPClient with ocpp-rpc's RPCServer", () => {
  async function connect(
    serverOptions: Record<string, unknown> = {},
    clientOptions: Partial<ClientOptions> = {},
  ) {
    const { server, url } = await rpcServer({ protocols: ["ocpp1.6"], ...serverOptions });
    const connected = waitFor<RpcLibServerClient>(server, "client");
    const client = ourClient({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      ...clientOptions,
    });
    await client.connect();
    return { server, client, remote: await connected };
  }

  it("calls BootNotification (station → CSMS)", async () => {
    const { client, remote } = await connect();
    remote.handle("BootNotification", () => BOOT_RESULT);
    await expect(client.call("BootNotification", BOOT)).resolves.toEqual(BOOT_RESULT);
  });

  it("answers GetConfiguration (CSMS → station)", async () => {
    const { server, url } = await rpcServer({ protocols: ["ocpp1.6"] });
    const connected = waitFor<RpcLibServerClient>(server, "client");
    const client = ourClient({ endpoint: url, identity: "CP001", protocols: ["ocpp1.6"] });
    client.handle("GetConfiguration", () => CONFIG_RESULT);
    await client.connect();
    await expect(
      (await connected).call("GetConfiguration", { key: ["HeartbeatInterval"] }),
    ).resolves.toEqual(CONFIG_RESULT);
  });

  it("receives ocpp-rpc's createRPCError('NotSupported') as RPCNotSupportedError", async () => {
    const { client, remote } = await connect();
    remote.handle("DataTransfer", () => {
      throw rpcCreateRPCError("NotSupported", "no vendor data here") as unknown as Error;
    });
    const err = await client.call("DataTransfer", { vendorId: "x" }).catch((e: unknown) => e);
    expectNotSupported(err, RPCNotSupportedError, "no vendor data here");
  });

  it("sends our createRPCError('NotSupported') so ocpp-rpc sees its RPCNotSupportedError", async () => {
    const { client, remote } = await connect();
    client.handle("Reset", () => {
      throw createRPCError("NotSupported", "Hard reset not supported");
    });
    const err = await remote.call("Reset", { type: "Hard" }).catch((e: unknown) => e);
    expectNotSupported(err, RpcLibNotSupportedError, "Hard reset not supported");
  });

  it("authenticates with Basic auth, colons in identity and password", async () => {
    const { server, url } = await rpcServer({ protocols: ["ocpp1.6"] });
    const seen = new Promise<{ identity: string; password: string | undefined }>((resolve) =>
      server.auth((accept, reject, handshake) => {
        resolve({ identity: handshake.identity, password: handshake.password?.toString("utf8") });
        if (handshake.password?.toString("utf8") === "as:is:this") accept({ ok: true });
        else reject(401, "bad");
      }),
    );
    const client = ourClient({
      endpoint: url,
      identity: "this:is:ok",
      password: "as:is:this",
      protocols: ["ocpp1.6"],
    });
    await client.connect();
    expect(await seen).toEqual({ identity: "this:is:ok", password: "as:is:this" });
  });

  it("negotiates the subprotocol RPCServer prefers", async () => {
    const { client, remote } = await connect(
      { protocols: ["ocpp2.0.1", "ocpp1.6"] },
      { protocols: ["ocpp1.6", "ocpp2.0.1"] },
    );
    expect(client.protocol).toBe("ocpp2.0.1");
    expect(remote.protocol).toBe("ocpp2.0.1");
  });

  it("exchanges a valid call with strictMode on both sides", async () => {
    const { client, remote } = await connect({ strictMode: true }, { strictMode: true });
    remote.handle("BootNotification", () => BOOT_RESULT);
    await expect(client.call("BootNotification", BOOT)).resolves.toEqual(BOOT_RESULT);
  });

  it("closes with our code and reason, seen by ocpp-rpc", async () => {
    const { client, remote } = await connect();
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      remote.once("close", resolve),
    );
    await client.close({ code: 4000, reason: "bye" });
    expect(await closed).toEqual({ code: 4000, reason: "bye" });
  });

  it("sees the code and reason ocpp-rpc closes with", async () => {
    const { client, remote } = await connect();
    const closed = waitFor<{ code: number; reason: string }>(client, "close");
    await remote.close({ code: 4001, reason: "kicked" });
    expect(await closed).toEqual({ code: 4001, reason: "kicked" });
  });
});

describe("ocpp-rpc's RPCClient with OCPPServer", () => {
  async function connect(
    serverOptions: ServerOptions = {},
    clientOptions: Record<string, unknown> = {},
  ) {
    const { server, url } = await ourServer({ protocols: ["ocpp1.6"], ...serverOptions });
    const connected = waitFor<OCPPServerClient>(server, "client");
    const client = rpcClient({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      ...clientOptions,
    });
    await client.connect();
    return { server, client, remote: await connected };
  }

  it("serves BootNotification (station → CSMS)", async () => {
    const { client, remote } = await connect();
    remote.handle("BootNotification", () => BOOT_RESULT);
    await expect(client.call("BootNotification", BOOT)).resolves.toEqual(BOOT_RESULT);
  });

  it("calls GetConfiguration (CSMS → station)", async () => {
    const { client, remote } = await connect();
    client.handle("GetConfiguration", () => Promise.resolve(CONFIG_RESULT));
    await expect(remote.call("GetConfiguration", { key: ["HeartbeatInterval"] })).resolves.toEqual(
      CONFIG_RESULT,
    );
  });

  it("receives ocpp-rpc's createRPCError('NotSupported') as RPCNotSupportedError", async () => {
    const { client, remote } = await connect();
    client.handle("Reset", () => {
      throw rpcCreateRPCError("NotSupported", "Hard reset not supported") as unknown as Error;
    });
    const err = await remote.call("Reset", { type: "Hard" }).catch((e: unknown) => e);
    expectNotSupported(err, RPCNotSupportedError, "Hard reset not supported");
  });

  it("sends our createRPCError('NotSupported') so ocpp-rpc sees its RPCNotSupportedError", async () => {
    const { client, remote } = await connect();
    remote.handle("DataTransfer", () => {
      throw createRPCError("NotSupported", "no vendor data here");
    });
    const err = await client.call("DataTransfer", { vendorId: "x" }).catch((e: unknown) => e);
    expectNotSupported(err, RpcLibNotSupportedError, "no vendor data here");
  });

  it("authenticates with Basic auth, colons in identity and password", async () => {
    const { server, url } = await ourServer({ protocols: ["ocpp1.6"] });
    server.auth((accept, reject, handshake) =>
      handshake.password?.toString("utf8") === "as:is:this"
        ? accept({ session: { who: handshake.identity } })
        : reject(401),
    );
    const connected = waitFor<OCPPServerClient>(server, "client");
    const client = rpcClient({
      endpoint: url,
      identity: "this:is:ok",
      password: "as:is:this",
      protocols: ["ocpp1.6"],
    });
    await client.connect();
    const remote = await connected;
    expect(remote.identity).toBe("this:is:ok");
    expect(remote.session).toEqual({ who: "this:is:ok" });
  });

  it("authenticates with a binary Buffer password", async () => {
    const password = Buffer.from([0x00, 0x3a, 0xff, 0x10, 0x80]);
    const { server, url } = await ourServer({ protocols: ["ocpp1.6"] });
    server.auth((accept, reject, handshake) =>
      handshake.password?.equals(password) ? accept() : reject(401),
    );
    await rpcClient({
      endpoint: url,
      identity: "CP001",
      password,
      protocols: ["ocpp1.6"],
    }).connect();
  });

  it("refuses a wrong password with the HTTP status ocpp-rpc reports", async () => {
    const { server, url } = await ourServer({ protocols: ["ocpp1.6"] });
    server.auth((accept, reject, handshake) =>
      handshake.password?.toString() === "right" ? accept() : reject(401, "no"),
    );
    const client = rpcClient({
      endpoint: url,
      identity: "CP001",
      password: "wrong",
      protocols: ["ocpp1.6"],
    });
    const err = await client.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcLibUnexpectedHttpResponse);
    expect((err as { code: number }).code).toBe(401);
  });

  it("negotiates the subprotocol OCPPServer prefers", async () => {
    const { client, remote } = await connect(
      { protocols: ["ocpp2.0.1", "ocpp1.6"] },
      { protocols: ["ocpp1.6", "ocpp2.0.1"] },
    );
    expect(client.protocol).toBe("ocpp2.0.1");
    expect(remote.protocol).toBe("ocpp2.0.1");
  });

  it("exchanges a valid call with strictMode on both sides", async () => {
    const { client, remote } = await connect({ strictMode: true }, { strictMode: true });
    remote.handle("BootNotification", () => BOOT_RESULT);
    await expect(client.call("BootNotification", BOOT)).resolves.toEqual(BOOT_RESULT);
  });

  it("closes every ocpp-rpc station with 1001 on server.close()", async () => {
    const { server, client } = await connect();
    const closed = waitFor<{ code: number }>(client, "close");
    await server.close();
    expect((await closed).code).toBe(1001);
  });

  it("sees the code and reason ocpp-rpc closes with", async () => {
    const { client, remote } = await connect();
    const closed = waitFor<{ code: number; reason: string }>(remote, "close");
    await client.close({ code: 4002, reason: "going" });
    expect(await closed).toEqual({ code: 4002, reason: "going" });
  });
});
