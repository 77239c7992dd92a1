/**
 * The contract between the cluster core (ClusterRouter) and a transport adapter. An adapter
 * only moves opaque strings between nodes and keeps presence records; correlation, deadlines,
 * de-duplication, fencing and node-loss settlement live once in the core, so a NATS or
 * Postgres adapter stays small (the shape of socket.io-adapter's ClusterAdapterWithHeartbeat).
 */

/** What the core gives an adapter in start(): where to deliver and how to report link state. */
export interface AdapterSink {
  /** A message addressed to this node (encoded by the core; hand it over unchanged). */
  deliver(message: string): void;
  /**
   * The adapter lost (`false`) or regained (`true`) its backend. On `true` the core resends
   * what is still pending and re-asserts presence, since the backend may have lost data.
   */
  linkChanged(up: boolean, error?: Error): void;
}

/** Presence records: identity → the owner value `<nodeId>|<connSeq>|<connectedAtMs>`. */
export interface PresenceStore {
  /** Sets `value` unconditionally (the newest connection wins); resolves with the previous value. */
  claim(identity: string, value: string, ttlMs: number): Promise<string | null>;
  /**
   * Keeps `value` as the owner: renews it when it is the stored value, sets it when the key is
   * absent or holds an older connection (`connectedAtMs` smaller). Resolves with null when
   * `value` holds the key afterwards, else with the value that holds it.
   */
  refresh(
    identity: string,
    value: string,
    connectedAtMs: number,
    ttlMs: number,
  ): Promise<string | null>;
  /** Deletes the record only if it still holds `value` (a newer owner is never removed). */
  release(identity: string, value: string): Promise<void>;
  /** The owner values of these identities (null where none), in the same order. */
  lookup(identities: readonly string[]): Promise<(string | null)[]>;
}

/**
 * A cluster transport. Implement it to add a backend; `server.setAdapter(adapter)` starts it.
 *
 * @example
 * class MyAdapter implements EventAdapterInterface { ... }
 * await server.setAdapter(new MyAdapter());
 */
export interface EventAdapterInterface {
  /** A short name for metrics ("redis", "memory", "ipc"). */
  readonly name: string;
  readonly presence: PresenceStore;
  /** Joins as `nodeId`: from now on, messages sent to `nodeId` go to `sink.deliver`. */
  start(nodeId: string, sink: AdapterSink): Promise<void>;
  /** Leaves: stops delivering, removes this node from the live set, frees its inbox. */
  stop(): Promise<void>;
  /** True while the backend is reachable (checked before each routed call, to fail fast). */
  isReady(): boolean;
  /** Sends messages, in order, to the node `nodeId` (at-least-once while the inbox lives). */
  send(nodeId: string, messages: readonly string[]): Promise<void>;
  /**
   * Records a heartbeat of `nodeId` and resolves with the nodes that heartbeated within the
   * last `lossAfterMs` (measured on one clock: the backend's, where it has one).
   */
  heartbeat(nodeId: string, lossAfterMs: number): Promise<string[]>;
  /** Backend-specific figures for adapterMetrics() (for example consumer lag). */
  metrics?(): Promise<Record<string, unknown>>;
}

/** server.adapterMetrics(): the core's figures plus the adapter's own (`metrics()`). */
export interface AdapterMetrics {
  adapter: string;
  nodeId: string;
  /** The adapter reaches its backend and the last heartbeat succeeded. */
  connected: boolean;
  liveNodes: string[];
  localStations: number;
  pendingRoutedCalls: number;
  routedCalls: number;
  routedFailures: number;
  servedCalls: number;
  /** Resent requests answered without running them again. */
  duplicates: number;
  /** Messages dropped: malformed, late or duplicate responses, failed replies. */
  dropped: number;
  presenceFailures: number;
  rememberedRequests: number;
  /** Round trips of recent routed calls, ms. */
  roundTripMs: { p50: number; p99: number; samples: number };
  /** RedisAdapter: inbox entries not read yet by this node. */
  redisConsumerLag?: { pendingMessages: number; lastDeliveredId: string };
  [figure: string]: unknown;
}

/** Timing of the cluster core; defaults in CLUSTER_DEFAULTS. */
export interface ClusterOptions {
  /** This node's name in logs and metrics; a random suffix is added per start. Default: hostname-pid. */
  nodeName?: string;
  /** How often a node heartbeats and refreshes its view of live nodes. Default 1000 ms. */
  heartbeatIntervalMs?: number;
  /** A node silent for this long is lost; calls waiting on it are rejected. Default 3000 ms. */
  nodeLossAfterMs?: number;
  /** Presence record lifetime, renewed every third of it. Default 60000 ms. */
  presenceTtlMs?: number;
  /** Most request ids remembered for de-duplication. Default 100000. */
  maxRememberedRequests?: number;
}
