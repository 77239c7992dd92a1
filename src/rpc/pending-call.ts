import type { CallOptions } from "./types.js";

/** An outbound call from call() until its answer, timeout, abort or close settles it. */
export class PendingCall {
  /** Assigned when the call is sent. */
  id = "";
  /** The id to send under instead of a fresh one (idempotencyKey, or a retry's first id). */
  fixedId: string | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When it was written (see callStart); 0 when nobody asked for its duration. */
  sentAt = 0;
  onAbort: (() => void) | undefined;
  readonly signal: AbortSignal | undefined;
  readonly noReply: boolean;
  readonly promise: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (reason: unknown) => void;

  constructor(
    readonly method: string,
    readonly params: unknown,
    readonly timeoutMs: number,
    options: CallOptions,
    /** The subprotocol named by call(protocol, ...), checked again when the call is sent. */
    readonly protocol: string | undefined,
  ) {
    this.signal = options.signal;
    this.fixedId = options.idempotencyKey;
    this.noReply = options.noReply === true;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}
