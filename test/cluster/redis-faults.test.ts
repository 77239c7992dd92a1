import { describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { OCPPServer } from "../../src/index.js";
import { RedisAdapter } from "../../src/adapters/redis/index.js";
import { RedisServer } from "../helpers/redis-server.js";
import { waitFor } from "../helpers/events.js";
import { FAST, useRedisCluster, type NodeProcess } from "./support.js";

const cluster = useRedisCluster();
const { startNodes, station } = cluster;

/** Resolves once `node` reports `counter` >= `atLeast` in adapterMetrics(). */
async function metricReaches(node: NodeProcess, counter: string, atLeast: number) {
  for (;;) {
    const m = await node.request({ cmd: "metrics" });
    if (Number((m.value as Record<string, unknown>)[counter]) >= atLeast) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const OUTCOME_UNKNOWN_OR_REFUSED = new Set([
  "ClusterUnavailableError",
  "TimeoutError",
  "StationNotConnectedError",
  "NodeLostError",
]);

describe.each(["ioredis", "ioredis5", "redis", "redis5", "redis4"])(
  "RedisAdapter with %s: Redis restarted mid-traffic",
  (lib) => {
    it("no node crashes, failures are clear errors, and routing comes back", async () => {
      const [a, b] = await startNodes(lib, 2);
      await station(a!, "CP-1", (cp) => cp.handle("DataTransfer", () => ({ status: "Accepted" })));
      const errors = new Set<string>();
      let restartedAt = 0;
      let recoveredAfterMs = -1;
      let stop = false;
      const traffic = (async () => {
        let successes = 0;
        while (!stop) {
          const r = await b!.call(
            "CP-1",
            "DataTransfer",
            { vendorId: "test" },
            { timeoutMs: 1000 },
          );
          if (r.ok) {
            successes++;
            if (restartedAt && recoveredAfterMs < 0) recoveredAfterMs = Date.now() - restartedAt;
            if (successes === 20) {
              await cluster.redis.restart();
              restartedAt = Date.now();
            }
          } else {
            errors.add(r.error!.name);
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          if (recoveredAfterMs >= 0) stop = true;
        }
      })();
      await traffic;
      console.log(
        `${lib}: routing back ${recoveredAfterMs} ms after Redis was up again; errors seen: ${[...errors].join(", ") || "none"}`,
      );
      expect(recoveredAfterMs).toBeGreaterThanOrEqual(0);
      for (const name of errors) expect(OUTCOME_UNKNOWN_OR_REFUSED).toContain(name);
      expect(a!.exited).toBeUndefined();
      expect(b!.exited).toBeUndefined();
    }, 30_000);
  },
);

describe("RedisAdapter: Redis down", () => {
  it("fails cross-node calls fast with ClusterUnavailableError while local calls still work", async () => {
    const [a, b] = await startNodes("ioredis", 2);
    await station(a!, "CP-A", (cp) =>
      cp.handle("DataTransfer", () => ({ status: "Accepted", data: "x" })),
    );
    await station(b!, "CP-B", (cp) =>
      cp.handle("DataTransfer", () => ({ status: "Accepted", data: "local" })),
    );
    await cluster.redis.stop();
    let remote = await b!.call("CP-A", "DataTransfer", { vendorId: "test" }, { timeoutMs: 500 });
    while (!remote.ok && remote.error!.name === "TimeoutError") {
      remote = await b!.call("CP-A", "DataTransfer", { vendorId: "test" }, { timeoutMs: 500 });
    }
    expect(remote).toMatchObject({ ok: false, error: { name: "ClusterUnavailableError" } });
    expect(await b!.call("CP-B", "DataTransfer", { vendorId: "test" })).toMatchObject({
      ok: true,
      value: { status: "Accepted", data: "local" },
    });
    await cluster.redis.restart();
    expect(a!.exited).toBeUndefined();
  });
});

describe("RedisAdapter: de-duplication", () => {
  it("never executes a resent request twice, in flight or done", async () => {
    const [a, b] = await startNodes("ioredis", 2);
    let executions = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    await station(a!, "CP-1", (cp) =>
      cp.handle("DataTransfer", async () => {
        executions++;
        entered();
        await released;
        return { status: "Accepted", data: "once" };
      }),
    );
    const inbox = `ocpp-ws-io:in:{${a!.nodeId}}`;
    const call = b!.call("CP-1", "DataTransfer", { vendorId: "test" }, { timeoutMs: 5000 });
    await inHandler;
    const lines = cluster.redis.cli("XRANGE", inbox, "-", "+").split("\n");
    const request = lines.find((l) => l.includes('"t":"req"'))!;
    expect(request).toBeDefined();
    cluster.redis.cli("XADD", inbox, "*", "m", request); // resent while in flight
    await metricReaches(a!, "duplicates", 1);
    release();
    expect(await call).toMatchObject({ ok: true, value: { status: "Accepted", data: "once" } });
    cluster.redis.cli("XADD", inbox, "*", "m", request); // resent after it was answered
    await metricReaches(a!, "duplicates", 2);
    expect(executions).toBe(1);
  });
});

describe("RedisAdapter: presence", () => {
  it("closes the old session when the station reconnects to another node", async () => {
    const [a, b] = await startNodes("redis", 2);
    const old = await station(a!, "CP-1");
    const oldClosed = waitFor<{ code: number }>(old, "close", 5000);
    const serverSide = a!.next<{ code: number }>("clientClosed", () => true);
    await station(b!, "CP-1", (cp) =>
      cp.handle("DataTransfer", () => ({ status: "Accepted", data: "new" })),
    );
    expect((await oldClosed).code).toBe(4001);
    await serverSide;
    expect(await a!.call("CP-1", "DataTransfer", { vendorId: "test" })).toMatchObject({
      ok: true,
      value: { status: "Accepted", data: "new" },
    });
  });

  it("publishes to every node in order and reports metrics", async () => {
    const [a, b] = await startNodes("ioredis", 2);
    const gotA = a!.next<{ data: unknown }>("pub", (e) => (e.data as { n: number }).n === 2);
    const seenB: unknown[] = [];
    b!.on("pub", (e: { data: unknown }) => seenB.push(e.data));
    const gotB = b!.next<{ data: unknown }>("pub", (e) => (e.data as { n: number }).n === 2);
    await a!.request({ cmd: "publish", channel: "test", data: { n: 1 } });
    await a!.request({ cmd: "publish", channel: "test", data: { n: 2 } });
    await Promise.all([gotA, gotB]);
    expect(seenB).toEqual([{ n: 1 }, { n: 2 }]);
    const metrics = await a!.request({ cmd: "metrics" });
    expect(metrics.value).toMatchObject({
      adapter: "redis",
      connected: true,
      redisConsumerLag: { pendingMessages: 0 },
    });
    const stats = await a!.request({ cmd: "stats" });
    expect(stats.value).toMatchObject({ activeSessions: 0, cluster: { liveNodes: 2 } });
  });
});

describe("OCPPServer#close with Redis down", () => {
  it("leaves the cluster and resolves without waiting for Redis to return", async () => {
    const own = await RedisServer.start();
    const pub = new Redis(own.port);
    const sub = new Redis(own.port);
    const server = new OCPPServer();
    await server.setAdapter(new RedisAdapter({ pubClient: pub, subClient: sub }), FAST);
    await own.stop();
    await server.close();
    expect(server.adapter).toBeUndefined();
    pub.disconnect();
    sub.disconnect();
    await own.close();
  });
});
