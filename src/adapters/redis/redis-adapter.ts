import type { AdapterSink, EventAdapterInterface, PresenceStore } from "../../cluster/contract.js";
import { InboxReader } from "./inbox-reader.js";
import { RedisKeys } from "./keys.js";
import { Outbox } from "./outbox.js";
import { RedisConnection, type RedisLikeClient } from "./redis-client.js";
import { CLAIM, HEARTBEAT, REFRESH, RELEASE } from "./scripts.js";

export interface RedisAdapterOptions {
  /** Runs every command except the blocking read. */
  pubClient: RedisLikeClient;
  /** Reads this node's inbox (a blocking XREAD), unless `blockingClient` is given. */
  subClient: RedisLikeClient;
  /** A connection for the blocking read, if `subClient` must stay free. */
  blockingClient?: RedisLikeClient;
  /** Key prefix. Default "ocpp-ws-io:". */
  prefix?: string;
  /** Inbox length bound in entries (XADD MAXLEN ~; an entry carries up to 64 messages). Default 10000. */
  maxInboxLength?: number;
}

/** An inbox whose node stopped heartbeating is deleted by Redis after this long. */
const INBOX_TTL_MS = 60_000;
/** stop() waits at most this long for Redis (a blocking read ends within 2 s anyway). */
const STOP_WAIT_MS = 2500;
/** Registry entries older than this are removed by the heartbeat script. */
const FORGET_NODE_AFTER_MS = 60_000;

/**
 * Clustering over Redis or Redis Cluster, with ioredis (5, 6) or node-redis (4, 5, 6): one
 * inbox stream per node read with a blocking XREAD, presence records claimed by Lua scripts,
 * a node registry heartbeated on the Redis clock. A routed call costs at most 3 commands (GET
 * of the presence record, cached for a second; XADD of the request; XADD of the response),
 * and fewer under load: the messages of one event-loop turn share one XADD per inbox.
 *
 * @example
 * import Redis from "ioredis";
 * server.setAdapter(new RedisAdapter({ pubClient: new Redis(), subClient: new Redis() }));
 */
export class RedisAdapter implements EventAdapterInterface {
  readonly name = "redis";
  readonly presence: PresenceStore;
  private readonly keys: RedisKeys;
  private readonly pub: RedisConnection;
  private readonly sub: RedisConnection;
  private readonly blocking: RedisConnection | undefined;
  private readonly maxInboxLength: number;
  private readonly outbox: Outbox;
  private sink: AdapterSink | undefined;
  private reader: InboxReader | undefined;
  private ownReader: RedisConnection | undefined;
  private nodeId: string | undefined;
  /** The same client was passed as pubClient and reader. */
  private readonly readerIsPub: boolean;

  constructor(options: RedisAdapterOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("RedisAdapter: options must be an object");
    }
    const prefix = options.prefix ?? "ocpp-ws-io:";
    if (typeof prefix !== "string")
      throw new TypeError("RedisAdapter: options.prefix must be a string");
    const maxInboxLength = options.maxInboxLength ?? 10_000;
    if (!Number.isInteger(maxInboxLength) || maxInboxLength < 100) {
      throw new RangeError("RedisAdapter: options.maxInboxLength must be an integer >= 100");
    }
    this.maxInboxLength = maxInboxLength;
    this.keys = new RedisKeys(prefix);
    this.outbox = new Outbox((inbox, fields) =>
      this.pub.command(["XADD", inbox, "MAXLEN", "~", maxInboxLength, "*", ...fields], inbox),
    );
    const onState = (up: boolean, error?: Error) => this.sink?.linkChanged(up, error);
    this.pub = new RedisConnection(options.pubClient, "pubClient", onState);
    this.sub = new RedisConnection(options.subClient, "subClient", onState);
    this.blocking = options.blockingClient
      ? new RedisConnection(options.blockingClient, "blockingClient", onState)
      : undefined;
    this.readerIsPub = (options.blockingClient ?? options.subClient) === options.pubClient;
    const eval1 = (script: string, key: string, ...args: (string | number)[]) =>
      this.pub.command(["EVAL", script, 1, key, ...args], key);
    this.presence = {
      claim: async (identity, value, ttlMs) =>
        asString(await eval1(CLAIM, this.keys.presence(identity), value, ttlMs)),
      refresh: async (identity, value, connectedAtMs, ttlMs) =>
        asString(await eval1(REFRESH, this.keys.presence(identity), value, ttlMs, connectedAtMs)),
      release: async (identity, value) => {
        await eval1(RELEASE, this.keys.presence(identity), value);
      },
      // Single GETs issued together: the client pipelines them, and on Redis Cluster each
      // goes to its own slot (an MGET across slots would fail with CROSSSLOT).
      lookup: (identities) =>
        Promise.all(
          identities.map(async (id) => {
            const key = this.keys.presence(id);
            return asString(await this.pub.command(["GET", key], key));
          }),
        ),
    };
  }

  async start(nodeId: string, sink: AdapterSink): Promise<void> {
    this.nodeId = nodeId;
    this.sink = sink;
    await this.pub.ensureConnected();
    await this.sub.ensureConnected();
    await this.blocking?.ensureConnected();
    let reader = this.blocking ?? this.sub;
    if (this.readerIsPub) {
      // One client passed twice: the blocking read needs a connection of its own.
      this.ownReader = await this.pub.duplicate("reader");
      reader = this.ownReader;
    }
    const inbox = this.keys.inbox(nodeId);
    this.reader = new InboxReader(
      reader,
      inbox,
      (message) => this.sink?.deliver(message),
      (error) => this.sink?.linkChanged(false, error),
    );
    await this.reader.start();
  }

  async stop(): Promise<void> {
    const nodeId = this.nodeId;
    this.sink = undefined;
    this.nodeId = undefined;
    const reader = this.reader;
    this.reader = undefined;
    // With Redis down these commands wait in the client's queue: never hold close() for them.
    await within(
      STOP_WAIT_MS,
      reader?.stop((clientId) => this.pub.command(["CLIENT", "UNBLOCK", clientId])),
    );
    this.ownReader?.close();
    this.ownReader = undefined;
    if (nodeId === undefined) return;
    // Leave at once (others stop routing here on their next heartbeat).
    const inbox = this.keys.inbox(nodeId);
    await within(
      STOP_WAIT_MS,
      Promise.all([
        this.pub.command(["ZREM", this.keys.nodes(), nodeId], this.keys.nodes()),
        this.pub.command(["DEL", inbox], inbox),
      ]),
    );
  }

  isReady(): boolean {
    return this.nodeId !== undefined && this.pub.isReady();
  }

  async send(nodeId: string, messages: readonly string[]): Promise<void> {
    await this.outbox.send(this.keys.inbox(nodeId), messages);
  }

  async heartbeat(nodeId: string, lossAfterMs: number): Promise<string[]> {
    const nodes = this.keys.nodes();
    const inbox = this.keys.inbox(nodeId);
    const [live] = await Promise.all([
      this.pub.command(
        ["EVAL", HEARTBEAT, 1, nodes, nodeId, lossAfterMs, FORGET_NODE_AFTER_MS],
        nodes,
      ),
      this.pub.command(["PEXPIRE", inbox, INBOX_TTL_MS], inbox),
    ]);
    return Array.isArray(live) ? live.map(String) : [];
  }

  /** `redisConsumerLag.pendingMessages`: inbox entries not read yet. */
  async metrics(): Promise<Record<string, unknown>> {
    if (!this.nodeId || !this.reader) return {};
    const inbox = this.keys.inbox(this.nodeId);
    const after = `(${this.reader.lastId}`;
    const [unread, length] = await Promise.all([
      this.pub.command(["XRANGE", inbox, after, "+", "COUNT", this.maxInboxLength], inbox),
      this.pub.command(["XLEN", inbox], inbox),
    ]);
    return {
      redisConsumerLag: {
        pendingMessages: Array.isArray(unread) ? unread.length : 0,
        lastDeliveredId: this.reader.lastId,
      },
      inboxLength: Number(length),
      library: this.pub.library,
    };
  }
}

/** Waits for `work` (its failure ignored: Redis may be down) at most `ms`. */
async function within(ms: number, work: Promise<unknown> | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([work?.catch(() => undefined), bound]);
  clearTimeout(timer);
}

function asString(reply: unknown): string | null {
  if (reply === null || reply === undefined || reply === false) return null;
  if (typeof reply === "string") return reply;
  // Buffers (a client configured for binary replies) and numbers.
  return Buffer.isBuffer(reply) ? reply.toString("utf8") : JSON.stringify(reply);
}
