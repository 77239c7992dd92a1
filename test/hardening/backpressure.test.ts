import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { OCPPClient, OCPPServer, type OCPPServerClient } from "../../src/index.js";
import {
  clientText,
  closeRawCsms,
  frame,
  rawConnect,
  rawCsms,
  upgradeRequest,
} from "./raw-wire.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MiB = 1024 * 1024;

async function floodServer(backpressure: object | false, registry?: Registry) {
  const server = new OCPPServer({
    protocols: ["ocpp1.6"],
    backpressure,
    ...(registry && { metrics: { registry } }),
  });
  cleanups.push(() => server.close({ force: true }));
  // Each answer is 4 KiB: a peer that never reads fills the server's queue quickly.
  const big = "x".repeat(4096);
  server.on("client", (client) => {
    client.handle("DataTransfer", () => ({ status: "Accepted", data: big }));
    client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
  });
  const http = await server.listen(0, "127.0.0.1");
  return { server, port: (http.address() as AddressInfo).port };
}

/** A station that sends `count` calls in one go and never reads its socket. */
async function nonReadingStation(server: OCPPServer, port: number, count: number) {
  const accepted = new Promise<OCPPServerClient>((r) => server.once("client", r));
  const socket = await rawConnect(port);
  cleanups.push(() => Promise.resolve(socket.destroy()));
  socket.write(upgradeRequest("/CP-FLOOD", ["ocpp1.6"]));
  const client = await accepted;
  // Stop reading before the first answer arrives (the 101 is all we let in).
  socket.pause();
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    frames.push(clientText(`[2,"m${i}","DataTransfer",{"vendorId":"v"}]`));
  }
  socket.write(Buffer.concat(frames));
  return { client, socket };
}

/** The most bytes queued on `peer` seen at each frame it received, and how many it received. */
function watchQueue(peer: OCPPServerClient | OCPPClient): { max: number; received: number } {
  const seen = { max: 0, received: 0 };
  peer.on("message", ({ outbound }) => {
    if (outbound) return;
    seen.received++;
    seen.max = Math.max(seen.max, peer.bufferedAmount);
  });
  return seen;
}

describe("backpressure", () => {
  it("stops reading from a peer that does not read, serves others, closes it with 1008 after stallTimeoutMs", async () => {
    const registry = new Registry();
    const { server, port } = await floodServer({ stallTimeoutMs: 1500 }, registry);
    const paused = new Promise<{ identity: string }>((r) => server.once("backpressure", r));
    const { client } = await nonReadingStation(server, port, 20_000);
    const queue = watchQueue(client);
    const closed = new Promise<{ code: number; reason: string }>((r) => client.once("close", r));

    // Another station is served while the flooding one is paused.
    const other = new OCPPClient({
      endpoint: `ws://127.0.0.1:${port}`,
      identity: "CP-OTHER",
      protocols: ["ocpp1.6"],
      reconnect: false,
    });
    cleanups.push(() => other.close({ force: true }));
    await other.connect();
    expect(await other.call("Heartbeat", {})).toHaveProperty("currentTime");

    const { code, reason } = await closed;
    expect(code).toBe(1008);
    expect(reason).toMatch(/not reading/);
    // It really was flooding (past the 1 MiB mark), yet the queue stayed bounded (the mark
    // plus the answers to the calls of the last chunk read) and most of the 20,000 calls
    // (80 MiB of answers) were never read.
    expect(queue.max).toBeGreaterThan(MiB);
    expect(queue.max).toBeLessThan(3 * MiB);
    expect(queue.received).toBeLessThan(20_000);
    expect(other.state).toBe(1);
    // Reported: the server's 'backpressure' event and ocpp_backpressure_total.
    expect(await paused).toEqual({ identity: "CP-FLOOD" });
    const counted = await registry.getSingleMetric("ocpp_backpressure_total")!.get();
    expect(counted.values[0]!.value).toBeGreaterThanOrEqual(1);
  });

  it("the Node client does the same towards a CSMS that does not read", async () => {
    const calls: Buffer[] = [];
    for (let i = 0; i < 20_000; i++) {
      calls.push(frame({ payload: `[2,"c${i}","DataTransfer",{"vendorId":"v"}]` }));
    }
    const csms = await rawCsms("ocpp1.6", Buffer.concat(calls), "no-read");
    cleanups.push(() => closeRawCsms(csms));
    const station = new OCPPClient({
      endpoint: csms.url,
      identity: "CP-1",
      protocols: ["ocpp1.6"],
      reconnect: false,
      backpressure: { stallTimeoutMs: 1000 },
    });
    cleanups.push(() => station.close({ force: true }));
    const big = "x".repeat(4096);
    station.handle("DataTransfer", () => ({ status: "Accepted", data: big }));
    const queue = watchQueue(station);
    const closed = new Promise<{ code: number }>((r) => station.once("close", r));
    await station.connect();
    expect((await closed).code).toBe(1008);
    expect(queue.max).toBeGreaterThan(MiB);
    expect(queue.max).toBeLessThan(3 * MiB);
    expect(queue.received).toBeLessThan(20_000);
  });

  it("false turns it off: the queue grows past the mark", async () => {
    const { server, port } = await floodServer(false);
    const { client } = await nonReadingStation(server, port, 5_000);
    let received = 0;
    const allRead = new Promise<void>((resolve) =>
      client.on("message", ({ outbound }) => {
        if (!outbound && ++received === 5_000) resolve();
      }),
    );
    await allRead;
    await new Promise((r) => setImmediate(r));
    expect(client.bufferedAmount).toBeGreaterThan(2 * MiB);
  });

  it.each([
    [
      { highWaterMarkBytes: -1 },
      "option 'backpressure.highWaterMarkBytes' must be an integer >= 0, got -1",
    ],
    [
      { lowWaterMarkBytes: 2 * MiB },
      "option 'backpressure.lowWaterMarkBytes' (2097152) must be <= 'backpressure.highWaterMarkBytes' (1048576)",
    ],
    [{ stallTimeoutMs: "1s" }, `option 'backpressure.stallTimeoutMs' must be a number, got "1s"`],
    [{ highWatermark: 1 }, "option 'backpressure': unknown key 'highWatermark'"],
    [
      true,
      "option 'backpressure' must be false or an object { highWaterMarkBytes, lowWaterMarkBytes, stallTimeoutMs }, got boolean true",
    ],
  ])("refuses %j with a message naming the option", (backpressure, message) => {
    expect(() => new OCPPServer({ backpressure: backpressure as object })).toThrow(message);
    expect(
      () =>
        new OCPPClient({
          endpoint: "ws://127.0.0.1:1",
          identity: "CP",
          backpressure: backpressure as object,
        }),
    ).toThrow(message);
  });
});
