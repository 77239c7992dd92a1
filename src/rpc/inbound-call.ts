import { followValue, toError } from "./contain.js";
import type { EngineCore } from "./engine-core.js";
import { finishInbound } from "./inbound/responder.js";
import type { HandlerContext } from "./types.js";

/**
 * A call received from the peer, handed to the handler as its context. The first answer
 * wins (returned value, thrown error or `reply()`); later ones are ignored. The abort signal
 * is created only when a handler asks for it.
 */
export class InboundCall implements HandlerContext {
  settled = false;
  /** Given up with its connection: its answer is never written (see finishInbound). */
  abandoned = false;
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private boundReply: ((response: unknown) => void) | undefined;

  constructor(
    private readonly engine: EngineCore,
    readonly messageId: string,
    readonly method: string,
    readonly params: unknown,
    readonly protocol: string | undefined,
    /** An OCPP 2.1 SEND: handled, never answered. */
    readonly isSend = false,
    /** When its handler started (see callStart); 0 when nobody asked for its duration. */
    readonly startedAt = 0,
  ) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** The handler's `reply`, bound on first use: most handlers never touch it. */
  get reply(): (response: unknown) => void {
    return (this.boundReply ??= (response: unknown) => this.answer(response));
  }

  /**
   * Settles the call with a value, an Error, a thenable of either, or NOREPLY; the first
   * answer wins. Returns true while a thenable's outcome is still to come.
   */
  answer(response: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    return followValue(
      response,
      (result) => finishInbound(this.engine, this, result),
      (error) => finishInbound(this.engine, this, toError(error)),
    );
  }

  /** Tells the handler its answer is no longer wanted (the connection is closing). */
  abortSignal(reason: unknown): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  /** The connection is gone: abort the signal; a later answer is not written. */
  abort(reason: unknown): void {
    this.abortSignal(reason);
    this.abandoned = true;
  }
}
