// One OCPP node of the cluster bench (bench/cluster.mjs), in its own process: an OCPPServer with
// a RedisAdapter (ioredis, or node-redis with CLUSTER_LIB=node-redis), driven over IPC. `load` keeps N calls in flight for a while.
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { createClient } from "redis";

const dist = new URL("../dist/", import.meta.url);
const { OCPPServer } = await import(new URL("index.js", dist).href);
const { RedisAdapter } = await import(new URL("adapters/redis.js", dist).href);

const port = Number(process.env.REDIS_PORT);

/** pubClient and subClient of the library named by CLUSTER_LIB ("ioredis" or "node-redis"). */
async function clients() {
  if (process.env.CLUSTER_LIB !== "node-redis") {
    return { pubClient: new Redis(port), subClient: new Redis(port) };
  }
  const pubClient = createClient({ url: `redis://127.0.0.1:${port}` });
  const subClient = pubClient.duplicate();
  await Promise.all([pubClient.connect(), subClient.connect()]);
  return { pubClient, subClient };
}

const server = new OCPPServer({ protocols: ["ocpp1.6"], logging: false });
// Redis restarts in the recovery scenario are expected; their errors are not the figure.
server.on("error", () => undefined);
await server.setAdapter(new RedisAdapter(await clients()));
const http = await server.listen(0, "127.0.0.1");

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

async function load({ identities, inflight, durationMs }) {
  const latencies = [];
  let failures = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + durationMs;
  const worker = async (slot) => {
    // One lane per station: OCPP allows one outstanding CALL per direction.
    const identity = identities[slot % identities.length];
    while (performance.now() < end) {
      const start = performance.now();
      try {
        await server.sendToClient(
          identity,
          "DataTransfer",
          { vendorId: "bench" },
          { timeoutMs: 10000 },
        );
        latencies.push(performance.now() - start);
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: inflight }, (_, i) => worker(i)));
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return {
    calls: latencies.length,
    failures,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    callsPerSec: (latencies.length / elapsed) * 1000,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** Calls `identity` until a call succeeds; resolves with the wall-clock time of that success. */
async function probe({ identity }) {
  for (;;) {
    try {
      await server.sendToClient(
        identity,
        "DataTransfer",
        { vendorId: "bench" },
        { timeoutMs: 200 },
      );
      return Date.now();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

process.on("message", (m) => {
  const run = async () => {
    if (m.cmd === "load") return load(m);
    if (m.cmd === "probe") return probe(m);
    if (m.cmd === "cpu") {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1000;
    }
    if (m.cmd === "close") {
      await server.close();
      process.exit(0);
    }
  };
  run().then((value) => process.send({ id: m.id, value }));
});

process.send({ event: "ready", port: http.address().port });
