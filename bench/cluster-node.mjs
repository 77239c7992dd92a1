// One OCPP node of the cluster bench (bench/cluster.mjs), in its own process: an OCPPServer with
// a RedisAdapter (ioredis), driven over IPC. `load` keeps N calls in flight for a while.
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";

const dist = new URL("../dist/", import.meta.url);
const { OCPPServer } = await import(new URL("index.js", dist).href);
const { RedisAdapter } = await import(new URL("adapters/redis.js", dist).href);

const port = Number(process.env.REDIS_PORT);
const server = new OCPPServer({ protocols: ["ocpp1.6"] });
await server.setAdapter(
  new RedisAdapter({ pubClient: new Redis(port), subClient: new Redis(port) }),
);
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

process.on("message", (m) => {
  const run = async () => {
    if (m.cmd === "load") return load(m);
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
