import { fork, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll } from "vitest";
import { OCPPClient } from "../../src/index.js";
import { RedisServer } from "../helpers/redis-server.js";

const NODE_SCRIPT = fileURLToPath(new URL("./fixtures/cluster-node.ts", import.meta.url));

export interface ErrorJson {
  name: string;
  message: string;
  code?: unknown;
  rpcErrorCode?: string;
}

export interface NodeEnv {
  lib: string;
  redisPort?: number;
  clusterPorts?: number[];
  options?: Record<string, unknown>;
}

/** The fast timing the tests use, so node loss shows in about a second. */
export const FAST = { heartbeatIntervalMs: 200, nodeLossAfterMs: 1000 };

/**
 * An OCPP node in a child process (see fixtures/cluster-node.ts). `request()` runs a server
 * method there; events ('client', 'clientClosed', 'pub', 'error', 'exit') come from it.
 */
export class NodeProcess extends EventEmitter {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    (reply: { ok: boolean; value?: unknown; error?: ErrorJson }) => void
  >();
  port = 0;
  nodeId = "";
  exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(readonly child: ChildProcess) {
    super();
    child.on("message", (raw) => {
      const m = raw as { id?: number; event?: string; ok: boolean };
      if (m.id !== undefined) {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      } else if (m.event) this.emit(m.event, m);
    });
    child.on("exit", (code, signal) => {
      this.exited = { code, signal };
      for (const resolve of this.waiting.values()) {
        resolve({
          ok: false,
          error: { name: "Exited", message: `node exited (${code ?? signal})` },
        });
      }
      this.waiting.clear();
      this.emit("exit", this.exited);
    });
  }

  static async start(env: NodeEnv): Promise<NodeProcess> {
    const child = fork(NODE_SCRIPT, [], {
      execArgv: ["--import", "tsx"],
      env: {
        ...process.env,
        CLUSTER_LIB: env.lib,
        REDIS_PORT: String(env.redisPort ?? ""),
        ...(env.clusterPorts ? { REDIS_CLUSTER_PORTS: env.clusterPorts.join(",") } : {}),
        CLUSTER_OPTIONS: JSON.stringify({ ...FAST, ...env.options }),
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const node = new NodeProcess(child);
    const ready = await new Promise<{ port: number; nodeId: string }>((resolve, reject) => {
      node.once("ready", resolve);
      node.once("exit", (e: unknown) =>
        reject(new Error(`node exited before ready: ${JSON.stringify(e)}`)),
      );
    });
    node.port = ready.port;
    node.nodeId = ready.nodeId;
    return node;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Runs a command in the node; resolves with `{ ok, value | error }`. */
  request(
    command: Record<string, unknown>,
  ): Promise<{ ok: boolean; value?: unknown; error?: ErrorJson }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, ...command });
    });
  }

  /** sendToClient() in the node. */
  call(identity: string, ...args: unknown[]) {
    return this.request({ cmd: "call", identity, args });
  }

  /** Resolves with the next event of this name matching `filter`. */
  next<T>(event: string, filter: (e: T) => boolean = () => true, ms = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, on);
        reject(new Error(`no '${event}' from node within ${ms} ms`));
      }, ms);
      const on = (e: T) => {
        if (!filter(e)) return;
        clearTimeout(timer);
        this.off(event, on);
        resolve(e);
      };
      this.on(event, on);
    });
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (this.exited) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.once("exit", () => resolve()));
    process.kill(this.child.pid!, signal);
    return done;
  }
}

/** A station on a real socket, connected to `node`, answering calls with `handlers`. */
export async function connectStation(
  node: NodeProcess,
  identity: string,
  setup: (client: OCPPClient) => void = () => undefined,
): Promise<OCPPClient> {
  const client = new OCPPClient({
    endpoint: node.url,
    identity,
    protocols: ["ocpp1.6"],
    reconnect: false,
  });
  setup(client);
  const accepted = node.next<{ identity: string }>("client", (e) => e.identity === identity);
  await client.connect();
  await accepted;
  return client;
}

/**
 * One redis-server for a test file, and node processes and stations started against it,
 * all stopped after each test (Redis flushed). Call at the top of the file.
 */
export function useRedisCluster() {
  let redis: RedisServer | undefined;
  const nodes: NodeProcess[] = [];
  const stations: OCPPClient[] = [];
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis?.close());
  afterEach(async () => {
    await Promise.all(
      stations.splice(0).map((s) => s.close({ force: true }).catch(() => undefined)),
    );
    await Promise.all(nodes.splice(0).map((n) => n.kill()));
    redis?.cli("FLUSHALL");
  });
  return {
    get redis(): RedisServer {
      return redis!;
    },
    startNodes: async (lib: string, count: number): Promise<NodeProcess[]> => {
      const started = await Promise.all(
        Array.from({ length: count }, () => NodeProcess.start({ lib, redisPort: redis!.port })),
      );
      nodes.push(...started);
      return started;
    },
    station: async (node: NodeProcess, identity: string, setup?: (c: OCPPClient) => void) => {
      const client = await connectStation(node, identity, setup);
      stations.push(client);
      return client;
    },
  };
}
