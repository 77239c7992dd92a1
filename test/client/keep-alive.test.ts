import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { ConnectionState } from "../../src/index.js";
import { Peers, type BarePeer } from "../helpers/peers.js";
import { waitFor } from "../helpers/events.js";

const peers = new Peers();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  await peers.closeAll();
  for (const c of cleanups.splice(0)) await c();
}, 5000);

/** Counts the WebSocket pings `peer` receives. */
function countPings(peer: BarePeer): { count: number } {
  const counter = { count: 0 };
  peer.ws.on("ping", () => counter.count++);
  return counter;
}

/**
 * Fakes only setInterval and Date: the keep-alive sweeper runs on them, while sockets (and
 * ws's own timeouts) keep running on real time.
 */
function fakeKeepAliveClock(): void {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
}

/** Sends a CALL from the bare server and waits for the client's answer: one frame of activity. */
async function activity(peer: BarePeer, n: number): Promise<void> {
  peer.send([2, `act-${n}`, "DataTransfer", { vendorId: "x" }]);
  const answer = JSON.parse(await peer.next()) as unknown[];
  expect(answer[1]).toBe(`act-${n}`);
}

/**
 * A client pinging every 1000 ms (fake clock) and a bare peer that sends it a DataTransfer
 * every 500 ms for 5 s: the peer, and the pings it received meanwhile.
 */
async function pingsThroughActivity(
  deferPingsOnActivity: boolean,
): Promise<{ peer: BarePeer; pings: { count: number } }> {
  fakeKeepAliveClock();
  const bare = await peers.bareServer();
  const client = peers.client({
    endpoint: bare.url,
    identity: "CP001",
    pingIntervalMs: 1000,
    deferPingsOnActivity,
  });
  client.handle("DataTransfer", () => ({ status: "Accepted" }));
  await client.connect();
  const peer = await bare.nextConnection();
  const pings = countPings(peer);
  for (let i = 0; i < 10; i++) {
    vi.advanceTimersByTime(500);
    await activity(peer, i);
  }
  return { peer, pings };
}

describe("OCPPClient keep-alive", () => {
  it("sends WebSocket pings every pingIntervalMs and reports 'ping' and 'pong' with the rtt", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP001", pingIntervalMs: 50 });
    await client.connect();
    const peer = await bare.nextConnection();
    const pinged = waitFor(peer.ws, "ping");
    const ping = waitFor<{ timestamp: number }>(client, "ping");
    const pong = waitFor<{ rtt: number }>(client, "pong");
    await pinged;
    expect(typeof (await ping).timestamp).toBe("number");
    const { rtt } = await pong;
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(rtt).toBeLessThan(1000);
    expect(client.state).toBe(ConnectionState.OPEN);
  });

  it("drops a peer that stops answering pings, with 'disconnect' and 'close' code 1006", async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, autoPong: false });
    http.listen(0, "127.0.0.1");
    await once(http, "listening");
    cleanups.push(async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });
    let pingsSeen = 0;
    wss.on("connection", (ws: WebSocket) => ws.on("ping", () => pingsSeen++));
    const client = peers.client({
      endpoint: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
      identity: "CP001",
      pingIntervalMs: 50,
    });
    await client.connect();
    const disconnect = waitFor<{ code: number }>(client, "disconnect");
    const closed = waitFor<{ code: number }>(client, "close");
    expect((await disconnect).code).toBe(1006);
    expect((await closed).code).toBe(1006);
    expect(pingsSeen).toBeGreaterThanOrEqual(1);
    expect(client.state).toBe(ConnectionState.CLOSED);
  });

  it("keeps a connection whose peer answers pings", async () => {
    fakeKeepAliveClock();
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP001", pingIntervalMs: 1000 });
    await client.connect();
    const peer = await bare.nextConnection();
    const pings = countPings(peer);
    let pingEvents = 0;
    client.on("ping", () => pingEvents++);
    // Ten seconds in sweeper ticks; each ping's pong is awaited before time moves on, as it
    // would on a real clock with a fast network.
    for (let step = 0; step < 40; step++) {
      const before = pingEvents;
      vi.advanceTimersByTime(250);
      if (pingEvents > before) await waitFor(client, "pong");
    }
    expect(pingEvents).toBeGreaterThanOrEqual(8);
    expect(pings.count).toBe(pingEvents);
    expect(client.state).toBe(ConnectionState.OPEN);
  });

  it("sends no pings with pingIntervalMs 0", async () => {
    fakeKeepAliveClock();
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP001", pingIntervalMs: 0 });
    let pingEvents = 0;
    client.on("ping", () => pingEvents++);
    await client.connect();
    const peer = await bare.nextConnection();
    const pings = countPings(peer);
    vi.advanceTimersByTime(120_000);
    // A frame sent after any ping arrives after it: one round trip settles the question.
    await activity(peer, 1);
    expect(pings.count).toBe(0);
    expect(pingEvents).toBe(0);
  });

  it("starts pinging when reconfigured from pingIntervalMs 0 to a positive interval", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP001", pingIntervalMs: 0 });
    await client.connect();
    const peer = await bare.nextConnection();
    const pinged = waitFor(peer.ws, "ping");
    client.reconfigure({ pingIntervalMs: 40 });
    await pinged;
  });

  it("with deferPingsOnActivity, postpones pings while frames arrive", async () => {
    // Each frame pushes the next ping >= 750 ms away.
    const { peer, pings } = await pingsThroughActivity(true);
    expect(pings.count).toBe(0);
    // Silence: the ping comes.
    const pinged = waitFor(peer.ws, "ping");
    vi.advanceTimersByTime(1500);
    await pinged;
  });

  it("without deferPingsOnActivity, pings on schedule despite activity", async () => {
    const { pings } = await pingsThroughActivity(false);
    expect(pings.count).toBeGreaterThanOrEqual(3);
  });

  it("stops pinging once closed", async () => {
    fakeKeepAliveClock();
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP001", pingIntervalMs: 1000 });
    let pingEvents = 0;
    client.on("ping", () => pingEvents++);
    await client.connect();
    await bare.nextConnection();
    await client.close();
    vi.advanceTimersByTime(10_000);
    expect(pingEvents).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("OCPPServer keep-alive", () => {
  it("pings connected stations every pingIntervalMs", async () => {
    const { url } = await peers.server({ protocols: ["ocpp1.6"], pingIntervalMs: 50 });
    const peer = await peers.bareClient(url, "CP001");
    await waitFor(peer.ws, "ping");
  });

  it("drops a station that does not answer pings", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], pingIntervalMs: 50 });
    const clientEvent = waitFor<{ once: unknown }>(server, "client");
    const ws = new WebSocket(`${url}/SILENT`, ["ocpp1.6"], { autoPong: false });
    ws.on("error", () => undefined);
    cleanups.push(async () => {
      ws.terminate();
      await Promise.resolve();
    });
    const serverClient = await clientEvent;
    const closed = waitFor<{ code: number }>(serverClient, "close");
    expect((await closed).code).toBe(1006);
    expect(server.clients.size).toBe(0);
  });
});
