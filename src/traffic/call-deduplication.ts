import { RPCFrameworkError } from "../protocol/errors.js";
import { MessageType } from "../protocol/message-type.js";
import type { Middleware } from "../rpc/middleware.js";
import { checkNumber } from "../rpc/options.js";

/** `callDeduplication`: how repeated CALLs are recognised and for how long. */
export interface CallDeduplicationOptions {
  /**
   * How long a CALL is remembered (ms): from its arrival while its handler runs, then from
   * its answer. A repeat within it gets the recorded answer. Default 60000.
   */
  windowMs: number;
  /** Most CALLs remembered at once, every station together; the oldest go first. Default 10000. */
  maxEntries: number;
}

export const CALL_DEDUPLICATION_DEFAULTS: Readonly<CallDeduplicationOptions> = Object.freeze({
  windowMs: 60_000,
  maxEntries: 10_000,
});

/** Repeats of one CALL waiting for its handler at once; more are refused as duplicates. */
export const MAX_WAITING_REPEATS = 16;

/** Checks the `callDeduplication` option (true: the defaults; false: off). */
export function resolveCallDeduplication(
  input: unknown,
): Readonly<CallDeduplicationOptions> | false {
  if (input === false) return false;
  if (input === true) return CALL_DEDUPLICATION_DEFAULTS;
  if (typeof input !== "object" || input === null) {
    throw new TypeError(
      "option 'callDeduplication' must be a boolean or an object { windowMs?, maxEntries? }",
    );
  }
  const given = input as Partial<Record<string, unknown>>;
  const unknown = Object.keys(given).filter((k) => !(k in CALL_DEDUPLICATION_DEFAULTS));
  if (unknown.length > 0) {
    throw new TypeError(`option 'callDeduplication': unknown key '${unknown[0]}'`);
  }
  const out = { ...CALL_DEDUPLICATION_DEFAULTS, ...given };
  checkNumber("callDeduplication.windowMs", out.windowMs, 1);
  if (!Number.isFinite(out.windowMs)) {
    throw new RangeError(`option 'callDeduplication.windowMs' must be finite, got ${out.windowMs}`);
  }
  checkNumber("callDeduplication.maxEntries", out.maxEntries, 1, true);
  if (!Number.isFinite(out.maxEntries)) {
    throw new RangeError(
      `option 'callDeduplication.maxEntries' must be finite, got ${out.maxEntries}`,
    );
  }
  return Object.freeze(out);
}

/** One remembered CALL. */
interface Entry {
  readonly key: string;
  /** The CALL's frame text: a repeat is the very same frame. */
  readonly frame: string;
  expiresAt: number;
  done: boolean;
  /** The answer frame (undefined: none, NOREPLY). */
  answer: string | undefined;
  /** Repeats that arrived while the handler ran. */
  waiters: Array<(answer: string | undefined) => void> | undefined;
  /** Its place in the expiry queue (absolute); an earlier place it held is stale. */
  slot: number;
}

/**
 * The CALLs of every station within the window, by identity and message id, so that one
 * re-sent after a reconnect (retries, a station's offline queue) is answered from the record
 * instead of running its handler again. Expired entries are dropped from the front of an
 * expiry queue, a few at each new CALL: no timer, and never more than `maxEntries`.
 *
 * The queue is an array, not the Map's own order: a Map whose oldest keys are deleted keeps
 * their slots until it rehashes, so finding its first key walks over them: O(n) per CALL
 * once the record is full.
 */
export class CallRecord {
  private readonly entries = new Map<string, Entry>();
  /** Entries in expiry order, from `head`; an entry answered or replaced leaves a stale slot. */
  private queue: Entry[] = [];
  private head = 0;
  /** Absolute slot number of queue[0]. */
  private base = 0;

  constructor(readonly options: Readonly<CallDeduplicationOptions>) {}

  get size(): number {
    return this.entries.size;
  }

  /** The live entry of `key`, if any. */
  get(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.expiresAt > now ? entry : undefined;
  }

  /** Remembers a CALL whose handler is about to run. */
  add(key: string, frame: string, now: number): Entry {
    this.sweep(now);
    this.entries.delete(key);
    while (this.entries.size >= this.options.maxEntries && this.evictOldest());
    const entry: Entry = {
      key,
      frame,
      expiresAt: now + this.options.windowMs,
      done: false,
      answer: undefined,
      waiters: undefined,
      slot: 0,
    };
    this.entries.set(key, entry);
    this.enqueue(entry);
    return entry;
  }

  /** The CALL's answer is known: repeats waiting get it, later ones within the window too. */
  answered(entry: Entry, answer: string | undefined, now: number): void {
    entry.done = true;
    entry.answer = answer;
    const waiters = entry.waiters;
    entry.waiters = undefined;
    if (this.entries.get(entry.key) === entry) {
      entry.expiresAt = now + this.options.windowMs;
      this.enqueue(entry);
    }
    if (waiters) for (const wake of waiters) wake(answer);
  }

  /** A promise of a running CALL's answer, for a repeat; undefined when too many wait. */
  wait(entry: Entry): Promise<string | undefined> | undefined {
    const waiters = (entry.waiters ??= []);
    if (waiters.length >= MAX_WAITING_REPEATS) return undefined;
    return new Promise((resolve) => waiters.push(resolve));
  }

  private enqueue(entry: Entry): void {
    entry.slot = this.base + this.queue.length;
    this.queue.push(entry);
    // Stale slots are at most one per answer and per replaced key: past twice the live
    // entries the queue is rebuilt from them, so it stays O(maxEntries) (amortised O(1)).
    if (this.queue.length - this.head > 2 * this.options.maxEntries + 1024) this.compact();
  }

  /** The live entry at the front of the queue, skipping stale slots. */
  private oldest(): Entry | undefined {
    const queue = this.queue;
    while (this.head < queue.length) {
      const entry = queue[this.head]!;
      if (entry.slot === this.base + this.head && this.entries.get(entry.key) === entry) {
        return entry;
      }
      this.head++;
    }
    return undefined;
  }

  private sweep(now: number): void {
    while ((this.oldest()?.expiresAt ?? Infinity) <= now) this.evictOldest();
    if (this.head > 1024 && this.head * 2 > this.queue.length) this.compact();
  }

  private compact(): void {
    const live: Entry[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const entry = this.queue[i]!;
      if (entry.slot === this.base + i && this.entries.get(entry.key) === entry) live.push(entry);
    }
    this.base += this.queue.length;
    for (let i = 0; i < live.length; i++) live[i]!.slot = this.base + i;
    this.queue = live;
    this.head = 0;
  }

  /** Forgets the oldest entry; repeats still waiting for it get no answer (the station retries). */
  private evictOldest(): boolean {
    const entry = this.oldest();
    if (entry === undefined) return false;
    this.entries.delete(entry.key);
    this.head++;
    const waiters = entry.waiters;
    entry.waiters = undefined;
    if (waiters) for (const wake of waiters) wake(undefined);
    return true;
  }
}

/** The record's key: unambiguous whatever characters identity and id hold. */
function keyOf(identity: string, id: string): string {
  return `${id.length}:${id}${identity}`;
}

/**
 * The de-duplication middleware: a CALL that repeats one of the window (same station, same
 * message id, same frame) does not run its handler; it gets the recorded answer, or, while
 * the first still runs, that answer when it comes. `record()` gives the record in force
 * (undefined: off).
 */
export function callDeduplicationMiddleware(record: () => CallRecord | undefined): Middleware {
  return (ctx, next) => {
    if (ctx.direction !== "inbound" || ctx.message[0] !== MessageType.CALL) return next();
    const calls = record();
    if (calls === undefined) return next();
    const id = ctx.message[1];
    const key = keyOf(ctx.client.identity, id);
    const now = Date.now();
    const earlier = calls.get(key, now);
    if (earlier === undefined || earlier.frame !== ctx.frame) {
      // The same id for another CALL while the first runs is not a repeat: left to the engine
      // (on the same connection it is refused as a duplicate id), the record untouched.
      if (earlier !== undefined && !earlier.done) return next();
      const entry = calls.add(key, ctx.frame, now);
      ctx.onAnswer((answer) => calls.answered(entry, answer, Date.now()));
      return next();
    }
    if (earlier.done) {
      ctx.replay(earlier.answer);
      return;
    }
    const answer = calls.wait(earlier);
    if (answer) ctx.replay(answer);
    else ctx.refuse(new RPCFrameworkError(`Already processing a call with message id: ${id}`));
  };
}
