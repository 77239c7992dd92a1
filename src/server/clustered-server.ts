import type { AdapterMetrics, ClusterOptions, EventAdapterInterface } from "../cluster/contract.js";
import type { BatchResult, PublishHandler } from "../cluster/router.js";
import { ServerCluster, type ClusterStation, type ServerStats } from "../cluster/server-cluster.js";
import { EventEmitter } from "../rpc/emitter.js";
import type { CallOptions } from "../rpc/types.js";
import type {
  CallArgs,
  CsmsOutbound,
  KnownMethod,
  MethodOf,
  Req,
  RequestOf,
  Res,
  ResponseOf,
  UntypedMethod,
} from "../rpc/typed-api.js";
import type { ServerEvents } from "./server-events.js";
import type { OCPPServerClient } from "./ocpp-server-client.js";

/** Whether a server accepts stations: "open" until close() is called, then "closing", then "closed". */
export type ServerState = "open" | "closing" | "closed";

/** server.stats(): the cluster layer's figures plus the process's own. */
export interface NodeStats extends ServerStats {
  /** Accepting stations, or closing (close() waits for them) or closed. */
  state: ServerState;
  /** Stations connected to this node (seed 002 name; same as activeSessions). */
  connectedClients: number;
  /** CPU time this process used since it started (microseconds, user and system). */
  cpuUsage: NodeJS.CpuUsage;
}

/**
 * The cluster half of OCPPServer's public API (sendToClient, safeSendToClient, setAdapter,
 * publish, subscribe, broadcastBatch, stats, adapterMetrics), kept here so the server file stays about connections. The work is
 * done by ServerCluster (src/cluster/); OCPPServer says which stations are connected here.
 */
export abstract class ClusteredServer<P extends string> extends EventEmitter<ServerEvents<P>> {
  /** Adapter, cross-node routing, publish/subscribe and stats. */
  /** @internal */
  readonly cluster = new ServerCluster({
    localStation: (identity) => this.localStation(identity),
    localStations: () => this.localStations(),
    parkedSessions: () => this.parkedSessions(),
    defaultTimeoutMs: () => this.callTimeoutMs(),
    reportError: (err) => void (this.listenerCount("error") && this.emit("error", err)),
  });

  /** The connection of `identity` on this node, if any. */
  protected abstract localStation(identity: string): ClusterStation | undefined;
  /** Every connection on this node. */
  protected abstract localStations(): Iterable<ClusterStation>;
  /** Sessions kept for identities not connected now. */
  protected abstract parkedSessions(): number;
  /** The default timeout of a routed call (the server's callTimeoutMs). */
  protected abstract callTimeoutMs(): number;
  /** Whether the server accepts stations (for stats() and the readiness endpoint). */
  protected abstract serverState(): ServerState;
  /** The client of `identity` connected to this process, or undefined. */
  abstract getLocalClient(identity: string): OCPPServerClient<P> | undefined;

  /**
   * Calls a method on the connected station `identity`, like its client's call(); rejects
   * with ConnectionClosedError when no such station is connected here. With an adapter, a
   * station on another node is called there (StationNotConnectedError if it is nowhere).
   *
   * @example
   * await server.sendToClient("CP-001", "ocpp1.6", "Reset", { type: "Soft" }, { timeoutMs: 10000 });
   */
  sendToClient<
    Pr extends keyof CsmsOutbound<P> & string,
    M extends keyof CsmsOutbound<P>[Pr] & string,
  >(
    identity: string,
    protocol: Pr,
    method: M,
    ...args: CallArgs<Req<CsmsOutbound<P>[Pr][M]>>
  ): Promise<Res<CsmsOutbound<P>[Pr][M]>>;
  sendToClient<M extends MethodOf<CsmsOutbound<P>>>(
    identity: string,
    method: M,
    ...args: CallArgs<RequestOf<CsmsOutbound<P>, M>>
  ): Promise<ResponseOf<CsmsOutbound<P>, M>>;
  sendToClient<M extends string>(
    identity: string,
    method: UntypedMethod<M, KnownMethod<P>>,
    params?: unknown,
    options?: CallOptions,
  ): Promise<unknown>;
  sendToClient(identity: string, ...args: unknown[]): Promise<unknown> {
    return this.callClient(identity, args);
  }

  private callClient(identity: string, args: unknown[]): Promise<unknown> {
    const client = this.getLocalClient(identity);
    // Not here: the cluster routes it to the node holding it (or rejects as before).
    if (!client) return this.cluster.route(identity, args);
    return (client.call as (...a: unknown[]) => Promise<unknown>)(...args);
  }

  /** Like sendToClient(), but resolves with undefined instead of rejecting. */
  safeSendToClient<
    Pr extends keyof CsmsOutbound<P> & string,
    M extends keyof CsmsOutbound<P>[Pr] & string,
  >(
    identity: string,
    protocol: Pr,
    method: M,
    ...args: CallArgs<Req<CsmsOutbound<P>[Pr][M]>>
  ): Promise<Res<CsmsOutbound<P>[Pr][M]> | undefined>;
  safeSendToClient<M extends MethodOf<CsmsOutbound<P>>>(
    identity: string,
    method: M,
    ...args: CallArgs<RequestOf<CsmsOutbound<P>, M>>
  ): Promise<ResponseOf<CsmsOutbound<P>, M> | undefined>;
  safeSendToClient<M extends string>(
    identity: string,
    method: UntypedMethod<M, KnownMethod<P>>,
    params?: unknown,
    options?: CallOptions,
  ): Promise<unknown>;
  safeSendToClient(identity: string, ...args: unknown[]): Promise<unknown> {
    return this.callClient(identity, args).catch(() => undefined);
  }

  /**
   * Joins a cluster through `adapter` (a second call replaces the first; `null` leaves).
   * Resolves once this node is live; sendToClient() then reaches stations on any node.
   *
   * @example
   * await server.setAdapter(new RedisAdapter({ pubClient: new Redis(), subClient: new Redis() }));
   */
  setAdapter(adapter: EventAdapterInterface | null, options?: ClusterOptions): Promise<void> {
    return this.cluster.setAdapter(adapter, options);
  }

  /** The adapter set by setAdapter(), if any. */
  get adapter(): EventAdapterInterface | undefined {
    return this.cluster.adapter;
  }

  /** Sends an application event to subscribe() handlers on every node (this one too). */
  publish(channel: string, data: unknown): Promise<void> {
    return this.cluster.publish(channel, data);
  }

  /** Receives publish() events of `channel` from any node; returns an unsubscribe function. */
  subscribe(channel: string, handler: PublishHandler): () => void {
    return this.cluster.subscribe(channel, handler);
  }

  /**
   * Calls `method` on many stations, wherever they are (one send per holding node); each
   * station still gets one CALL at a time. Resolves with one result per identity, in order.
   */
  broadcastBatch(
    identities: readonly string[],
    method: string,
    params?: unknown,
    options?: CallOptions,
  ): Promise<BatchResult[]> {
    return this.cluster.broadcastBatch(identities, [method, params, options]);
  }

  /** The adapter's figures (routed calls, failures, latency, backlog); undefined without one. */
  adapterMetrics(): Promise<AdapterMetrics | undefined> {
    return this.cluster.adapterMetrics();
  }

  /**
   * This node right now: state, sessions, sockets, memory, CPU, uptime, pid (and cluster view).
   * `connectedClients` equals `activeSessions` (one session per connected station).
   */
  stats(): NodeStats {
    const stats = this.cluster.stats();
    return {
      ...stats,
      state: this.serverState(),
      connectedClients: stats.activeSessions,
      cpuUsage: process.cpuUsage(),
    };
  }
}
