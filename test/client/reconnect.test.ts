import { afterEach, describe, expect, it } from "vitest";
import { ConnectionClosedError, ConnectionState, type OCPPClient } from "../../src/index.js";
import { Peers, type BarePeer, type BareServer } from "../helpers/peers.js";
import { waitFor } from "../helpers/events.js";

const peers = new Peers();
// A library bug can leave a client that never finishes closing; fail the hook fast then.
afterEach(() => peers.closeAll(), 5000);

/** Marks `promise` handled now, so an assertion failing earlier leaves no unhandled rejection. */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** `promise`, or a rejection naming `what` if it does not settle within `ms`. */
function within<T>(promise: Promise<T>, what: string, ms = 2000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function offered(bare: BareServer, index: number): string[] {
  const header = bare.requests[index]!.headers["sec-websocket-protocol"] ?? "";
  return header.split(",").map((p) => p.trim());
}

/** Answers the next CALL `peer` receives with `result`; resolves with the call frame. */
async function answerNext(peer: BarePeer, result: unknown = {}): Promise<unknown[]> {
  const frame = await peer.nextJson();
  peer.send([3, frame[1], result]);
  return frame;
}

const BACKOFF = { backoffMin: 20, backoffMax: 60 };

async function connected(options: Partial<Parameters<Peers["client"]>[0]> = {}, protocol?: string) {
  const bare = await peers.bareServer(protocol ? { protocol } : {});
  const client: OCPPClient = peers.client({
    endpoint: bare.url,
    identity: "CP001",
    protocols: ["ocpp1.6", "ocpp2.0.1"],
    reconnect: true,
    pingIntervalMs: 0,
    ...BACKOFF,
    ...options,
  });
  await client.connect();
  const peer = await bare.nextConnection();
  return { bare, client, peer };
}

describe("OCPPClient reconnect", () => {
  it("after the server drops the socket, emits 'disconnect', 'reconnect', 'connecting' and 'open' again", async () => {
    const { bare, client, peer } = await connected();
    const events: string[] = [];
    for (const name of ["disconnect", "reconnect", "connecting", "open", "close"]) {
      client.on(name as "open", () => events.push(name));
    }
    const disconnect = waitFor<{ code: number }>(client, "disconnect");
    const reconnect = waitFor<{ attempt: number; delay: number }>(client, "reconnect");
    const reopened = waitFor(client, "open");
    peer.ws.terminate();
    expect((await disconnect).code).toBe(1006);
    const { attempt, delay } = await reconnect;
    expect(attempt).toBe(1);
    expect(delay).toBeGreaterThanOrEqual(BACKOFF.backoffMin);
    expect(delay).toBeLessThanOrEqual(BACKOFF.backoffMax);
    await reopened;
    await bare.nextConnection();
    expect(events).toEqual(["disconnect", "reconnect", "connecting", "open"]);
    expect(client.state).toBe(ConnectionState.OPEN);
  });

  it("offers only the negotiated subprotocol when it reconnects", async () => {
    const { bare, client, peer } = await connected({}, "ocpp2.0.1");
    expect(client.protocol).toBe("ocpp2.0.1");
    expect(offered(bare, 0)).toEqual(["ocpp1.6", "ocpp2.0.1"]);
    const reopened = waitFor(client, "open");
    peer.ws.terminate();
    await reopened;
    await bare.nextConnection();
    expect(offered(bare, 1)).toEqual(["ocpp2.0.1"]);
    expect(client.protocol).toBe("ocpp2.0.1");
  });

  it("reconnects after a clean close sent by the server", async () => {
    const { bare, client, peer } = await connected();
    const disconnect = waitFor<{ code: number; reason: string }>(client, "disconnect");
    const reopened = waitFor(client, "open");
    peer.ws.close(1012, "Service Restart");
    expect(await disconnect).toEqual({ code: 1012, reason: "Service Restart" });
    await reopened;
    const again = await bare.nextConnection();
    client.call("Heartbeat").catch(() => undefined);
    expect((await again.nextJson())[2]).toBe("Heartbeat");
  });

  it("gives up after maxReconnects failed attempts and emits 'close'", async () => {
    const { bare, client, peer } = await connected({ maxReconnects: 2 });
    const attempts: number[] = [];
    client.on("reconnect", ({ attempt }) => attempts.push(attempt));
    client.on("error", () => undefined);
    const closed = waitFor<{ code: number }>(client, "close", 3000);
    // Stop listening first, so every reconnect attempt is refused (close() stops listening at
    // once; its callback would wait for the upgraded socket too, so it is not awaited).
    bare.http.close();
    peer.ws.terminate();
    await closed;
    expect(attempts).toEqual([1, 2]);
    expect(client.state).toBe(ConnectionState.CLOSED);
  });

  it("gives up at once with maxReconnects 0, emitting 'close' and ending CLOSED", async () => {
    const { client, peer } = await connected({ maxReconnects: 0 });
    const closed = waitFor<{ code: number }>(client, "close");
    peer.ws.terminate();
    await closed;
    expect(client.state).toBe(ConnectionState.CLOSED);
  });

  it("does not reconnect with reconnect: false, and emits 'close' with the peer's code", async () => {
    const { client, peer } = await connected({ reconnect: false });
    let reconnects = 0;
    client.on("reconnect", () => reconnects++);
    const closed = waitFor<{ code: number }>(client, "close");
    peer.ws.terminate();
    expect((await closed).code).toBe(1006);
    expect(reconnects).toBe(0);
    expect(client.state).toBe(ConnectionState.CLOSED);
  });

  it("never reconnects after an explicit close()", async () => {
    const { bare, client } = await connected();
    let connecting = 0;
    client.on("connecting", () => connecting++);
    client.on("reconnect", () => connecting++);
    const result = await client.close({ code: 1000, reason: "bye" });
    expect(result).toEqual({ code: 1000, reason: "bye" });
    expect(client.state).toBe(ConnectionState.CLOSED);
    // A negative check needs a window: three times the longest back-off.
    await new Promise((resolve) => setTimeout(resolve, BACKOFF.backoffMax * 3));
    expect(connecting).toBe(0);
    expect(bare.requests).toHaveLength(1);
  });

  it("stops reconnecting when close() is called between attempts", async () => {
    const { bare, client, peer } = await connected({ backoffMin: 150, backoffMax: 150 });
    const reconnect = waitFor(client, "reconnect");
    peer.ws.terminate();
    await reconnect;
    expect(client.state).toBe(ConnectionState.CONNECTING);
    const closed = waitFor(client, "close");
    await client.close();
    await closed;
    expect(client.state).toBe(ConnectionState.CLOSED);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bare.requests).toHaveLength(1);
  });
});

describe("OCPPClient calls across a disconnect", () => {
  it("rejects calls in flight with ConnectionClosedError when the connection drops", async () => {
    const { client, peer } = await connected({ reconnect: false });
    const pending = later(client.call("Heartbeat"));
    await peer.nextJson();
    peer.ws.terminate();
    await expect(within(pending, "pending")).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("rejects calls in flight even when it will reconnect", async () => {
    const { client, peer } = await connected();
    const pending = later(client.call("Heartbeat"));
    await peer.nextJson();
    peer.ws.terminate();
    await expect(within(pending, "pending")).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("without offlineQueue, rejects calls still queued (not yet sent) at disconnect", async () => {
    const { bare, client, peer } = await connected({ offlineQueue: false });
    const inFlight = later(client.call("Heartbeat"));
    const queued = later(
      client.call("StatusNotification", {
        connectorId: 0,
        errorCode: "NoError",
        status: "Available",
      }),
    );
    await peer.nextJson();
    peer.ws.terminate();
    await expect(within(inFlight, "inFlight")).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(within(queued, "queued")).rejects.toBeInstanceOf(ConnectionClosedError);
    // The reconnected server does not receive the rejected call.
    const again = await bare.nextConnection();
    if (client.state !== ConnectionState.OPEN) await waitFor(client, "open");
    const probe = client.call("Heartbeat");
    expect((await answerNext(again, { currentTime: "x" }))[2]).toBe("Heartbeat");
    await expect(probe).resolves.toEqual({ currentTime: "x" });
  });

  it("with offlineQueue, sends calls still queued at disconnect after the reconnect", async () => {
    const { bare, client, peer } = await connected({ offlineQueue: true });
    const inFlight = later(client.call("Heartbeat"));
    const queued = later(client.call("DataTransfer", { vendorId: "v" }));
    await peer.nextJson();
    peer.ws.terminate();
    await expect(within(inFlight, "inFlight")).rejects.toBeInstanceOf(ConnectionClosedError);
    const again = await bare.nextConnection();
    const frame = await answerNext(again, { status: "Accepted" });
    expect(frame.slice(2)).toEqual(["DataTransfer", { vendorId: "v" }]);
    await expect(within(queued, "queued")).resolves.toEqual({ status: "Accepted" });
  });

  it("with offlineQueue, sends calls made while reconnecting once reconnected", async () => {
    const { bare, client, peer } = await connected({
      offlineQueue: true,
      backoffMin: 80,
      backoffMax: 80,
    });
    const reconnect = waitFor(client, "reconnect");
    peer.ws.terminate();
    await reconnect;
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.state).toBe(ConnectionState.CONNECTING);
    const offline = later(client.call("Heartbeat"));
    const again = await bare.nextConnection();
    const frame = await answerNext(again, { currentTime: "now" });
    expect(frame[2]).toBe("Heartbeat");
    await expect(within(offline, "offline")).resolves.toEqual({ currentTime: "now" });
  });

  it("with offlineQueue, accepts a call made from the 'disconnect' listener and sends it after the reconnect", async () => {
    const { bare, client, peer } = await connected({ offlineQueue: true });
    let made: Promise<unknown> | undefined;
    let thrown: unknown;
    client.once("disconnect", () => {
      try {
        made = later(client.call("Heartbeat"));
      } catch (err) {
        thrown = err;
      }
    });
    peer.ws.terminate();
    const again = await bare.nextConnection();
    expect(thrown).toBeUndefined();
    await answerNext(again, { currentTime: "t" });
    await expect(within(made!, "made")).resolves.toEqual({ currentTime: "t" });
  });

  it("with offlineQueueMaxSize, drops the oldest queued call when the queue is full", async () => {
    const { bare, client, peer } = await connected({
      offlineQueue: true,
      offlineQueueMaxSize: 2,
      backoffMin: 80,
      backoffMax: 80,
    });
    const reconnect = waitFor(client, "reconnect");
    peer.ws.terminate();
    await reconnect;
    await new Promise((resolve) => setImmediate(resolve));
    const first = later(client.call("DataTransfer", { vendorId: "1" }));
    const second = later(client.call("DataTransfer", { vendorId: "2" }));
    const third = later(client.call("DataTransfer", { vendorId: "3" }));
    await expect(within(first, "first")).rejects.toBeInstanceOf(ConnectionClosedError);
    const again = await bare.nextConnection();
    expect((await answerNext(again, { status: "Accepted" }))[3]).toEqual({ vendorId: "2" });
    expect((await answerNext(again, { status: "Rejected" }))[3]).toEqual({ vendorId: "3" });
    await expect(within(second, "second")).resolves.toEqual({ status: "Accepted" });
    await expect(within(third, "third")).resolves.toEqual({ status: "Rejected" });
  });
});
