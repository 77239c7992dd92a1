// Child process: library CLIENTS under test, driven against the bare server.
// Commands: start (connect n clients), run (measured window, own CPU), close.
import { performance } from "node:perf_hooks";
import { serve, cpuMicros } from "./child.mjs";
import { createClient } from "./libs.mjs";

let clients = [];

serve({
  async start({ lib, port, n, callConcurrency = 10 }) {
    const endpoint = `ws://127.0.0.1:${port}`;
    // connect in small batches
    for (let i = 0; i < n; i += 10) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 10); j++) {
        batch.push(createClient(lib, { endpoint, identity: `CL${j}`, callConcurrency }));
      }
      clients.push(...(await Promise.all(batch)));
    }
    return { clients: clients.length };
  },

  // `loops` async loops per client, each awaiting one call at a time, so at
  // most `loops` calls are outstanding per client. CPU is this process's own.
  async run({
    method = "Heartbeat",
    params = {},
    loops = 10,
    durationMs = 1000,
    maxCalls = 20_000_000,
  }) {
    let calls = 0;
    let errors = 0;
    let firstError;
    let stop = false;
    const cpu0 = cpuMicros();
    const t0 = performance.now();
    const timer = setTimeout(() => (stop = true), durationMs);
    const loop = async (c) => {
      while (!stop) {
        try {
          await c.call(method, params);
          calls++;
          if (calls >= maxCalls) stop = true;
        } catch (err) {
          errors++;
          firstError ??= String(err?.message ?? err);
          if (errors > 1000) stop = true;
        }
      }
    };
    const all = [];
    for (const c of clients) for (let i = 0; i < loops; i++) all.push(loop(c));
    await Promise.all(all);
    clearTimeout(timer);
    const elapsedMs = performance.now() - t0;
    const cpuUs = cpuMicros() - cpu0;
    return { calls, errors, firstError, elapsedMs, cpuUs };
  },

  async close() {
    await Promise.allSettled(clients.map((c) => c.close()));
    clients = [];
    return null;
  },
});
