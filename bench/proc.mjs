// Parent side of the benchmark's process plumbing: start a child with an IPC
// channel (optionally under a raised `ulimit -n`), send it commands, and make
// sure every child we started is killed (by pid) when we exit, fail or get SIGINT.
import { spawn, fork } from "node:child_process";
import { existsSync } from "node:fs";

const live = new Map(); // pid -> Child

function shq(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

export function killAll() {
  for (const child of live.values()) child.kill();
}

let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
      killAll();
      process.stderr.write(`\nbench: ${sig}, children killed\n`);
      process.exit(130);
    });
  }
  process.on("uncaughtException", (err) => {
    killAll();
    process.stderr.write(`bench: uncaught ${err?.stack ?? err}\n`);
    process.exit(1);
  });
  process.on("unhandledRejection", (err) => {
    killAll();
    process.stderr.write(`bench: unhandled rejection ${err?.stack ?? err}\n`);
    process.exit(1);
  });
}

class Child {
  constructor(name, cp) {
    this.name = name;
    this.cp = cp;
    this.pid = cp.pid;
    this.seq = 0;
    this.pending = new Map();
    this.tail = "";
    this.exited = false;
    this.ready = new Promise((resolve, reject) => {
      this._readyResolve = resolve;
      this._readyReject = reject;
    });
    const keep = (chunk) => {
      this.tail = (this.tail + chunk.toString()).slice(-4000);
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${this.name}] ${chunk}`);
    };
    cp.stdout?.on("data", keep);
    cp.stderr?.on("data", keep);
    cp.on("message", (m) => this._onMessage(m));
    cp.on("error", (err) => this._fail(err));
    cp.on("exit", (code, signal) => {
      this.exited = true;
      live.delete(this.pid);
      this._fail(
        new Error(
          `${this.name} (pid ${this.pid}) exited code=${code} signal=${signal}` +
            (this.tail.trim() ? `\n--- last output ---\n${this.tail.trim().slice(-1500)}` : ""),
        ),
      );
    });
  }

  _onMessage(m) {
    if (m && m.type === "ready") {
      this.info = m;
      this._readyResolve(m);
      return;
    }
    const p = this.pending.get(m?.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(`${this.name}: ${m.error}`));
  }

  _fail(err) {
    this._readyReject(err);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  /** Send a command; rejects on error reply, child exit, or timeout. */
  request(cmd, args = {}, timeoutMs = 30_000) {
    if (this.exited) return Promise.reject(new Error(`${this.name} already exited`));
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: '${cmd}' timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        this.cp.send({ id, cmd, args });
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err);
      }
    });
  }

  kill() {
    if (this.exited) return;
    try {
      process.kill(this.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }

  /** Resolves once the process has exited (kills it first). */
  async stop() {
    if (this.exited) return;
    const gone = new Promise((r) => this.cp.once("exit", r));
    this.kill();
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  }
}

/**
 * Start `script` as a Node child with an IPC channel. With `fdLimit`, the
 * child is started through bash so `ulimit -n` can be raised first (up to the
 * hard limit; the child reports what it actually got in its ready message).
 */
export async function startChild(
  name,
  script,
  { nodeArgs = [], fdLimit, readyTimeoutMs = 15_000 } = {},
) {
  hookExit();
  const argv = ["--expose-gc", ...nodeArgs, script];
  let cp;
  const stdio = ["ignore", "pipe", "pipe", "ipc"];
  if (fdLimit && existsSync("/bin/bash")) {
    const cmd =
      `ulimit -n ${Number(fdLimit)} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; ` +
      `exec ${[process.execPath, ...argv].map(shq).join(" ")}`;
    cp = spawn("/bin/bash", ["-c", cmd], { stdio });
  } else {
    cp = fork(script, [], { execArgv: argv.slice(0, -1), stdio });
  }
  const child = new Child(name, cp);
  live.set(child.pid, child);
  let timer;
  try {
    await Promise.race([
      child.ready,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${name}: not ready after ${readyTimeoutMs} ms`)),
          readyTimeoutMs,
        );
      }),
    ]);
  } catch (err) {
    await child.stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return child;
}
