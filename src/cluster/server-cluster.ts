import { ConnectionClosedError } from "../protocol/errors.js";
import type { CallOptions } from "../rpc/types.js";
import { splitCallArgs } from "./call-args.js";
import type { AdapterMetrics, ClusterOptions, EventAdapterInterface } from "./contract.js";
import type { LocalStation } from "./local-presence.js";
import { ClusterRouter, type BatchResult } from "./router.js";
import { Subscriptions, type PublishHandler } from "./subscriptions.js";

/** A connected station as the server's cluster part sees it. */
export interface ClusterStation extends LocalStation {
  readonly bufferedAmount: number;
}

/** What the cluster part needs of its server. */
export interface ClusterHost {
  localStation(identity: string): ClusterStation | undefined;
  localStations(): Iterable<ClusterStation>;
  /** Sessions kept for identities that disconnected (sessionTtlMs). */
  parkedSessions(): number;
  defaultTimeoutMs(): number;
  reportError(error: Error): void;
}

/** server.stats(): this node right now. */
export interface ServerStats {
  activeSessions: number;
  webSockets: { total: number; bufferedAmount: number };
  memoryUsage: NodeJS.MemoryUsage;
  uptimeSeconds: number;
  pid: number;
  /** Present with an adapter: this node's id and the nodes it sees alive. */
  cluster?: { adapter: string; nodeId: string; liveNodes: number };
}

const REQUIRED_ADAPTER_METHODS = ["start", "stop", "isReady", "send", "heartbeat"] as const;

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function notHere(identity: string): ConnectionClosedError {
  return new ConnectionClosedError(`Station '${identity}' is not connected to this server`);
}

/**
 * The cluster side of OCPPServer: the adapter (replaceable), cross-node calls, broadcastBatch,
 * publish/subscribe, stats. Without an adapter everything stays on this process.
 */
export class ServerCluster {
  private router: ClusterRouter | undefined;
  private swapping: Promise<void> = Promise.resolve();
  private readonly startedAt = Date.now();
  readonly subscriptions: Subscriptions;

  constructor(private readonly host: ClusterHost) {
    this.subscriptions = new Subscriptions((err) => host.reportError(err));
  }

  get adapter(): EventAdapterInterface | undefined {
    return this.router?.adapter;
  }

  /** Replaces the adapter (stopping the previous one first); calls in order. */
  setAdapter(adapter: EventAdapterInterface | null, options?: ClusterOptions): Promise<void> {
    if (adapter !== null) {
      const a = adapter as unknown as Record<string, unknown> | undefined;
      const missing = REQUIRED_ADAPTER_METHODS.find((m) => typeof a?.[m] !== "function");
      if (missing || typeof a?.presence !== "object") {
        return Promise.reject(
          new TypeError(
            `setAdapter(adapter): adapter must implement EventAdapterInterface (missing ${missing ?? "presence"})`,
          ),
        );
      }
    }
    let next: ClusterRouter | undefined;
    try {
      next = adapter ? new ClusterRouter(adapter, this.hostForRouter(), options) : undefined;
    } catch (err) {
      return Promise.reject(toError(err));
    }
    const run = this.swapping.then(async () => {
      const previous = this.router;
      this.router = undefined;
      if (previous) await previous.stop();
      if (!next) return;
      await next.start();
      this.router = next;
      for (const station of this.host.localStations()) next.presence.add(station);
    });
    // A failed swap leaves no adapter; the next setAdapter() call still runs.
    this.swapping = run.catch(() => undefined);
    return run;
  }

  stationAdded(station: ClusterStation): void {
    this.router?.presence.add(station);
  }

  stationRemoved(station: ClusterStation): void {
    this.router?.presence.remove(station);
  }

  /** sendToClient() for an identity not connected here. */
  route(identity: string, args: readonly unknown[]): Promise<unknown> {
    if (!this.router) return Promise.reject(notHere(identity));
    return this.router.route(identity, args);
  }

  broadcastBatch(identities: readonly string[], args: readonly unknown[]): Promise<BatchResult[]> {
    const list: readonly unknown[] = Array.isArray(identities) ? identities : [0];
    if (list.some((id) => typeof id !== "string")) {
      return Promise.reject(
        new TypeError("broadcastBatch(identities, ...): identities must be an array of strings"),
      );
    }
    if (this.router) return this.router.broadcast(identities, args);
    let call: ReturnType<typeof splitCallArgs>;
    try {
      call = splitCallArgs(args);
    } catch (err) {
      return Promise.reject(toError(err));
    }
    const options: CallOptions = call.options;
    return Promise.allSettled(
      identities.map((identity) => {
        const station = this.host.localStation(identity);
        return station
          ? station.call(...call.wireArgs, options)
          : Promise.reject(notHere(identity));
      }),
    ).then((settled) =>
      settled.map((s, i) =>
        s.status === "fulfilled"
          ? { identity: identities[i]!, status: "fulfilled", value: s.value }
          : { identity: identities[i]!, status: "rejected", reason: s.reason as Error },
      ),
    );
  }

  publish(channel: string, data: unknown): Promise<void> {
    try {
      if (this.router) return this.router.publish(channel, data);
      this.subscriptions.deliverLocal(this.subscriptions.encode("local", channel, data));
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(toError(err));
    }
  }

  subscribe(channel: string, handler: PublishHandler): () => void {
    return this.subscriptions.subscribe(channel, handler);
  }

  async adapterMetrics(): Promise<AdapterMetrics | undefined> {
    return this.router?.metrics();
  }

  stats(): ServerStats {
    let total = 0;
    let bufferedAmount = 0;
    for (const station of this.host.localStations()) {
      total++;
      bufferedAmount += station.bufferedAmount;
    }
    const stats: ServerStats = {
      activeSessions: total + this.host.parkedSessions(),
      webSockets: { total, bufferedAmount },
      memoryUsage: process.memoryUsage(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      pid: process.pid,
    };
    if (this.router) {
      const m = this.router.adapter;
      stats.cluster = {
        adapter: m.name,
        nodeId: this.router.nodeId,
        liveNodes: this.router.liveNodeCount(),
      };
    }
    return stats;
  }

  /** Leaves the cluster (server.close()). */
  close(): Promise<void> {
    return this.setAdapter(null);
  }

  private hostForRouter() {
    return {
      subscriptions: this.subscriptions,
      defaultTimeoutMs: () => this.host.defaultTimeoutMs(),
      reportError: (err: Error) => this.host.reportError(err),
    };
  }
}
