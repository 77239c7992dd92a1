import type { Transport } from "../transport/transport.js";
import type { CloseResult } from "./types.js";

/** What the closing sequence needs from its engine. */
export interface CloseHost {
  readonly transport: Transport | undefined;
  /** True while calls are in flight either way. */
  busy(): boolean;
  /** Gives up on calls in flight: outbound rejected, inbound aborted (their answers dropped). */
  abandonPending(reason: Error): void;
}

/**
 * Closing an open connection, every step bounded by `timeoutMs`: wait for calls in flight
 * (when asked), send the close frame, wait for the peer's close frame, and past the bound
 * terminate the socket. `done()` (from the transport's close event) ends it.
 */
export class CloseSequence {
  readonly promise: Promise<CloseResult>;
  private resolveClosed!: (result: CloseResult) => void;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private idleWaiter: (() => void) | undefined;

  constructor(
    private readonly host: CloseHost,
    private readonly timeoutMs: number,
    private readonly onTimeout: () => Error,
  ) {
    this.promise = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Terminates at once, without a closing handshake (`force`). */
  terminate(): void {
    this.host.transport?.terminate();
    this.arm(() => this.host.transport?.terminate());
  }

  /** Sends the close frame once nothing is in flight (or the bound passes). */
  start(code: number, reason: string, awaitPending: boolean): void {
    const sendClose = () => {
      this.idleWaiter = undefined;
      this.host.transport?.close(code, reason);
      // The peer has `timeoutMs` to answer the close frame; then the socket is dropped.
      this.arm(() => this.host.transport?.terminate());
    };
    if (!awaitPending || !this.host.busy()) {
      sendClose();
      return;
    }
    this.idleWaiter = sendClose;
    this.arm(() => {
      // Calls still in flight after the bound: give up on them, then close.
      this.host.abandonPending(this.onTimeout());
      if (this.idleWaiter) sendClose();
    });
  }

  /** Nothing is in flight any more. */
  idle(): void {
    const waiter = this.idleWaiter;
    if (!waiter) return;
    clearTimeout(this.timer);
    waiter();
  }

  /** The transport closed: the sequence is over. */
  done(result: CloseResult): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.idleWaiter = undefined;
    this.resolveClosed(result);
  }

  private arm(action: () => void): void {
    clearTimeout(this.timer);
    if (!Number.isFinite(this.timeoutMs)) return;
    this.timer = setTimeout(action, this.timeoutMs);
  }
}
