// Cluster bench: one redis-server, two OCPP node processes (A holds the stations, B calls them
// through Redis), 200 stations, 200 calls in flight. Reports cross-node vs local latency and
// throughput, CPU per call, Redis commands per routed call, and Redis memory per 10,000
// presence records. Run with `npm run bench:cluster` (builds first).
import { spawn, fork } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

const STATIONS = 200;
const DURATION_MS = Number(process.env.BENCH_CLUSTER_MS ?? 5000);
const dist = new URL("../dist/", import.meta.url);
const { OCPPClient } = await import(new URL("index.js", dist).href);
const { RedisAdapter } = await import(new URL("adapters/redis.js", dist).href);

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const redisPort = await freePort();
const redisServer = spawn(
  "redis-server",
  [
    "--port",
    String(redisPort),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    mkdtempSync(join(tmpdir(), "bench-redis-")),
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
await new Promise((resolve) => {
  let out = "";
  redisServer.stdout.on("data", (c) => {
    out += c;
    if (out.includes("Ready to accept connections")) resolve();
  });
});
const admin = new Redis(redisPort);

let seq = 0;
function startNode() {
  const child = fork(new URL("./cluster-node.mjs", import.meta.url), [], {
    env: { ...process.env, REDIS_PORT: String(redisPort) },
  });
  const request = (msg) =>
    new Promise((resolve) => {
      const id = ++seq;
      const on = (m) => {
        if (m.id !== id) return;
        child.off("message", on);
        resolve(m.value);
      };
      child.on("message", on);
      child.send({ id, ...msg });
    });
  return once(child, "message").then(([ready]) => ({ child, port: ready.port, request }));
}

async function commandCount() {
  const info = await admin.info("commandstats");
  let total = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) total += Number(m[1]);
  return total;
}

const [a, b] = await Promise.all([startNode(), startNode()]);
const identities = Array.from({ length: STATIONS }, (_, i) => `BENCH-${i}`);
const stations = [];
for (const identity of identities) {
  const client = new OCPPClient({
    endpoint: `ws://127.0.0.1:${a.port}`,
    identity,
    protocols: ["ocpp1.6"],
    reconnect: false,
  });
  client.handle("DataTransfer", () => ({ status: "Accepted" }));
  await client.connect();
  stations.push(client);
}
// Presence records are written one round trip after connect.
while ((await admin.exists(identities.map((id) => `ocpp-ws-io:own:{${id}}`))) < STATIONS) {
  await new Promise((r) => setTimeout(r, 20));
}

const params = { identities, inflight: STATIONS };
await b.request({ cmd: "load", ...params, durationMs: 1000 }); // warm-up
await a.request({ cmd: "load", ...params, durationMs: 1000 });

const local = await a.request({ cmd: "load", ...params, durationMs: DURATION_MS });
// One call at a time: latency without queueing.
const one = { identities, inflight: 1, durationMs: Math.min(DURATION_MS, 3000) };
const localOne = await a.request({ cmd: "load", ...one });
const routedOne = await b.request({ cmd: "load", ...one });

const commands0 = await commandCount();
const cpuA0 = await a.request({ cmd: "cpu" });
const routed = await b.request({ cmd: "load", ...params, durationMs: DURATION_MS });
const cpuA1 = await a.request({ cmd: "cpu" });
const commands1 = await commandCount();

// Memory of 10,000 presence records (the per-station state Redis keeps).
await admin.flushall();
const mem0 = Number(/used_memory:(\d+)/.exec(await admin.info("memory"))[1]);
const adapter = new RedisAdapter({ pubClient: admin, subClient: admin });
const now = Date.now();
await Promise.all(
  Array.from({ length: 10000 }, (_, i) =>
    adapter.presence.claim(
      `CP-${String(i).padStart(6, "0")}`,
      `host-12345:1a2b3c4d|${i + 1}|${now}`,
      60000,
    ),
  ),
);
const mem1 = Number(/used_memory:(\d+)/.exec(await admin.info("memory"))[1]);

const fmt = (n) => n.toFixed(2);
const routedCpu = routed.cpuMs + (cpuA1 - cpuA0);
console.log(
  `cluster bench: ${STATIONS} stations on node A, ${STATIONS} calls in flight, ${DURATION_MS} ms windows`,
);
console.log(`                 p50 ms   p99 ms   calls/s   CPU µs/call (both nodes)`);
console.log(
  `local (A→A)      ${fmt(local.p50).padStart(6)}   ${fmt(local.p99).padStart(6)}   ${local.callsPerSec.toFixed(0).padStart(7)}   ${((local.cpuMs * 1000) / local.calls).toFixed(0)}`,
);
console.log(
  `cross-node (B→A) ${fmt(routed.p50).padStart(6)}   ${fmt(routed.p99).padStart(6)}   ${routed.callsPerSec.toFixed(0).padStart(7)}   ${((routedCpu * 1000) / routed.calls).toFixed(0)}`,
);
console.log(
  `cross-node / local p50: ${fmt(routed.p50 / local.p50)}×; failures: ${routed.failures + local.failures}`,
);
console.log(
  `one call in flight: p50 local ${fmt(localOne.p50)} ms, cross-node ${fmt(routedOne.p50)} ms (${fmt(routedOne.p50 / localOne.p50)}×)`,
);
console.log(
  `Redis commands per routed call (all commands, heartbeats and reads included): ${fmt((commands1 - commands0) / routed.calls)}`,
);
console.log(
  `Redis memory per 10,000 presence records: ${((mem1 - mem0) / 1024 / 1024).toFixed(2)} MiB`,
);

for (const s of stations) await s.close({ force: true });
await Promise.all([a.request({ cmd: "close" }), b.request({ cmd: "close" })]).catch(
  () => undefined,
);
admin.disconnect();
redisServer.kill("SIGKILL");
process.exit(0);
