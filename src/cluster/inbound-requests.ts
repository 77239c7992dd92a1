/** After its deadline a request id is still remembered this long, to absorb late resends. */
const REMEMBER_AFTER_DEADLINE_MS = 30_000;

interface Remembered {
  /** The encoded response once the station answered; undefined while the call is out. */
  reply: string | undefined;
  forgetAt: number;
}

export type Admission = { kind: "new" } | { kind: "in-flight" } | { kind: "done"; reply: string };

/**
 * The receiver's memory of request ids, so a resent request (after a Redis restart, or a
 * retry) is never executed twice on a station: in flight → ignored; done → the cached
 * response is sent again. Bounded: the oldest ids are forgotten first.
 */
export class InboundRequests {
  private readonly seen = new Map<string, Remembered>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.seen.size;
  }

  admit(id: string, deadline: number): Admission {
    const known = this.seen.get(id);
    if (known)
      return known.reply === undefined
        ? { kind: "in-flight" }
        : { kind: "done", reply: known.reply };
    if (this.seen.size >= this.maxEntries) this.sweep(Date.now());
    // Still full of live ids: forget the oldest (Map keeps insertion order).
    while (this.seen.size >= this.maxEntries) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
    }
    this.seen.set(id, { reply: undefined, forgetAt: deadline + REMEMBER_AFTER_DEADLINE_MS });
    return { kind: "new" };
  }

  complete(id: string, reply: string): void {
    const known = this.seen.get(id);
    if (known) known.reply = reply;
  }

  /** Forgets ids whose deadline passed long enough ago. */
  sweep(now: number): void {
    for (const [id, entry] of this.seen) if (entry.forgetAt <= now) this.seen.delete(id);
  }
}
