/**
 * One small port over the Redis client libraries: raw commands (so per-library API drift —
 * `xAdd` vs `xadd`, option objects, v4→v5 renames — never matters), readiness, and an error
 * listener on every connection. node-redis exits the process on an 'error' event nobody
 * listens to (its README: "You MUST listen to error events"), so the listener goes on at once.
 */

type AnyFunction = (...args: never[]) => unknown;

/**
 * A Redis client the adapter accepts: an ioredis `Redis` or `Cluster` (5, 6), or a node-redis
 * client or cluster (4, 5, 6) from `createClient()` / `createCluster()`.
 */
export interface RedisLikeClient {
  call?: AnyFunction;
  sendCommand?: AnyFunction;
  on?: AnyFunction;
  duplicate?: AnyFunction;
}

type Listener = (...args: unknown[]) => void;

interface IoRedisShape {
  call(command: string, ...args: string[]): Promise<unknown>;
  status: string;
  isCluster?: boolean;
  on(event: string, listener: Listener): unknown;
  connect(): Promise<void>;
  duplicate(): IoRedisShape;
  disconnect(): void;
}

interface NodeRedisShape {
  sendCommand(...args: unknown[]): Promise<unknown>;
  isReady: boolean;
  isOpen: boolean;
  masters?: unknown;
  on(event: string, listener: Listener): unknown;
  connect(): Promise<unknown>;
  duplicate(): NodeRedisShape;
  disconnect?(): Promise<void>;
  destroy?(): void;
}

/** A connection the adapter uses, whichever library is behind it. */
export class RedisConnection {
  readonly library: "ioredis" | "node-redis";
  /** A cluster client (ioredis Cluster or node-redis createCluster). */
  readonly cluster: boolean;
  private readonly io: IoRedisShape | undefined;
  private readonly nr: NodeRedisShape | undefined;

  constructor(
    client: RedisLikeClient,
    readonly role: string,
    private readonly onState: (up: boolean, error?: Error) => void,
  ) {
    if (typeof client?.call === "function" && typeof (client as IoRedisShape).status === "string") {
      this.library = "ioredis";
      this.io = client as unknown as IoRedisShape;
      this.cluster = this.io.isCluster === true;
    } else if (typeof client?.sendCommand === "function") {
      this.library = "node-redis";
      this.nr = client as unknown as NodeRedisShape;
      this.cluster = this.nr.masters !== undefined;
    } else {
      throw new TypeError(
        `RedisAdapter: options.${role} must be an ioredis or node-redis client (got ${typeof client})`,
      );
    }
    const emitter = (this.io ?? this.nr)!;
    emitter.on("error", (err: unknown) =>
      this.onState(false, err instanceof Error ? err : new Error(String(err))),
    );
    // ioredis: 'close' then 'reconnecting'; node-redis: 'error' then 'reconnecting'.
    for (const event of ["end", "close", "reconnecting"])
      emitter.on(event, () => this.onState(false));
    emitter.on("ready", () => this.onState(true));
  }

  isReady(): boolean {
    return this.io ? this.io.status === "ready" : this.nr!.isReady;
  }

  /** Connects a client that was handed over unconnected (node-redis, ioredis lazyConnect). */
  async ensureConnected(): Promise<void> {
    if (this.io && this.io.status === "wait") await this.io.connect();
    if (this.nr && !this.nr.isOpen) await this.nr.connect();
  }

  /** Runs one command; `key` routes it on a node-redis cluster (ioredis routes by itself). */
  command(args: readonly (string | number)[], key?: string): Promise<unknown> {
    const strings = args.map(String);
    if (this.io) return this.io.call(strings[0]!, ...strings.slice(1));
    const nr = this.nr!;
    // node-redis cluster: sendCommand(firstKey, isReadonly, args); standalone: sendCommand(args).
    return this.cluster ? nr.sendCommand(key, false, strings) : nr.sendCommand(strings);
  }

  /** A new connection of the same kind, with the adapter's listeners, connected. */
  async duplicate(role: string): Promise<RedisConnection> {
    const copy = (this.io ?? this.nr)!.duplicate();
    const connection = new RedisConnection(copy, role, this.onState);
    await connection.ensureConnected();
    return connection;
  }

  /** Closes a connection the adapter created itself (never the user's). */
  close(): void {
    if (this.io) this.io.disconnect();
    else if (this.nr!.destroy) this.nr!.destroy();
    else void this.nr!.disconnect?.().catch(() => undefined);
  }
}
