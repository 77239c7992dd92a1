import { afterEach, describe, expect, it } from "vitest";
import { OCPPClient, OCPPServer, RPCGenericError, type LoggingConfig } from "../../src/index.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";
import { EntryCapture, PinoCapture } from "./log-capture.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

const HEARTBEAT = { currentTime: "2024-01-01T00:00:00Z" };

async function pair(serverLogging: LoggingConfig | false, clientLogging: LoggingConfig | false) {
  const { server, url } = await peers.server({ protocols: ["ocpp1.6"], logging: serverLogging });
  server.on("client", (c) => c.handle("Heartbeat", () => HEARTBEAT));
  const client = peers.client({
    endpoint: url,
    identity: "CP-LOG",
    protocols: ["ocpp1.6"],
    logging: clientLogging,
  });
  return { server, client };
}

describe("logging with a user's pino", () => {
  it("keeps every metadata field of the lifecycle lines (pino is called object first)", async () => {
    const serverLog = new PinoCapture();
    const clientLog = new PinoCapture();
    const { client } = await pair({ logger: serverLog.logger }, { logger: clientLog.logger });
    await client.connect();

    const connected = await serverLog.next((l) => l.msg === "station connected");
    expect(connected).toMatchObject({
      level: 30,
      component: "OCPPServer",
      identity: "CP-LOG",
      protocol: "ocpp1.6",
      remoteAddress: "127.0.0.1",
    });
    expect(await clientLog.next((l) => l.msg === "connected")).toMatchObject({
      component: "OCPPClient",
      identity: "CP-LOG",
      protocol: "ocpp1.6",
    });

    await client.close({ code: 4000, reason: "bye" });
    expect(await serverLog.next((l) => l.msg === "station disconnected")).toMatchObject({
      level: 40, // not a normal closure
      identity: "CP-LOG",
      code: 4000,
      reason: "bye",
    });
  });

  it("logs no line per message at the default level", async () => {
    const serverLog = new PinoCapture();
    const { client } = await pair({ logger: serverLog.logger }, false);
    await client.connect();
    for (let i = 0; i < 20; i++) await client.call("Heartbeat", {});
    await client.close();
    await serverLog.next((l) => l.msg === "station disconnected");
    expect(serverLog.lines.map((l) => l.msg)).toEqual([
      "station connected",
      "station disconnected",
    ]);
  });

  it("client.logger takes the seed's (text, meta) form and pino's (meta, text) form", () => {
    const log = new PinoCapture();
    const client = new OCPPClient({
      endpoint: "ws://127.0.0.1:1",
      identity: "CP-FORMS",
      logging: { logger: log.logger },
    });
    client.logger.info("Initializing updates", { pendingFiles: 4 });
    client.logger.warn({ pendingFiles: 5 }, "pino form");
    client.logger.error(new Error("boom"));
    client.logger.debug("below the level", { x: 1 });
    expect(log.lines).toMatchObject([
      {
        level: 30,
        msg: "Initializing updates",
        pendingFiles: 4,
        component: "OCPPClient",
        identity: "CP-FORMS",
      },
      { level: 40, msg: "pino form", pendingFiles: 5, identity: "CP-FORMS" },
      { level: 50, msg: "boom", err: { message: "boom", type: "Error" } },
    ]);
    expect(log.lines).toHaveLength(3);
  });

  it("server.logger and each station's logger are children bound to component and identity", async () => {
    const log = new PinoCapture();
    const { server, client } = await pair({ logger: log.logger }, false);
    const accepted = waitFor<import("../../src/index.js").OCPPServerClient>(server, "client");
    await client.connect();
    const station = await accepted;

    server.logger.warn("Unrecognized protocol attempted", { requested: "ocpp1.5" });
    station.logger.info("Station said hello");
    server.logger.child({ requestId: "r-1" }).info({ step: 2 }, "in a request");
    expect(log.withMessage("Unrecognized protocol attempted")[0]).toMatchObject({
      component: "OCPPServer",
      requested: "ocpp1.5",
    });
    expect(log.withMessage("Unrecognized protocol attempted")[0]).not.toHaveProperty("identity");
    expect(log.withMessage("Station said hello")[0]).toMatchObject({
      component: "OCPPServer",
      identity: "CP-LOG",
    });
    expect(log.withMessage("in a request")[0]).toMatchObject({
      component: "OCPPServer",
      requestId: "r-1",
      step: 2,
    });
    expect(station.logger).toBe(station.logger); // made once
  });
});

describe("logging.handler", () => {
  it("receives every entry as an object", async () => {
    const entries = new EntryCapture();
    const { client } = await pair({ handler: entries.handler }, false);
    await client.connect();
    const entry = await entries.next((e) => e.message === "station connected");
    expect(entry).toMatchObject({
      level: "info",
      component: "OCPPServer",
      identity: "CP-LOG",
      metadata: { protocol: "ocpp1.6", remoteAddress: "127.0.0.1" },
    });
    expect(entry.time).toBeGreaterThan(Date.now() - 60_000);
  });

  it("a handler that throws or rejects breaks nothing", async () => {
    const seen: string[] = [];
    const { client } = await pair(
      {
        handler: (entry) => {
          seen.push(entry.message);
          if (entry.message === "station connected") throw new Error("handler bug");
          return Promise.reject(new Error("async handler bug"));
        },
      },
      false,
    );
    await client.connect();
    expect(await client.call("Heartbeat", {})).toEqual(HEARTBEAT);
    await client.close();
    expect(seen).toContain("station connected");
  });

  it("showMetadata: false and showSourceMeta: false leave those fields out", () => {
    const log = new PinoCapture();
    const client = new OCPPClient({
      endpoint: "ws://127.0.0.1:1",
      identity: "CP-BARE",
      logging: { logger: log.logger, showMetadata: false, showSourceMeta: false },
    });
    client.logger.info("plain", { hidden: true });
    expect(log.lines[0]).toMatchObject({ msg: "plain" });
    expect(log.lines[0]).not.toHaveProperty("hidden");
    expect(log.lines[0]).not.toHaveProperty("component");
    expect(log.lines[0]).not.toHaveProperty("identity");
  });
});

describe("levels and switching off", () => {
  it("level filters lines below it, for the library's and the application's lines", async () => {
    const log = new PinoCapture();
    const { client } = await pair({ logger: log.logger, level: "warn" }, false);
    await client.connect();
    await client.close({ code: 4001 });
    await log.next((l) => l.msg === "station disconnected");
    expect(log.lines.map((l) => l.msg)).toEqual(["station disconnected"]);
  });

  it("logging: false and enabled: false write nothing", async () => {
    const entries = new EntryCapture();
    const { client, server } = await pair(
      { enabled: false, handler: entries.handler },
      { enabled: false, handler: entries.handler },
    );
    await client.connect();
    await client.call("Heartbeat", {});
    client.logger.error("not written");
    server.logger.error("not written");
    await client.close();
    expect(entries.entries).toEqual([]);
    expect(client.logger.enabled).toBe(false);
    const off = new OCPPServer({ logging: false });
    expect(off.logger.enabled).toBe(false);
    off.logger.info("nothing", { at: "all" });
  });
});

describe("the exchange log", () => {
  it("logs each message with direction, type, method, id, protocol, size and timing", async () => {
    const serverLog = new PinoCapture();
    const clientLog = new PinoCapture();
    const { server, client } = await pair(
      { logger: serverLog.logger, exchangeLog: true },
      { logger: clientLog.logger, exchangeLog: true },
    );
    server.on("client", (c) =>
      c.handle("Authorize", () => {
        throw new RPCGenericError("no");
      }),
    );
    await client.connect();
    await client.call("Heartbeat", {});
    await expect(client.call("Authorize", { idTag: "SECRET-TAG" })).rejects.toThrow("no");

    const inCall = await serverLog.next((l) => l.msg === "IN CALL Heartbeat");
    expect(inCall).toMatchObject({
      level: 30,
      identity: "CP-LOG",
      direction: "IN",
      type: "CALL",
      method: "Heartbeat",
      protocol: "ocpp1.6",
      bytes: expect.any(Number),
      messageId: expect.any(String),
    });
    const outResult = await serverLog.next((l) => l.msg === "OUT CALLRESULT Heartbeat");
    expect(outResult.messageId).toBe(inCall.messageId);
    expect(outResult.handlerMs).toEqual(expect.any(Number));
    const rtt = await clientLog.next((l) => l.msg === "IN CALLRESULT Heartbeat");
    expect(rtt.rttMs).toBeGreaterThan(0);
    expect(await serverLog.next((l) => l.msg === "OUT CALLERROR Authorize")).toMatchObject({
      level: 40,
      errorCode: "GenericError",
    });
    // No payloads unless asked for: the idTag never reaches a line.
    expect(JSON.stringify(serverLog.lines)).not.toContain("SECRET-TAG");
    expect(JSON.stringify(clientLog.lines)).not.toContain("SECRET-TAG");
  });

  it("logs a client's first messages: a call made during connect() and the CSMS's call on arrival", async () => {
    const clientLog = new PinoCapture();
    const { server, client } = await pair(false, { logger: clientLog.logger, exchangeLog: true });
    server.on("client", (c) => {
      void c.call("ocpp1.6", "GetConfiguration", {});
    });
    client.handle("GetConfiguration", () => ({ configurationKey: [] }));
    const connecting = client.connect();
    const queued = client.call("Heartbeat", {});
    await connecting;
    await expect(queued).resolves.toEqual(HEARTBEAT);
    await clientLog.next((l) => l.msg === "OUT CALL Heartbeat");
    await clientLog.next((l) => l.msg === "IN CALL GetConfiguration");
    await clientLog.next((l) => l.msg === "OUT CALLRESULT GetConfiguration");
  });

  it("logs payloads only through the payload hook, which can mask them", async () => {
    const log = new PinoCapture();
    const { client } = await pair(
      {
        logger: log.logger,
        exchangeLog: {
          payload: (payload, info) =>
            info.method === "Authorize" ? { ...(payload as object), idTag: "***" } : payload,
        },
      },
      false,
    );
    await client.connect();
    await client.call("Authorize", { idTag: "SECRET-TAG" }).catch(() => undefined);
    const line = await log.next((l) => l.msg === "IN CALL Authorize");
    expect(line.payload).toEqual({ idTag: "***" });
    expect(JSON.stringify(log.lines)).not.toContain("SECRET-TAG");
  });
});

describe("LoggingConfig checks", () => {
  it.each([
    [{ levl: "info" }, /option 'logging' has no field 'levl'/],
    [{ level: "verbose" }, /option 'logging.level' must be one of trace, debug, info/],
    [{ enabled: "yes" }, /option 'logging.enabled' must be a boolean/],
    [
      { logger: { info() {} } },
      /option 'logging.logger' must be a pino-compatible logger.*warn, error/,
    ],
    [{ handler: "console" }, /option 'logging.handler' must be a function/],
    [{ exchangeLog: { payloads: true } }, /option 'logging.exchangeLog' has no field 'payloads'/],
    ["info", /option 'logging' must be a LoggingConfig object or false/],
  ])("refuses %j", (logging, message) => {
    expect(() => new OCPPServer({ logging: logging as LoggingConfig })).toThrow(message);
    expect(
      () =>
        new OCPPClient({
          endpoint: "ws://127.0.0.1:1",
          identity: "CP",
          logging: logging as LoggingConfig,
        }),
    ).toThrow(message);
  });

  it("is fixed at construction", () => {
    const server = new OCPPServer({ logging: false });
    expect(() => server.reconfigure({ logging: { level: "debug" } })).toThrow(
      /'logging' is fixed at construction/,
    );
    const client = new OCPPClient({ endpoint: "ws://127.0.0.1:1", identity: "CP" });
    expect(() => client.reconfigure({ logging: false })).toThrow(/fixed at construction/);
  });
});
