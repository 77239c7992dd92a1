/**
 * Transport-level limits of OCPPServer (seed 002): maxPayloadBytes, handshakeTimeoutMs and
 * connectionRateLimit, each refusing with its own securityEvent, exactly once.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionState,
  OCPPServerClient,
  UnexpectedHttpResponse,
  WebsocketUpgradeError,
  type OCPPServer,
  type UpgradeAbortedEvent,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { EventLog, barrier, bareUpgrade, rejectionOf } from "./support.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

function station(url: string, identity: string) {
  return peers.client({ endpoint: url, identity, protocols: ["ocpp1.6"] });
}

function withHeartbeat(server: OCPPServer) {
  server.on("client", (c) =>
    c.handle("Heartbeat", () => ({ currentTime: "2024-01-01T00:00:00Z" })),
  );
}

describe("maxPayloadBytes", () => {
  it("closes a connection sending a 2000-byte frame with 1009, one PAYLOAD_TOO_LARGE, and keeps serving", async () => {
    const { server, url, port } = await peers.server({
      protocols: ["ocpp1.6"],
      maxPayloadBytes: 1000,
    });
    withHeartbeat(server);
    const log = new EventLog(server);
    const serverSide = new Promise<OCPPServerClient>((r) => server.once("client", r));
    const big = await peers.bareClient(url, "CP-BIG");
    const bigServerSide = await serverSide;
    const serverSideClosed = new Promise((r) => bigServerSide.once("close", r));

    const envelope = (data: string) =>
      JSON.stringify([2, "1", "DataTransfer", { vendorId: "x", data }]);
    const frame = envelope("a".repeat(2000 - envelope("").length));
    expect(Buffer.byteLength(frame)).toBe(2000);
    big.send(frame);

    expect((await big.closed).code).toBe(1009);
    const event = await log.waitFor("PAYLOAD_TOO_LARGE");
    expect(event).toMatchObject({ identity: "CP-BIG", remoteAddress: "127.0.0.1" });
    expect(event.timestamp).toBeInstanceOf(Date);
    await serverSideClosed;
    expect(server.getClient("CP-BIG")).toBeUndefined();

    // The server still serves: a new connection makes a call round-trip.
    const other = station(url, "CP-OK");
    await other.connect();
    await expect(other.call("Heartbeat", {})).resolves.toEqual({
      currentTime: "2024-01-01T00:00:00Z",
    });
    expect(await barrier(port)).toBe(404);
    expect(log.types()).toEqual(["PAYLOAD_TOO_LARGE"]);
    expect(server.clients.size).toBe(1);
  });

  it("a frame just under the limit is processed normally", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], maxPayloadBytes: 1000 });
    const log = new EventLog(server);
    server.on("client", (c) => c.handle("DataTransfer", () => ({ status: "Accepted" })));
    const peer = await peers.bareClient(url, "CP-SMALL");
    const frame = JSON.stringify([
      2,
      "m1",
      "DataTransfer",
      { vendorId: "x", data: "a".repeat(900) },
    ]);
    expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(1000);
    peer.send(frame);
    expect(await peer.nextJson()).toEqual([3, "m1", { status: "Accepted" }]);
    expect(log.events).toEqual([]);
  });
});

describe("handshakeTimeoutMs", () => {
  it("an auth() that never decides gets 408, one UPGRADE_ABORTED, upgradeAborted, an aborted signal", async () => {
    const { server, url, port } = await peers.server({
      protocols: ["ocpp1.6"],
      handshakeTimeoutMs: 200,
    });
    const log = new EventLog(server);
    let signal: AbortSignal | undefined;
    server.auth((_accept, _reject, _handshake, s) => {
      signal = s; // never decides
    });
    const aborted = new Promise<UpgradeAbortedEvent>((r) => server.once("upgradeAborted", r));

    const started = Date.now();
    const err = await rejectionOf(station(url, "CP-SLOW").connect());
    expect(err).toBeInstanceOf(UnexpectedHttpResponse);
    expect((err as UnexpectedHttpResponse).statusCode).toBe(408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    const abortedEvent = await aborted;
    expect(abortedEvent.error).toBeInstanceOf(WebsocketUpgradeError);
    expect(abortedEvent.error.code).toBe(408);
    expect(abortedEvent.identity).toBe("CP-SLOW");
    const event = await log.waitFor("UPGRADE_ABORTED");
    expect(event).toMatchObject({ identity: "CP-SLOW", remoteAddress: "127.0.0.1", status: 408 });
    expect(signal?.aborted).toBe(true);
    expect(await barrier(port)).toBe(404);
    expect(log.types()).toEqual(["UPGRADE_ABORTED"]);
    expect(server.clients.size).toBe(0);
  });

  it("an auth() deciding within the timeout is not affected", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], handshakeTimeoutMs: 500 });
    const log = new EventLog(server);
    server.auth(async (accept) => {
      await new Promise((r) => setImmediate(r));
      accept();
    });
    const client = station(url, "CP-FAST");
    await client.connect();
    expect(client.state).toBe(ConnectionState.OPEN);
    expect(log.events).toEqual([]);
  });
});

describe("connectionRateLimit", () => {
  it("{ limit: 2, windowMs: 60000 }: the third upgrade from 127.0.0.1 gets 429 and one CONNECTION_RATE_LIMIT", async () => {
    const { server, url, port } = await peers.server({
      protocols: ["ocpp1.6"],
      connectionRateLimit: { limit: 2, windowMs: 60_000 },
    });
    withHeartbeat(server);
    const log = new EventLog(server);
    let authCalls = 0;
    server.auth((accept) => {
      authCalls++;
      accept();
    });
    const first = station(url, "CP-1");
    const second = station(url, "CP-2");
    await first.connect();
    await second.connect();

    const err = await rejectionOf(station(url, "CP-3").connect());
    expect(err).toBeInstanceOf(UnexpectedHttpResponse);
    expect((err as UnexpectedHttpResponse).statusCode).toBe(429);
    const event = await log.waitFor("CONNECTION_RATE_LIMIT");
    expect(event).toMatchObject({ remoteAddress: "127.0.0.1", status: 429 });
    expect(await barrier(port)).toBe(404);
    expect(log.types()).toEqual(["CONNECTION_RATE_LIMIT"]);
    expect(authCalls).toBe(2);

    // The limit is on new upgrades: the two accepted stations keep working.
    await expect(first.call("Heartbeat", {})).resolves.toBeDefined();
    await expect(second.call("Heartbeat", {})).resolves.toBeDefined();
    expect(server.clients.size).toBe(2);

    // A fourth attempt in the same window is refused too (one more event).
    expect((await bareUpgrade(url, "CP-4")).status).toBe(429);
    await expect
      .poll(() => log.types(), { timeout: 2000 })
      .toEqual(["CONNECTION_RATE_LIMIT", "CONNECTION_RATE_LIMIT"]);
  });
});
