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
 *
 * Ids are forgotten from the front of an array in admission order, never by scanning the
 * Map: a full scan per request, or `keys().next()` over a Map whose oldest keys were just
 * deleted (it walks their slots until it rehashes), costs O(n) per request once full, which
 * at 100,000 remembered ids was most of a busy node's time. An id is admitted once while
 * remembered and only the front is ever removed, so the array and the Map hold the same ids.
 */
export class InboundRequests {
  private readonly seen = new Map<string, Remembered>();
  /** Remembered ids in admission order, from `head`. */
  private order: string[] = [];
  private head = 0;

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
    if (this.seen.size >= this.maxEntries) {
      this.sweep(Date.now());
      // Still full of live ids: forget the oldest.
      while (this.seen.size >= this.maxEntries) this.forgetOldest();
    }
    this.seen.set(id, { reply: undefined, forgetAt: deadline + REMEMBER_AFTER_DEADLINE_MS });
    this.order.push(id);
    return { kind: "new" };
  }

  complete(id: string, reply: string): void {
    const known = this.seen.get(id);
    if (known) known.reply = reply;
  }

  /**
   * Forgets ids, oldest first, whose deadline passed long enough ago. It stops at the first
   * id still to be kept, so an id is never forgotten early; one admitted later with a shorter
   * deadline may be kept a little longer.
   */
  sweep(now: number): void {
    while (
      this.head < this.order.length &&
      this.seen.get(this.order[this.head]!)!.forgetAt <= now
    ) {
      this.forgetOldest();
    }
  }

  private forgetOldest(): void {
    this.seen.delete(this.order[this.head]!);
    this.head++;
    // Drop the forgotten prefix once it is most of the array (amortised O(1) per id).
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
