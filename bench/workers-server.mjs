// Child process: an ocpp-ws-io server in strict mode (ocpp2.0.1), with or without
// `workerThreads`. Commands: start, window (main-thread active time and process CPU since the
// last call), close.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { serve, cpuMicros } from "./child.mjs";
import { DIST } from "./libs.mjs";

const { OCPPServer } = await import(DIST);
let server;
let mark;

/**
 * CPU time of the main thread alone (µs): Linux's per-thread utime + stime (clock ticks of
 * 10 ms; windows are seconds long). process.cpuUsage() also counts the worker threads, and
 * event-loop utilization counts time the thread waited for a core on a busy machine.
 */
function mainThreadCpuUs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // utime, stime (fields 14, 15)
  } catch {
    return undefined;
  }
}

serve({
  async start({ workerThreads }) {
    server = new OCPPServer({
      protocols: ["ocpp2.0.1"],
      strictMode: true,
      logging: false,
      workerThreads,
    });
    server.on("client", (client) => {
      client.handle("MeterValues", () => ({}));
      client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
    });
    const http = await server.listen(0, "127.0.0.1");
    return { port: http.address().port };
  },
  // The main thread's CPU (see mainThreadCpuUs), its event-loop active time, and the CPU of
  // the whole process (all threads) since the last call.
  window() {
    const now = {
      elu: performance.eventLoopUtilization(),
      cpuUs: cpuMicros(),
      mainCpuUs: mainThreadCpuUs(),
    };
    const out = mark && {
      mainActiveUs: performance.eventLoopUtilization(now.elu, mark.elu).active * 1000,
      mainCpuUs: now.mainCpuUs === undefined ? undefined : now.mainCpuUs - mark.mainCpuUs,
      cpuUs: now.cpuUs - mark.cpuUs,
    };
    mark = now;
    return out ?? null;
  },
  async close() {
    await server?.close({ force: true });
    return null;
  },
});
