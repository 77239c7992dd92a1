/** Messages one stream entry carries at most (fields `m`, `m1`, `m2`, ...). */
export const MESSAGES_PER_ENTRY = 64;

interface Sender {
  /** Index of the sender's first and one past its last message in the batch. */
  from: number;
  to: number;
  resolve(): void;
  reject(error: unknown): void;
}

interface Pending {
  messages: string[];
  senders: Sender[];
}

/**
 * Coalesces the messages sent to each inbox during one turn of the event loop into one XADD
 * per inbox (up to MESSAGES_PER_ENTRY messages per entry). Under load this is what keeps a
 * routed call near two commands: Redis wakes the blocked reader after each XADD, so one XADD
 * per message would also mean one XREAD per message. Bounded by what one turn produces: it is
 * flushed on the next check phase (setImmediate), before any further I/O is read.
 */
export class Outbox {
  private readonly pending = new Map<string, Pending>();
  private scheduled = false;

  constructor(private readonly write: (inbox: string, fields: string[]) => Promise<unknown>) {}

  /** Queues `messages` for `inbox`, in order; resolves once their entries are written. */
  send(inbox: string, messages: readonly string[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    let batch = this.pending.get(inbox);
    if (!batch) {
      batch = { messages: [], senders: [] };
      this.pending.set(inbox, batch);
    }
    const from = batch.messages.length;
    batch.messages.push(...messages);
    const to = batch.messages.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const senders = batch.senders;
    return new Promise<void>((resolve, reject) => senders.push({ from, to, resolve, reject }));
  }

  /** The client's write, a synchronous throw turned into a rejection (this runs in setImmediate). */
  private writeEntry(inbox: string, fields: string[]): Promise<unknown> {
    try {
      return Promise.resolve(this.write(inbox, fields));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [inbox, batch] of batches) {
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < batch.messages.length; i += MESSAGES_PER_ENTRY) {
        const fields: string[] = [];
        batch.messages.slice(i, i + MESSAGES_PER_ENTRY).forEach((m, k) => {
          fields.push(k === 0 ? "m" : `m${k}`, m);
        });
        writes.push(this.writeEntry(inbox, fields));
      }
      // Each sender learns the outcome of exactly the entries that carried its messages.
      for (const sender of batch.senders) {
        const first = Math.floor(sender.from / MESSAGES_PER_ENTRY);
        const last = Math.floor((sender.to - 1) / MESSAGES_PER_ENTRY);
        Promise.all(writes.slice(first, last + 1)).then(
          () => sender.resolve(),
          (err: unknown) => sender.reject(err),
        );
      }
    }
  }
}
