import { afterEach, describe, expect, it } from "vitest";
import { ConnectionState } from "../../src/index.js";
import { Peers, type BarePeer } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

const STATIONS = 50;

/** A server whose handler never answers, with `STATIONS` bare stations each waiting on a call. */
async function stuckServer(closeTimeoutMs = 200) {
  const { server, url } = await peers.server({
    protocols: ["ocpp1.6"],
    pingIntervalMs: 0,
    closeTimeoutMs,
  });
  let started = 0;
  let allStarted: () => void = () => undefined;
  const stuck = new Promise<void>((resolve) => (allStarted = resolve));
  server.on("client", (client) =>
    client.handle("DataTransfer", () => {
      if (++started === STATIONS) allStarted();
      return new Promise<never>(() => undefined);
    }),
  );
  const stations: BarePeer[] = [];
  for (let i = 0; i < STATIONS; i++) {
    const peer = await peers.bareClient(url, `CP${i}`, ["ocpp1.6"]);
    peer.send([2, `m${i}`, "DataTransfer", { vendorId: "v" }]);
    stations.push(peer);
  }
  await stuck;
  return { server, stations };
}

describe("OCPPServer#close while handlers never answer", () => {
  it("awaitPending: false closes every station at once", async () => {
    const { server, stations } = await stuckServer(60_000);
    await server.close({ awaitPending: false });
    const closes = await Promise.all(stations.map((s) => s.closed));
    expect(closes.every((c) => c.code === 1001)).toBe(true);
  });

  it("by default waits for pending calls at most closeTimeoutMs, then closes", async () => {
    const { server, stations } = await stuckServer(200);
    await server.close();
    const closes = await Promise.all(stations.map((s) => s.closed));
    expect(closes.every((c) => c.code === 1001)).toBe(true);
    expect(server.clients.size).toBe(0);
  });

  it("force: true returns without waiting for anything", async () => {
    const { server, stations } = await stuckServer(60_000);
    const clients = [...server.clients];
    await server.close({ force: true });
    expect(clients.every((c) => c.state === ConnectionState.CLOSED)).toBe(true);
    const closes = await Promise.all(stations.map((s) => s.closed));
    expect(closes.every((c) => c.code === 1006)).toBe(true);
  });
});
