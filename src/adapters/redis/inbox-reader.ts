import type { RedisConnection } from "./redis-client.js";
import { streamEntries } from "./stream-reply.js";

/** How long one XREAD blocks; below node-redis 6's 5 s default command timeout. */
const BLOCK_MS = 2000;
/** Entries per XREAD. */
const READ_COUNT = 200;
/** Wait before reading again after a failed read (Redis down); grows to the maximum. */
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 500;

/**
 * Reads this node's inbox stream with a blocking XREAD on a dedicated connection (a blocking
 * command stalls every other command on its connection). It resumes from the last id it saw,
 * so nothing is skipped over a reconnect while the stream survives.
 */
export class InboxReader {
  lastId = "0-0";
  private running = false;
  private clientId: string | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly reader: RedisConnection,
    private readonly key: string,
    private readonly deliver: (message: string) => void,
    private readonly onFailure: (error: Error) => void,
  ) {}

  /** Starts reading entries added from now on. */
  async start(): Promise<void> {
    this.running = true;
    // Start after the newest entry: a fresh node id means anything there is not for us.
    const last = await this.reader.command(
      ["XREVRANGE", this.key, "+", "-", "COUNT", "1"],
      this.key,
    );
    const [newest] = streamEntries([[this.key, last]]);
    if (newest) this.lastId = newest.id;
    await this.fetchClientId();
    this.loop = this.run();
  }

  /** Stops; `unblock` interrupts the pending XREAD from another connection. */
  async stop(unblock: (clientId: string) => Promise<unknown>): Promise<void> {
    this.running = false;
    this.wake?.();
    if (this.clientId !== undefined) await unblock(this.clientId).catch(() => undefined);
    await this.loop;
  }

  private async fetchClientId(): Promise<void> {
    // CLIENT UNBLOCK needs the reader's id; on a cluster client it would name a random node.
    if (this.reader.cluster) return;
    this.clientId = String(await this.reader.command(["CLIENT", "ID"]));
  }

  private async run(): Promise<void> {
    let retryMs = RETRY_MIN_MS;
    while (this.running) {
      try {
        const reply = await this.reader.command(
          ["XREAD", "COUNT", READ_COUNT, "BLOCK", BLOCK_MS, "STREAMS", this.key, this.lastId],
          this.key,
        );
        retryMs = RETRY_MIN_MS;
        for (const entry of streamEntries(reply)) {
          this.lastId = entry.id;
          for (const message of entry.messages) if (this.running) this.deliver(message);
        }
      } catch (err) {
        if (!this.running) return;
        this.onFailure(err instanceof Error ? err : new Error(String(err)));
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, retryMs).unref();
        });
        retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
        // A reconnected reader has a new id (for CLIENT UNBLOCK at stop).
        await this.fetchClientId().catch(() => undefined);
      }
    }
  }
}
