// Child process: the server under test (bare / ocpp-rpc / ocpp-ws-io).
// Commands from the parent: start, stats, waitAccepted, loopDelayStart,
// loopDelayStop, cpu, mem, close.
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { serve, cpuMicros, sleep } from "./child.mjs";
import { createServer } from "./libs.mjs";

let server;
let loopDelay;

serve({
  async start({ lib, strictMode = false, pingIntervalMs = 0, callConcurrency = 10 }) {
    server = await createServer(lib, { strictMode, pingIntervalMs, callConcurrency });
    return { port: server.port };
  },
  stats() {
    return { ...server.counters, cpuUs: cpuMicros() };
  },
  // Resolves when `n` connections have been accepted in total, then waits
  // `settleMs` for trailing work; returns the CPU reading at that point.
  async waitAccepted({ n, timeoutMs = 60_000, settleMs = 0 }) {
    let timer;
    const ok = await Promise.race([
      server.waitAccepted(n).then(() => true),
      new Promise((r) => (timer = setTimeout(() => r(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!ok)
      throw new Error(
        `only ${server.counters.accepted}/${n} connections accepted after ${timeoutMs} ms`,
      );
    if (settleMs) await sleep(settleMs);
    return { ...server.counters, cpuUs: cpuMicros() };
  },
  // Resolves when the number of open connections drops to `n` (after closes).
  async waitConnected({ n, timeoutMs = 10_000 }) {
    const end = Date.now() + timeoutMs;
    while (server.counters.connected > n && Date.now() < end) await sleep(20);
    return { ...server.counters };
  },
  // Event-loop delay over a window: Node samples every `resolutionMs`, and each
  // sample includes that interval, so an idle loop reads about `resolutionMs`.
  loopDelayStart({ resolutionMs = 10 }) {
    loopDelay?.disable();
    loopDelay = monitorEventLoopDelay({ resolution: resolutionMs });
    loopDelay.enable();
    return { cpuUs: cpuMicros(), at: performance.now() };
  },
  loopDelayStop() {
    if (!loopDelay) throw new Error("loopDelayStart was not sent");
    loopDelay.disable();
    const ms = (ns) => ns / 1e6;
    const r = {
      samples: loopDelay.count,
      p50: ms(loopDelay.percentile(50)),
      p99: ms(loopDelay.percentile(99)),
      max: ms(loopDelay.max),
      cpuUs: cpuMicros(),
      at: performance.now(),
      ...server.counters,
    };
    loopDelay = undefined;
    return r;
  },
  async close() {
    await Promise.race([server?.close(), sleep(3000)]);
    return null;
  },
});
