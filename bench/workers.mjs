// workerThreads on and off: strict mode, OCPP 2.0.1 MeterValues of 16, 32 and 64 KB from many
// stations. The server runs in a child process; its main thread's busy time comes from
// event-loop utilisation (the threads' work is not in it), its process CPU from cpuUsage()
// (main thread and workers together). Ratios are workers / inline, from the same run.
// Usage: node bench/workers.mjs [connections=50] [seconds=4]
import { fork } from "node:child_process";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";
import { OCPPServer } from "../dist/index.js";

const SIZES_KB = [16, 32, 64];

/** A schema-valid MeterValues CALL of about `kb` KiB. */
function frame(id, kb) {
  const sampledValue = [];
  const one = {
    value: 1234.5,
    measurand: "Energy.Active.Import.Register",
    unitOfMeasure: { unit: "Wh" },
  };
  const each = JSON.stringify(one).length + 1;
  for (let i = 0; i < (kb * 1024) / each; i++) sampledValue.push({ ...one, value: 1000 + i });
  return JSON.stringify([
    2,
    id,
    "MeterValues",
    { evseId: 1, meterValue: [{ timestamp: "2026-12-03T07:00:00.000Z", sampledValue }] },
  ]);
}

async function serve(workerThreads) {
  const server = new OCPPServer({
    protocols: ["ocpp2.0.1"],
    strictMode: true,
    logging: false,
    pingIntervalMs: 0,
    workerThreads,
  });
  let handled = 0;
  server.on("client", (c) => c.handle("MeterValues", () => (handled++, {})));
  const http = await server.listen(0, "127.0.0.1");
  process.send({ port: http.address().port });
  let elu, cpu, start;
  process.on("message", async (m) => {
    if (m === "start") {
      elu = performance.eventLoopUtilization();
      cpu = process.cpuUsage();
      start = handled;
    } else if (m === "stop") {
      const busy = performance.eventLoopUtilization(elu);
      const used = process.cpuUsage(cpu);
      process.send({
        calls: handled - start,
        mainMs: busy.active,
        cpuMs: (used.user + used.system) / 1000,
      });
    } else if (m === "exit") {
      await server.close({ force: true });
      process.exit(0);
    }
  });
}

async function measure(workerThreads, kb, connections, seconds) {
  const child = fork(new URL(import.meta.url), ["serve", JSON.stringify(workerThreads)], {
    execArgv: process.env.BENCH_SERVER_ARGS ? process.env.BENCH_SERVER_ARGS.split(" ") : [],
  });
  const [{ port }] = await once(child, "message");
  const sockets = await Promise.all(
    Array.from({ length: connections }, async (_, i) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/CS${i}`, ["ocpp2.0.1"]);
      ws.on("error", () => {});
      await once(ws, "open");
      return ws;
    }),
  );
  const payload = frame("ID", kb);
  let running = true;
  // Each station: one CALL at a time (OCPP), the next as soon as the answer is in.
  const loops = sockets.map(async (ws, i) => {
    let n = 0;
    while (running) {
      ws.send(payload.replace('"ID"', `"${i}-${n++}"`));
      await once(ws, "message");
    }
  });
  await new Promise((r) => setTimeout(r, 500)); // warm-up: schemas compiled, threads up
  child.send("start");
  await new Promise((r) => setTimeout(r, seconds * 1000));
  child.send("stop");
  const [result] = await once(child, "message");
  running = false;
  await Promise.all(loops);
  for (const ws of sockets) ws.terminate();
  child.send("exit");
  await once(child, "exit");
  return {
    callsPerS: result.calls / seconds,
    mainUs: (result.mainMs * 1000) / result.calls,
    cpuUs: (result.cpuMs * 1000) / result.calls,
  };
}

if (process.argv[2] === "serve") {
  await serve(JSON.parse(process.argv[3]));
} else {
  const connections = Number(process.argv[2] ?? 50);
  const seconds = Number(process.argv[3] ?? 4);
  const pool = { poolSize: 1, minFrameBytes: 8192 };
  console.log(
    `workerThreads bench: ${connections} stations, ${seconds} s per run, strict mode, ocpp2.0.1 MeterValues; pool ${JSON.stringify(pool)}`,
  );
  const f = (x, d = 1) => x.toFixed(d);
  for (const kb of SIZES_KB) {
    const inline = await measure(false, kb, connections, seconds);
    const workers = await measure(pool, kb, connections, seconds);
    console.log(
      `${kb} KB: calls/s ${f(inline.callsPerS, 0)} -> ${f(workers.callsPerS, 0)} (${f(workers.callsPerS / inline.callsPerS, 2)}x), ` +
        `main-thread µs/call ${f(inline.mainUs)} -> ${f(workers.mainUs)} (${f(workers.mainUs / inline.mainUs, 2)}x), ` +
        `process CPU µs/call ${f(inline.cpuUs)} -> ${f(workers.cpuUs)} (${f(workers.cpuUs / inline.cpuUs, 2)}x)`,
    );
  }
}
