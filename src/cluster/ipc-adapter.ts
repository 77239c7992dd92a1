import cluster, { type Worker } from "node:cluster";
import { ClusterUnavailableError } from "../protocol/errors.js";
import type { AdapterSink, EventAdapterInterface, PresenceStore } from "./contract.js";
import { InMemoryHub } from "./memory-adapter.js";

/** Marks our IPC messages, so an application's own worker messages pass untouched. */
const TAG = "ocpp-ws-io:cluster";
/** Most requests a worker keeps waiting on the primary; more are refused, not queued. */
const MAX_PENDING = 100_000;

type Op = "join" | "leave" | "send" | "heartbeat" | "claim" | "refresh" | "release" | "lookup";

interface IpcRequest {
  tag: typeof TAG;
  seq: number;
  op: Op;
  args: unknown[];
}

interface IpcReply {
  tag: typeof TAG;
  seq: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

interface IpcDelivery {
  tag: typeof TAG;
  deliver: string;
}

function isOurs(message: unknown): message is Record<string, unknown> {
  return (
    typeof message === "object" && message !== null && (message as { tag?: unknown }).tag === TAG
  );
}

/**
 * Runs in the node:cluster primary: keeps the shared state (inboxes, heartbeats, presence)
 * for every worker's IpcAdapter. A worker that exits leaves at once, so calls waiting on it
 * fail with NodeLostError on the next heartbeat. Returns a function that stops serving.
 *
 * @example
 * if (cluster.isPrimary) { serveClusterPrimary(); for (let i = 0; i < 4; i++) cluster.fork(); }
 * else await server.setAdapter(new IpcAdapter());
 */
export function serveClusterPrimary(): () => void {
  if (!cluster.isPrimary)
    throw new Error("serveClusterPrimary(): call it in the node:cluster primary");
  const hub = new InMemoryHub();
  const nodesOf = new Map<Worker, Set<string>>();
  const handlers: Record<Op, (worker: Worker, args: unknown[]) => Promise<unknown>> = {
    join: (worker, [nodeId]) => {
      const id = String(nodeId);
      const reply = (message: string) => {
        // A worker that is going away cannot take messages; its calls fail as node-lost.
        if (worker.isConnected()) worker.send({ tag: TAG, deliver: message } satisfies IpcDelivery);
      };
      hub.join(id, { deliver: reply, linkChanged: () => undefined });
      nodesOf.set(worker, (nodesOf.get(worker) ?? new Set()).add(id));
      return Promise.resolve();
    },
    leave: (worker, [nodeId]) => {
      hub.leave(String(nodeId));
      nodesOf.get(worker)?.delete(String(nodeId));
      return Promise.resolve();
    },
    send: (_w, [nodeId, messages]) => hub.send(String(nodeId), messages as string[]),
    heartbeat: (_w, [nodeId, lossAfterMs]) => hub.heartbeat(String(nodeId), Number(lossAfterMs)),
    claim: (_w, [id, value, ttl]) => hub.presence.claim(String(id), String(value), Number(ttl)),
    refresh: (_w, [id, value, at, ttl]) =>
      hub.presence.refresh(String(id), String(value), Number(at), Number(ttl)),
    release: (_w, [id, value]) => hub.presence.release(String(id), String(value)),
    lookup: (_w, [ids]) => hub.presence.lookup(ids as string[]),
  };
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isOurs(message) || typeof message.op !== "string") return;
    const request = message as unknown as IpcRequest;
    const handler = handlers[request.op];
    const answer = (reply: Omit<IpcReply, "tag" | "seq">) => {
      if (worker.isConnected()) worker.send({ tag: TAG, seq: request.seq, ...reply });
    };
    if (!handler) {
      answer({ ok: false, error: `unknown operation '${String(request.op)}'` });
      return;
    }
    handler(worker, Array.isArray(request.args) ? request.args : []).then(
      (value) => answer({ ok: true, value }),
      (err: unknown) => answer({ ok: false, error: String(err) }),
    );
  };
  const onExit = (worker: Worker) => {
    for (const nodeId of nodesOf.get(worker) ?? []) hub.leave(nodeId);
    nodesOf.delete(worker);
  };
  cluster.on("message", onMessage);
  cluster.on("exit", onExit);
  return () => {
    cluster.off("message", onMessage);
    cluster.off("exit", onExit);
  };
}

/**
 * An adapter for node:cluster workers on one machine, without Redis: the primary (running
 * serveClusterPrimary()) relays messages and keeps presence and heartbeats.
 */
export class IpcAdapter implements EventAdapterInterface {
  readonly name = "ipc";
  readonly presence: PresenceStore;
  private seq = 0;
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();
  private sink: AdapterSink | undefined;
  private nodeId: string | undefined;
  private readonly onMessage = (message: unknown) => this.received(message);
  private readonly onDisconnect = () => {
    const error = new ClusterUnavailableError("IpcAdapter: the node:cluster primary is gone");
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
    this.sink?.linkChanged(false, error);
  };

  constructor() {
    if (typeof process.send !== "function") {
      throw new Error(
        "IpcAdapter: this process has no IPC channel (run it as a node:cluster worker)",
      );
    }
    this.presence = {
      claim: (id, value, ttl) => this.request("claim", [id, value, ttl]) as Promise<string | null>,
      refresh: (id, value, at, ttl) =>
        this.request("refresh", [id, value, at, ttl]) as Promise<string | null>,
      release: async (id, value) => {
        await this.request("release", [id, value]);
      },
      lookup: (ids) => this.request("lookup", [ids]) as Promise<(string | null)[]>,
    };
  }

  async start(nodeId: string, sink: AdapterSink): Promise<void> {
    this.sink = sink;
    this.nodeId = nodeId;
    process.on("message", this.onMessage);
    process.on("disconnect", this.onDisconnect);
    await this.request("join", [nodeId]);
  }

  async stop(): Promise<void> {
    const joined = this.nodeId;
    this.sink = undefined;
    this.nodeId = undefined;
    // Replies still arrive on our listener: remove it only after the primary let us go.
    if (joined !== undefined && process.connected) {
      await this.request("leave", [joined]).catch(() => undefined);
    }
    process.off("message", this.onMessage);
    process.off("disconnect", this.onDisconnect);
  }

  isReady(): boolean {
    return this.sink !== undefined && process.connected;
  }

  async send(nodeId: string, messages: readonly string[]): Promise<void> {
    await this.request("send", [nodeId, messages]);
  }

  heartbeat(nodeId: string, lossAfterMs: number): Promise<string[]> {
    return this.request("heartbeat", [nodeId, lossAfterMs]) as Promise<string[]>;
  }

  private request(op: Op, args: unknown[]): Promise<unknown> {
    if (!process.connected) {
      return Promise.reject(
        new ClusterUnavailableError("IpcAdapter: the node:cluster primary is gone"),
      );
    }
    if (this.pending.size >= MAX_PENDING) {
      return Promise.reject(
        new ClusterUnavailableError("IpcAdapter: too many requests waiting on the primary"),
      );
    }
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      process.send!(
        { tag: TAG, seq, op, args } satisfies IpcRequest,
        undefined,
        undefined,
        (err) => {
          if (!err) return;
          this.pending.delete(seq);
          reject(new ClusterUnavailableError(`IpcAdapter: ${err.message}`, { cause: err }));
        },
      );
    });
  }

  private received(message: unknown): void {
    if (!isOurs(message)) return;
    if (typeof message.deliver === "string") {
      this.sink?.deliver(message.deliver);
      return;
    }
    const reply = message as unknown as IpcReply;
    const entry = this.pending.get(reply.seq);
    if (!entry) return;
    this.pending.delete(reply.seq);
    if (reply.ok) entry.resolve(reply.value);
    else entry.reject(new ClusterUnavailableError(`IpcAdapter: ${reply.error ?? "failed"}`));
  }
}
