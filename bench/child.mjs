// Child side of the benchmark's IPC: answer the parent's commands, report
// readiness, and exit when the parent goes away.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { setImmediate } from "node:timers";

export function fdLimit() {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const [soft, hard] = line.replace("Max open files", "").trim().split(/\s+/);
    return { soft: Number(soft) || soft, hard: Number(hard) || hard };
  } catch {
    return { soft: null, hard: null };
  }
}

export function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export async function gcMemory() {
  if (typeof globalThis.gc !== "function") throw new Error("run with --expose-gc");
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

export function serve(handlers) {
  const common = {
    cpu: () => ({ cpuUs: cpuMicros(), at: performance.now() }),
    mem: () => gcMemory(),
    exit: () => setTimeout(() => process.exit(0), 10),
  };
  process.on("message", async (m) => {
    if (!m || typeof m.cmd !== "string") return;
    const fn = handlers[m.cmd] ?? common[m.cmd];
    try {
      if (!fn) throw new Error(`unknown command ${m.cmd}`);
      const result = await fn(m.args ?? {});
      process.send?.({ id: m.id, ok: true, result: result ?? null });
    } catch (err) {
      process.send?.({ id: m.id, ok: false, error: String(err?.stack ?? err) });
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ type: "ready", pid: process.pid, fdLimit: fdLimit() });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
