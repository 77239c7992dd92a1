import { afterEach, describe, expect, it } from "vitest";
import {
  InMemoryAdapter,
  InMemoryHub,
  NodeLostError,
  RPCNotSupportedError,
  StationNotConnectedError,
  TimeoutError,
  type OCPPServer,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { waitFor } from "../helpers/events.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

const fast = { heartbeatIntervalMs: 50, nodeLossAfterMs: 200 };

async function twoNodes(): Promise<{ a: OCPPServer; b: OCPPServer; urlA: string; urlB: string }> {
  const hub = new InMemoryHub();
  const { server: a, url: urlA } = await peers.server({ protocols: ["ocpp1.6"] });
  const { server: b, url: urlB } = await peers.server({ protocols: ["ocpp1.6"] });
  await a.setAdapter(new InMemoryAdapter(hub), fast);
  await b.setAdapter(new InMemoryAdapter(hub), fast);
  return { a, b, urlA, urlB };
}

async function station(url: string, server: OCPPServer, identity: string) {
  const client = peers.client({ endpoint: url, identity, protocols: ["ocpp1.6"] });
  const accepted = waitFor(server, "client");
  await client.connect();
  await accepted;
  return client;
}

describe("OCPPServer#sendToClient across nodes (InMemoryAdapter)", () => {
  it("reaches a station on the other node and resolves with its reply", async () => {
    const { a, b, urlA } = await twoNodes();
    const cp = await station(urlA, a, "CP-1");
    cp.handle("Reset", ({ params }) => ({ status: "Accepted", echo: params }));
    await expect(b.sendToClient("CP-1", "Reset", { type: "Soft" })).resolves.toEqual({
      status: "Accepted",
      echo: { type: "Soft" },
    });
    await expect(
      b.sendToClient("CP-1", "ocpp1.6", "Reset", { type: "Hard" }),
    ).resolves.toMatchObject({
      status: "Accepted",
    });
  });

  it("rejects with the station's RPC error class and code", async () => {
    const { a, b, urlA } = await twoNodes();
    const cp = await station(urlA, a, "CP-1");
    cp.handle("Reset", () => {
      throw new RPCNotSupportedError("no hard reset", { why: "test" });
    });
    const err = await b.sendToClient("CP-1", "Reset", { type: "Hard" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RPCNotSupportedError);
    expect(err).toMatchObject({
      rpcErrorCode: "NotSupported",
      message: "no hard reset",
      details: { why: "test" },
    });
  });

  it("rejects with TimeoutError at the caller's deadline", async () => {
    const { a, b, urlA } = await twoNodes();
    const cp = await station(urlA, a, "CP-1");
    cp.handle("Reset", () => new Promise<never>(() => undefined));
    await expect(
      b.sendToClient("CP-1", "Reset", { type: "Soft" }, { timeoutMs: 150 }),
    ).rejects.toBeInstanceOf(TimeoutError);
  });

  it("rejects at once with StationNotConnectedError when no node holds the station", async () => {
    const { b } = await twoNodes();
    const err = await b
      .sendToClient("NOBODY", "Reset", { type: "Soft" }, { timeoutMs: 60_000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StationNotConnectedError);
    await expect(b.safeSendToClient("NOBODY", "Reset", { type: "Soft" })).resolves.toBeUndefined();
  });

  it("rejects with NodeLostError when the holding node leaves mid-call", async () => {
    const { a, b, urlA } = await twoNodes();
    const cp = await station(urlA, a, "CP-1");
    const called = new Promise<void>((resolve) =>
      cp.handle("Reset", () => {
        resolve();
        return new Promise<never>(() => undefined);
      }),
    );
    const pending = b
      .sendToClient("CP-1", "Reset", { type: "Soft" }, { timeoutMs: 10_000 })
      .catch((e: unknown) => e);
    await called;
    await a.setAdapter(null);
    expect(await pending).toBeInstanceOf(NodeLostError);
  });

  it("closes the older session when the station connects to another node", async () => {
    const { a, b, urlA, urlB } = await twoNodes();
    const old = await station(urlA, a, "CP-1");
    const oldClosed = waitFor<{ code: number }>(old, "close");
    const serverSideClosed = waitFor(a.getClient("CP-1")!, "close");
    const fresh = await station(urlB, b, "CP-1");
    expect((await oldClosed).code).toBe(4001);
    await serverSideClosed;
    fresh.handle("Reset", () => ({ status: "Accepted" }));
    await expect(a.sendToClient("CP-1", "Reset", { type: "Soft" })).resolves.toEqual({
      status: "Accepted",
    });
  });
});

describe("OCPPServer#sendToClient after the station moved", () => {
  it("follows the station to its new node even though the caller had cached the old one", async () => {
    const hub = new InMemoryHub();
    const [a, b, c] = await Promise.all(
      [0, 1, 2].map(() => peers.server({ protocols: ["ocpp1.6"] })),
    );
    for (const n of [a!, b!, c!]) await n.server.setAdapter(new InMemoryAdapter(hub), fast);
    const first = await station(a!.url, a!.server, "CP-1");
    first.handle("DataTransfer", () => ({ status: "Accepted", data: "on a" }));
    await expect(
      c!.server.sendToClient("CP-1", "DataTransfer", { vendorId: "t" }),
    ).resolves.toEqual({
      status: "Accepted",
      data: "on a",
    });
    const moved = await station(b!.url, b!.server, "CP-1");
    moved.handle("DataTransfer", () => ({ status: "Accepted", data: "on b" }));
    await expect(
      c!.server.sendToClient("CP-1", "DataTransfer", { vendorId: "t" }),
    ).resolves.toEqual({
      status: "Accepted",
      data: "on b",
    });
  });
});

describe("OCPPServer#publish / subscribe", () => {
  it("delivers to every node in publish order", async () => {
    const { a, b } = await twoNodes();
    const seen: Array<[string, unknown]> = [];
    const done = new Promise<void>((resolve) => {
      for (const [name, s] of [
        ["a", a],
        ["b", b],
      ] as const) {
        s.subscribe("fw", (data) => {
          seen.push([name, data]);
          if (seen.length === 4) resolve();
        });
      }
    });
    await a.publish("fw", { n: 1 });
    await a.publish("fw", { n: 2 });
    await done;
    expect(seen.filter(([n]) => n === "b").map(([, d]) => d)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(seen.filter(([n]) => n === "a").map(([, d]) => d)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it("delivers locally without an adapter and refuses data JSON cannot carry", async () => {
    const { server } = await peers.server();
    const got = new Promise((resolve) => server.subscribe("x", resolve));
    await server.publish("x", [1, "two"]);
    expect(await got).toEqual([1, "two"]);
    await expect(server.publish("x", { n: 1n })).rejects.toThrow(/JSON-serializable/);
  });
});

describe("OCPPServer#broadcastBatch", () => {
  it("returns one result per identity across nodes, in order", async () => {
    const { a, b, urlA, urlB } = await twoNodes();
    const ids = ["A1", "B1", "A2", "NONE"];
    for (const id of ids.slice(0, 3)) {
      const cp = await station(id.startsWith("A") ? urlA : urlB, id.startsWith("A") ? a : b, id);
      cp.handle("DataTransfer", () => ({ status: "Accepted", data: id }));
    }
    const results = await b.broadcastBatch(ids, "DataTransfer", { vendorId: "test" });
    expect(results.map((r) => r.identity)).toEqual(ids);
    expect(results.slice(0, 3).map((r) => (r.status === "fulfilled" ? r.value : r.reason))).toEqual(
      [
        { status: "Accepted", data: "A1" },
        { status: "Accepted", data: "B1" },
        { status: "Accepted", data: "A2" },
      ],
    );
    expect(results[3]).toMatchObject({ status: "rejected" });
    expect(results[3]!.status === "rejected" && results[3]!.reason).toBeInstanceOf(
      StationNotConnectedError,
    );
  });
});

describe("OCPPServer#setAdapter", () => {
  it("replaces the adapter and reports it in stats() and adapterMetrics()", async () => {
    const { server } = await peers.server();
    expect(server.adapter).toBeUndefined();
    expect(await server.adapterMetrics()).toBeUndefined();
    const first = new InMemoryAdapter(new InMemoryHub());
    const second = new InMemoryAdapter(new InMemoryHub());
    await server.setAdapter(first);
    await server.setAdapter(second);
    expect(server.adapter).toBe(second);
    expect(first.isReady()).toBe(false);
    expect(server.stats()).toMatchObject({
      activeSessions: 0,
      pid: process.pid,
      cluster: { adapter: "memory" },
    });
    expect(await server.adapterMetrics()).toMatchObject({ adapter: "memory", routedCalls: 0 });
  });

  it("refuses something that is not an adapter and bad options, naming them", async () => {
    const { server } = await peers.server();
    await expect(server.setAdapter({} as never)).rejects.toThrow(
      /must implement EventAdapterInterface/,
    );
    await expect(
      server.setAdapter(new InMemoryAdapter(), { heartbeatIntervalMs: 5 }),
    ).rejects.toThrow("setAdapter(): options.heartbeatIntervalMs must be an integer >= 50");
  });
});
