import { ConnectionClosedError, TimeoutError } from "../protocol/errors.js";
import { MessageIdGenerator } from "../protocol/message-id.js";
import type { PendingCall } from "./pending-call.js";

/** What the bookkeeping needs from the engine that owns it. */
export interface OutboundHost {
  /** True while calls may be written: the connection is OPEN. */
  canTransmit(): boolean;
  /** Calls allowed in flight at once (callConcurrency). */
  concurrency(): number;
  /**
   * Validates, encodes and writes `call` under `id`. Returns the error to reject the call
   * with instead (strict mode, unserialisable params), or undefined once written.
   */
  transmit(call: PendingCall, id: string): Error | undefined;
  /** No call is in flight any more (close() with awaitPending waits for this). */
  onIdle(): void;
  /** `call` got no answer within its timeout (told before it rejects). */
  onTimeout(call: PendingCall): void;
}

/** How many ids of calls given up on (timeout, abort, noReply) are remembered, so that their
 * late answers are not mistaken for bad messages. */
const ABANDONED_ID_MEMORY = 64;

// Idle connections are the common case on a CSMS: the collections start as shared empty
// ones and each connection gets its own on first write.
const EMPTY_MAP: ReadonlyMap<string, PendingCall> = new Map();
const EMPTY_SET: ReadonlySet<string> = new Set();
const EMPTY_QUEUE: readonly PendingCall[] = Object.freeze([]);

/**
 * The outbound side of the engine: message ids, the queue in front of `callConcurrency`
 * (OCPP-J §4.1.1: one CALL at a time unless configured otherwise), calls in flight by id,
 * their timeouts and abort signals.
 */
export class OutboundCalls {
  private pending = EMPTY_MAP as Map<string, PendingCall>;
  private queue = EMPTY_QUEUE as PendingCall[];
  private abandoned = EMPTY_SET as Set<string>;
  private readonly ids = new MessageIdGenerator();
  /** Most calls held while not OPEN; beyond it the oldest is rejected (offline queue). */
  offlineLimit = Infinity;

  constructor(private readonly host: OutboundHost) {}

  /** Calls written and waiting for their answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** An id for a message that takes no slot (OCPP 2.1 SEND). */
  nextId(): string {
    return this.ids.next();
  }

  /** Starts ids afresh for a new connection. */
  resetIds(): void {
    this.ids.reset();
  }

  /** True when a call in flight or queued already uses `id`. */
  holds(id: string): boolean {
    return this.pending.has(id) || this.queue.some((call) => call.fixedId === id);
  }

  /** Sends `call` now if the connection is open and a slot is free, else queues it. */
  submit(call: PendingCall): void {
    if (call.signal) {
      const signal = call.signal;
      call.onAbort = () => this.abort(call, signal.reason);
      signal.addEventListener("abort", call.onAbort, { once: true });
    }
    if (this.queue.length === 0 && this.hasFreeSlot() && this.host.canTransmit()) {
      this.dispatch(call);
      return;
    }
    if (!this.host.canTransmit() && this.queue.length >= this.offlineLimit) {
      const oldest = this.queue.shift()!;
      this.settle(oldest);
      oldest.reject(
        new ConnectionClosedError("Offline queue full: the oldest queued call was dropped"),
      );
    }
    if (this.queue === EMPTY_QUEUE) this.queue = [];
    this.queue.push(call);
  }

  /** Sends queued calls while the connection is open and slots are free. */
  pump(): void {
    while (this.queue.length > 0 && this.hasFreeSlot() && this.host.canTransmit()) {
      this.dispatch(this.queue.shift()!);
    }
  }

  /** The call waiting for the answer `id`, if any. */
  get(id: string): PendingCall | undefined {
    return this.pending.get(id);
  }

  /** True (once) when `id` belongs to a call given up on: its late answer is expected. */
  takeAbandoned(id: string): boolean {
    return this.abandoned.delete(id);
  }

  /** Detaches a call from timer, signal and pending map; frees its slot. */
  settle(call: PendingCall): void {
    if (call.timer !== undefined) clearTimeout(call.timer);
    if (call.onAbort) call.signal?.removeEventListener("abort", call.onAbort);
    if (call.id && this.pending.get(call.id) === call) {
      this.pending.delete(call.id);
      if (this.pending.size === 0) this.host.onIdle();
      this.pump();
    }
  }

  /** Rejects every call waiting for a free slot or for the connection. */
  rejectQueued(error: Error): void {
    const queue = this.queue;
    this.queue = EMPTY_QUEUE as PendingCall[];
    for (const call of queue) {
      this.settle(call);
      call.reject(error);
    }
  }

  /** Rejects every call waiting for its answer. */
  rejectPending(error: Error): void {
    for (const call of [...this.pending.values()]) {
      this.settle(call);
      call.reject(error);
    }
  }

  private hasFreeSlot(): boolean {
    return this.pending.size < this.host.concurrency();
  }

  private dispatch(call: PendingCall): void {
    const id = call.fixedId ?? this.ids.next();
    call.id = id;
    if (!call.noReply) {
      if (this.pending === EMPTY_MAP) this.pending = new Map();
      this.pending.set(id, call);
    }
    const refused = this.host.transmit(call, id);
    if (refused) {
      this.settle(call);
      call.reject(refused);
      return;
    }
    if (call.noReply) {
      // Peers answer every CALL (OCPP-J §4.1.1): that answer is expected, not malformed.
      this.forget(id);
      this.settle(call);
      call.resolve(undefined);
    } else if (call.timeoutMs > 0 && call.timeoutMs < 2 ** 31) {
      call.timer = setTimeout(() => this.timeout(call), call.timeoutMs);
    }
  }

  private timeout(call: PendingCall): void {
    call.timer = undefined;
    this.forget(call.id);
    this.settle(call);
    this.host.onTimeout(call);
    call.reject(new TimeoutError(`Call '${call.method}' timed out after ${call.timeoutMs} ms`));
  }

  private abort(call: PendingCall, reason: unknown): void {
    const queued = this.queue.indexOf(call);
    if (queued >= 0) this.queue.splice(queued, 1);
    else this.forget(call.id);
    this.settle(call);
    call.reject(reason);
  }

  /** Remembers an id given up on, so its late answer is not counted as a bad message. */
  private forget(id: string): void {
    if (!id) return;
    if (this.abandoned === EMPTY_SET) this.abandoned = new Set();
    this.abandoned.add(id);
    if (this.abandoned.size > ABANDONED_ID_MEMORY) {
      this.abandoned.delete(this.abandoned.values().next().value!);
    }
  }
}
