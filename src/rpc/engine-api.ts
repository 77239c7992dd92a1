import { ConnectionClosedError } from "../protocol/errors.js";
import { readCallArgs } from "./call-args.js";
import { checkHandlerDirection } from "./direction.js";
import type { RpcEngine } from "./engine.js";
import type { ProtocolMaps } from "./typed-api.js";
import { PendingCall } from "./pending-call.js";
import { withRetries } from "./retry.js";
import { ConnectionState, STATE_NAMES } from "./types.js";

// The bodies of the engine's typed API. Their signatures are TypedRpcApi's (typed-api.ts),
// which RpcEngine takes by declaration merging; the engine installs these functions as its
// own prototype methods, so a call() costs no extra call.

const { CONNECTING, CLOSING, CLOSED } = ConnectionState;

type Engine = RpcEngine<ProtocolMaps, ProtocolMaps, string>;

/** RpcEngine#handle: registers a handler after checking the role may receive the method. */
export function handle(this: Engine, ...args: unknown[]): void {
  this.handlers.register(args, (method, protocol) =>
    checkHandlerDirection(
      this.role,
      method,
      protocol === undefined ? this.offeredProtocols() : [protocol],
    ),
  );
  // CALLs that arrived before their handler (handlerGraceMs) run now.
  this.grace?.release();
}

/** RpcEngine#call: checks the call, then queues it (with retries, when asked for). */
export function call(this: Engine, ...args: unknown[]): Promise<unknown> {
  const request = readCallArgs(args, this.protocol, this.rpcOptions.callTimeoutMs);
  if (request instanceof Error) return Promise.reject(request);
  const { method, options } = request;
  const refused = refusesCalls(this);
  if (refused) {
    return Promise.reject(new ConnectionClosedError(`Cannot call '${method}': ${refused}`));
  }
  const signal = options.signal;
  // AbortSignal semantics: the call rejects with the reason exactly as the caller gave it.
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  if (signal?.aborted) return Promise.reject(signal.reason);
  const key = options.idempotencyKey;
  if (key !== undefined && this.outbound.holds(key)) {
    return Promise.reject(
      new RangeError(
        `call('${method}'): idempotencyKey '${key}' is already in use by a call in flight`,
      ),
    );
  }
  const attempt = (id: string | undefined): PendingCall => {
    const pending = new PendingCall(
      method,
      request.params,
      request.timeoutMs,
      options,
      request.protocol,
    );
    if (id !== undefined) pending.fixedId = id;
    this.outbound.submit(pending);
    return pending;
  };
  const first = attempt(key);
  if (!options.retries) return first.promise;
  return withRetries(
    first,
    { retries: options.retries, retryDelayMs: options.retryDelayMs ?? 1000 },
    {
      attempt: (id) => {
        const refusedNow = refusesCalls(this);
        if (refusedNow) return new ConnectionClosedError(`Cannot call '${method}': ${refusedNow}`);
        return attempt(id);
      },
      mayRetry: () => this._state !== CLOSED && this._state !== CLOSING,
    },
  );
}

/** RpcEngine#safeCall: call(), resolving undefined instead of rejecting. */
export function safeCall(this: Engine, ...args: unknown[]): Promise<unknown> {
  const untyped = this as { call(...callArgs: unknown[]): Promise<unknown> };
  return untyped.call(...args).then(undefined, () => undefined);
}

/** Why a new call cannot be taken now, or undefined when it can (sent or queued). */
function refusesCalls(engine: Engine): string | undefined {
  const state = engine._state;
  if (state === CLOSED || state === CLOSING) return `the connection is ${STATE_NAMES[state]}`;
  if (state === CONNECTING && engine.connectedOnce && !engine.queueWhileOffline) {
    // Reconnecting after a drop: without the offline queue a call fails now, rather than
    // waiting an unknown time for a connection (seed 002 offlineQueue).
    return "the connection was lost and is reconnecting (offlineQueue is off)";
  }
  return undefined;
}
