import type { HandlerContext } from "./types.js";

/** The engine side of an inbound call: told once the answer is known. */
export interface InboundCallOwner {
  finishInbound(call: InboundCall, value: unknown): void;
}

/**
 * A call received from the peer, handed to the handler as its context. The first answer
 * wins (returned value, thrown error or `reply()`); later ones are ignored. The abort signal
 * is created only when a handler asks for it.
 */
export class InboundCall implements HandlerContext {
  settled = false;
  private controller: AbortController | undefined;
  private abortReason: unknown;

  constructor(
    private readonly engine: InboundCallOwner,
    readonly messageId: string,
    readonly method: string,
    readonly params: unknown,
    readonly protocol: string | undefined,
    /** An OCPP 2.1 SEND: handled, never answered. */
    readonly isSend = false,
  ) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  private boundReply: ((response: unknown) => void) | undefined;

  /** The handler's `reply`, bound on first use: most handlers never touch it. */
  get reply(): (response: unknown) => void {
    return (this.boundReply ??= (response: unknown) => this.answer(response));
  }

  /** Settles the call with a value, an Error, a promise of either, or NOREPLY; first wins. */
  answer(response: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (
      response !== null &&
      typeof response === "object" &&
      typeof (response as PromiseLike<unknown>).then === "function"
    ) {
      (response as PromiseLike<unknown>).then(
        (value) => this.engine.finishInbound(this, value),
        (err: unknown) =>
          this.engine.finishInbound(this, err instanceof Error ? err : new Error(String(err))),
      );
      return;
    }
    this.engine.finishInbound(this, response);
  }

  /** Tells the handler its answer is no longer wanted (the connection is closing). */
  abortSignal(reason: unknown): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  /** The connection is gone: abort the signal and drop any later answer. */
  abort(reason: unknown): void {
    this.abortSignal(reason);
    this.settled = true;
  }
}
