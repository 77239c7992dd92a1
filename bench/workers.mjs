#!/usr/bin/env node
// workerThreads bench: the same ocpp-ws-io server (strict mode, ocpp2.0.1) with and without
// `workerThreads`, under MeterValues CALLs of 16, 32 and 64 KB (and Heartbeats, to show what
// the option costs small frames), in ONE run. Reports calls/s, the main thread's active time
// per call (event-loop utilization) and the process's CPU per call (all threads), and the
// ratios workers / inline. Run with `npm run bench:workers` (builds first).
//
//   node bench/workers.mjs [--quick] [--conns=N] [--inflight=N] [--pool=N] [--verbose]
import { fileURLToPath } from "node:url";
import os from "node:os";
import { startChild, killAll } from "./proc.mjs";

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const a = argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return dflt;
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : true;
};
if (opt("help")) {
  console.log(
    "usage: node bench/workers.mjs [--quick] [--conns=N] [--inflight=N] [--pool=N] [--verbose]",
  );
  process.exit(0);
}
if (opt("verbose")) process.env.BENCH_VERBOSE = "1";
const QUICK = !!opt("quick");
const CONNS = Number(opt("conns", 50));
const INFLIGHT = Number(opt("inflight", 2));
const POOL = Number(opt("pool", Math.max(1, os.availableParallelism() - 1)));
const WARMUP_MS = QUICK ? 800 : 1500;
const WINDOW_MS = QUICK ? 1500 : 3000;
const ROUNDS = QUICK ? 1 : 2;
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const log = (...a) => process.stderr.write(a.join(" ") + "\n");

function meterValues(samples) {
  const meterValue = [];
  for (let i = 0; i < samples; i++) {
    meterValue.push({
      timestamp: new Date(1_700_000_000_000 + i * 60_000).toISOString(),
      sampledValue: [
        { value: 230 + (i % 7), measurand: "Voltage", phase: "L1-N", context: "Sample.Periodic" },
        { value: 16.5, measurand: "Current.Import", phase: "L1", context: "Sample.Periodic" },
        { value: 1000 + i, measurand: "Energy.Active.Import.Register", context: "Sample.Periodic" },
      ],
    });
  }
  return { evseId: 1, meterValue };
}

/** A CALL frame of MeterValues of at least `bytes` bytes, its message id a placeholder. */
function meterValuesFrame(bytes) {
  let samples = Math.ceil(bytes / 330);
  let text;
  do text = JSON.stringify([2, "@ID@", "MeterValues", meterValues(samples++)]);
  while (text.length < bytes);
  return text;
}

const PAYLOADS = [
  { name: "Heartbeat", frame: JSON.stringify([2, "@ID@", "Heartbeat", {}]) },
  { name: "MeterValues 16 KB", frame: meterValuesFrame(16 * 1024) },
  { name: "MeterValues 32 KB", frame: meterValuesFrame(32 * 1024) },
  { name: "MeterValues 64 KB", frame: meterValuesFrame(63 * 1024) },
];
const CONFIGS = [
  { name: "inline", workerThreads: false },
  { name: "workers", workerThreads: { poolSize: POOL, minFrameBytes: 16 * 1024 } },
  { name: "workers, all frames", workerThreads: { poolSize: POOL, minFrameBytes: 0 } },
];

async function measure(payload, config) {
  const kids = [];
  try {
    const server = await startChild(`server:${config.name}`, here("./workers-server.mjs"));
    kids.push(server);
    const { port } = await server.request("start", { workerThreads: config.workerThreads }, 20_000);
    const load = await startChild("load", here("./workers-load.mjs"));
    kids.push(load);
    await load.request("connect", { port, n: CONNS }, 60_000);
    await load.request("run", { frame: payload.frame, inflight: INFLIGHT, ms: WARMUP_MS }, 60_000);
    await server.request("window");
    const r = await load.request("run", { ms: WINDOW_MS }, 60_000);
    const w = await server.request("window");
    if (r.errors) throw new Error(`${r.errors} error answers, first: ${r.firstError}`);
    if (!r.answered) throw new Error("no calls answered");
    return {
      callsPerSec: (r.answered / WINDOW_MS) * 1000,
      // Main-thread CPU where the platform tells it per thread (Linux), else its active time.
      mainUsPerCall: (w.mainCpuUs ?? w.mainActiveUs) / r.answered,
      cpuUsPerCall: w.cpuUs / r.answered,
    };
  } finally {
    for (const k of kids.reverse()) await k.stop();
  }
}

const best = (rounds) => ({
  callsPerSec: Math.max(...rounds.map((x) => x.callsPerSec)),
  mainUsPerCall: Math.min(...rounds.map((x) => x.mainUsPerCall)),
  cpuUsPerCall: Math.min(...rounds.map((x) => x.cpuUsPerCall)),
});

async function main() {
  log(
    `workers bench: ${os.cpus()[0]?.model}, ${os.availableParallelism()} cores, node ${process.version}; ` +
      `${CONNS} connections x ${INFLIGHT} calls in flight, pool ${POOL}, best of ${ROUNDS} round(s) of ${WINDOW_MS} ms`,
  );
  const rows = [];
  for (const payload of PAYLOADS) {
    const byConfig = {};
    for (const config of CONFIGS) byConfig[config.name] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...CONFIGS].reverse() : CONFIGS;
      for (const config of order) {
        const r = await measure(payload, config);
        byConfig[config.name].push(r);
        log(
          `  ${payload.name} (${payload.frame.length} B), ${config.name}: ${r.callsPerSec.toFixed(0)} calls/s, ` +
            `main ${r.mainUsPerCall.toFixed(1)} µs/call, CPU ${r.cpuUsPerCall.toFixed(1)} µs/call`,
        );
      }
    }
    rows.push({
      payload,
      results: Object.fromEntries(Object.entries(byConfig).map(([k, v]) => [k, best(v)])),
    });
  }
  console.log(
    `\nworkerThreads bench, ${new Date().toISOString()}: ${os.availableParallelism()} cores, node ${process.version}, ` +
      `${CONNS} connections x ${INFLIGHT} in flight, poolSize ${POOL}; ratios are workers / inline (same run)\n`,
  );
  const fmt = (v, base) => `${v.toFixed(1)} (${(v / base).toFixed(2)}×)`;
  for (const { payload, results } of rows) {
    console.log(`${payload.name} (${payload.frame.length} B)`);
    const base = results.inline;
    for (const config of CONFIGS) {
      const r = results[config.name];
      console.log(
        `  ${config.name.padEnd(20)} calls/s ${fmt(r.callsPerSec, base.callsPerSec).padStart(18)}   ` +
          `main-thread CPU µs/call ${fmt(r.mainUsPerCall, base.mainUsPerCall).padStart(15)}   ` +
          `CPU µs/call (all threads) ${fmt(r.cpuUsPerCall, base.cpuUsPerCall).padStart(15)}`,
      );
    }
  }
}

main()
  .then(() => {
    killAll();
    process.exit(0);
  })
  .catch((err) => {
    log(`workers bench: ${err?.stack ?? err}`);
    killAll();
    process.exit(2);
  });
