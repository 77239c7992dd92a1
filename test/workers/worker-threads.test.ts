/**
 * workerThreads: large strict-mode CALLs are checked in worker threads (piscina), against the
 * built server (the pool loads its worker file from dist/).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { heartbeat, meterValues } from "./frames.js";

type Dist = typeof import("../../src/index.js");
const dist = (await import(fileURLToPath(new URL("../../dist/index.js", import.meta.url)))) as Dist;
const { OCPPServer } = dist;
type Server = InstanceType<Dist["OCPPServer"]>;

/** The pool inside a server (piscina's counters and threads), for assertions only. */
interface PoolInside {
  validationPool?: {
    pool?: { completed: number; threads: Array<{ terminate(): Promise<number> }> };
  };
}
const poolOf = (server: Server) => (server as unknown as PoolInside).validationPool;

const BIG = 400; // sampled values: a frame of about 36 KB

const servers: Server[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(servers.splice(0).map((s) => s.close({ force: true })));
});

async function serve(options: Record<string, unknown> = {}) {
  const server = new OCPPServer({
    protocols: ["ocpp2.0.1"],
    strictMode: true,
    logging: false,
    workerThreads: { poolSize: 2, minFrameBytes: 8192 },
    ...options,
  });
  servers.push(server);
  const seen: string[] = [];
  server.on("client", (client) => {
    client.handle("MeterValues", ({ messageId }) => {
      seen.push(messageId);
      return {};
    });
    client.handle("Heartbeat", ({ messageId }) => {
      seen.push(messageId);
      return { currentTime: new Date().toISOString() };
    });
  });
  const http = await server.listen(0, "127.0.0.1");
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { server, url, seen };
}

/** A bare station: sends frames as given, collects answers by message id. */
async function station(url: string, identity = "CS1") {
  const ws = new WebSocket(`${url}/${identity}`, ["ocpp2.0.1"]);
  sockets.push(ws);
  ws.on("error", () => {});
  const answers: unknown[][] = [];
  const waiters: Array<() => void> = [];
  ws.on("message", (data) => {
    answers.push(JSON.parse((data as Buffer).toString()) as unknown[]);
    for (const wake of waiters.splice(0)) wake();
  });
  await once(ws, "open");
  const answered = async (count: number) => {
    while (answers.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return answers;
  };
  return { ws, answered };
}

describe("workerThreads", () => {
  it("checks a large valid CALL in the pool and runs its handler", async () => {
    const { server, url, seen } = await serve();
    const { ws, answered } = await station(url);
    ws.send(meterValues("m1", BIG));
    expect(await answered(1)).toEqual([[3, "m1", {}]]);
    expect(seen).toEqual(["m1"]);
    expect(poolOf(server)?.pool?.completed).toBe(1);
  });

  it("answers an invalid large CALL exactly as the main thread would", async () => {
    const frame = meterValues("bad", BIG, "not a number");
    const answers: unknown[][] = [];
    for (const workerThreads of [false, { poolSize: 1, minFrameBytes: 8192 }]) {
      const { url, seen } = await serve({ workerThreads });
      const { ws, answered } = await station(url);
      ws.send(frame);
      answers.push((await answered(1))[0]!);
      expect(seen).toEqual([]);
    }
    expect(answers[0]![0]).toBe(4);
    expect(answers[1]).toEqual(answers[0]);
  });

  it("keeps a connection's order across pooled and inline frames", async () => {
    const { server, url, seen } = await serve();
    const { ws, answered } = await station(url);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = `f${i}`;
      ids.push(id);
      ws.send(i % 3 === 0 ? heartbeat(id) : meterValues(id, BIG));
    }
    const got = await answered(ids.length);
    expect(got.map((a) => a[1])).toEqual(ids);
    expect(seen).toEqual(ids);
    expect(poolOf(server)?.pool?.completed).toBeGreaterThan(0);
  });

  it("more frames waiting than its bound: the main thread takes over, in order, none lost", async () => {
    const { url, seen } = await serve();
    const { ws, answered } = await station(url);
    const ids = Array.from({ length: 200 }, (_, i) => `w${i}`);
    // One write of every frame: they reach the server together, behind the first in the pool.
    for (const [i, id] of ids.entries()) ws.send(i === 0 ? meterValues(id, BIG) : heartbeat(id));
    const got = await answered(ids.length);
    expect(got.map((a) => a[1])).toEqual(ids);
    expect(seen).toEqual(ids);
  });

  it("a worker that dies mid-task: its frames are checked here and answered", async () => {
    const { server, url, seen } = await serve({
      workerThreads: { poolSize: 1, minFrameBytes: 8192 },
    });
    const { ws, answered } = await station(url);
    ws.send(meterValues("warm", BIG));
    await answered(1);
    const ids = Array.from({ length: 10 }, (_, i) => `d${i}`);
    for (const id of ids) ws.send(meterValues(id, BIG));
    // Kill the thread while the burst is in the pool.
    await Promise.all(poolOf(server)!.pool!.threads.map((t) => t.terminate()));
    const got = await answered(ids.length + 1);
    expect(got.slice(1).map((a) => a[0])).toEqual(ids.map(() => 3));
    expect(got.slice(1).map((a) => a[1])).toEqual(ids);
    expect(seen).toEqual(["warm", ...ids]);
    // The pool replaced its thread: a later large frame is checked there again.
    const before = poolOf(server)!.pool!.completed;
    ws.send(meterValues("after", BIG));
    await answered(ids.length + 2);
    expect(poolOf(server)!.pool!.completed).toBe(before + 1);
  });

  it("frames below minFrameBytes stay on the main thread", async () => {
    const { server, url } = await serve({
      workerThreads: { poolSize: 1, minFrameBytes: 1_000_000 },
    });
    const { ws, answered } = await station(url);
    ws.send(meterValues("m1", BIG));
    await answered(1);
    expect(poolOf(server)?.pool?.completed ?? 0).toBe(0);
  });

  it.each([
    [{ poolSize: 0 }, RangeError, /workerThreads\.poolSize/],
    [{ maxQueueSize: -1 }, RangeError, /workerThreads\.maxQueueSize/],
    [{ threads: 2 }, TypeError, /unknown key 'threads'/],
    ["yes", TypeError, /workerThreads/],
  ])("refuses workerThreads %j", (workerThreads, kind, message) => {
    expect(() => new OCPPServer({ protocols: ["ocpp2.0.1"], workerThreads } as never)).toThrow(
      kind,
    );
    expect(() => new OCPPServer({ protocols: ["ocpp2.0.1"], workerThreads } as never)).toThrow(
      message,
    );
  });

  it("close() ends the pool: a process that used it exits by itself", async () => {
    const script = fileURLToPath(new URL("./scripts/pool-exit.mjs", import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    expect(out.trim()).toBe("answered 3 closed");
    expect(code).toBe(0);
  });
});
