import { ConnectionClosedError, TimeoutError } from "../protocol/errors.js";
import type { PendingCall } from "./pending-call.js";

/** A call's `retries` and back-off, as call() read them. */
export interface RetryPolicy {
  retries: number;
  retryDelayMs: number;
}

/** What retrying needs from the engine. */
export interface RetryHost {
  /** Submits a new attempt under `id` (the first attempt's), or returns why it cannot. */
  attempt(id: string | undefined): PendingCall | Error;
  /** False once the connection was closed on purpose: a closed connection is not retried. */
  mayRetry(): boolean;
}

/**
 * Only failures after which the peer may not have run the call are retried: a timeout and a
 * dropped connection. A CALLERROR is the peer's answer and is final.
 */
function isRetriable(err: unknown): boolean {
  return err instanceof TimeoutError || err instanceof ConnectionClosedError;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      // AbortSignal semantics: reject with the reason as the caller gave it.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `first` and up to `policy.retries` further attempts, waiting `retryDelayMs`, then
 * twice as long each time. Every attempt after the first one sent reuses its message id, so
 * a receiver that de-duplicates ids (OCPP-J: an id identifies one CALL) runs it once.
 */
export async function withRetries(
  first: PendingCall,
  policy: RetryPolicy,
  host: RetryHost,
): Promise<unknown> {
  let call = first;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call.promise;
    } catch (err) {
      if (attempt >= policy.retries || !isRetriable(err) || !host.mayRetry()) throw err;
      await delay(policy.retryDelayMs * 2 ** attempt, call.signal);
      const next = host.attempt(call.id || call.fixedId);
      if (next instanceof Error) throw next;
      call = next;
    }
  }
}
