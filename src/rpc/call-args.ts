import { ConnectionClosedError, RPCMessageTypeNotSupportedError } from "../protocol/errors.js";
import { MAX_MESSAGE_ID_LENGTH } from "../protocol/message-id.js";
import { protocolFamily } from "../protocol/version.js";
import type { CallOptions } from "./types.js";

/** A call() after its arguments were read and checked. */
export interface CallRequest {
  protocol: string | undefined;
  method: string;
  params: unknown;
  options: CallOptions;
  timeoutMs: number;
}

/**
 * Reads `call(method, params?, options?)` or `call(protocol, method, params, options?)`.
 * Returns the error to reject with when the arguments are wrong.
 */
export function readCallArgs(
  args: readonly unknown[],
  negotiated: string | undefined,
  defaultTimeoutMs: number,
): CallRequest | Error {
  let protocol: unknown, method: unknown, params: unknown, options: unknown;
  if (isProtocolForm(args, negotiated)) [protocol, method, params, options] = args;
  else [method, params, options] = args;

  if (typeof method !== "string" || method.length === 0) {
    return new TypeError("call(method, params): method must be a non-empty string");
  }
  const opts = (options ?? {}) as CallOptions;
  if (typeof opts !== "object") return new TypeError("call(): options must be an object");
  if (protocol !== undefined && negotiated !== undefined && protocol !== negotiated) {
    return new RPCMessageTypeNotSupportedError(
      `call(${JSON.stringify(protocol)}, '${method}'): this connection negotiated '${negotiated}'`,
    );
  }
  const timeoutMs = opts.timeoutMs ?? opts.callTimeoutMs ?? defaultTimeoutMs;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    return new RangeError(`call('${method}'): timeoutMs must be a number >= 0`);
  }
  const refused = checkRetryOptions(method, opts);
  if (refused) return refused;
  return {
    protocol: protocol as string | undefined,
    method,
    params: params === undefined ? {} : params,
    options: opts,
    timeoutMs,
  };
}

/** Checks `retries`, `retryDelayMs` and `idempotencyKey`; returns the error to reject with. */
function checkRetryOptions(method: string, opts: CallOptions): Error | undefined {
  const { retries, retryDelayMs, idempotencyKey } = opts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0)) {
    return new RangeError(`call('${method}'): retries must be an integer >= 0, got ${retries}`);
  }
  if (
    retryDelayMs !== undefined &&
    (typeof retryDelayMs !== "number" || !Number.isFinite(retryDelayMs) || retryDelayMs < 0)
  ) {
    return new RangeError(`call('${method}'): retryDelayMs must be a finite number >= 0`);
  }
  if (
    idempotencyKey !== undefined &&
    (typeof idempotencyKey !== "string" ||
      idempotencyKey.length === 0 ||
      idempotencyKey.length > MAX_MESSAGE_ID_LENGTH)
  ) {
    return new RangeError(
      `call('${method}'): idempotencyKey must be a string of 1 to ${MAX_MESSAGE_ID_LENGTH} characters (it is the message id)`,
    );
  }
  return undefined;
}

/** A send() (OCPP 2.1 SEND) after its arguments were read and checked. */
export interface SendRequest {
  method: string;
  params: unknown;
}

/** Reads `send(method, params)` or `send(protocol, method, params)` for a connection in `family`. */
export function readSendArgs(
  args: readonly unknown[],
  negotiated: string | undefined,
  family: string,
  stateName: string | undefined,
): SendRequest | Error {
  let protocol: unknown, method: unknown, params: unknown;
  if (args.length >= 3) [protocol, method, params] = args;
  else [method, params] = args;
  if (typeof method !== "string" || method.length === 0) {
    return new TypeError("send(method, params): method must be a non-empty string");
  }
  if (protocol !== undefined && protocol !== negotiated) {
    return new RPCMessageTypeNotSupportedError(
      `send() for ${JSON.stringify(protocol)} on a '${negotiated}' connection`,
    );
  }
  if (family !== "2.1") {
    return new RPCMessageTypeNotSupportedError(
      `SEND messages need OCPP 2.1; this connection negotiated '${negotiated ?? "none"}'`,
    );
  }
  if (stateName !== undefined) {
    return new ConnectionClosedError(`Cannot send '${method}': the connection is ${stateName}`);
  }
  return { method, params: params === undefined ? {} : params };
}

/**
 * call(protocol, method, params, options?) vs call(method, params?, options?): the protocol
 * form has a string second argument and a protocol name first.
 */
function isProtocolForm(args: readonly unknown[], negotiated: string | undefined): boolean {
  const [first, second] = args;
  if (typeof first !== "string" || typeof second !== "string") return false;
  return protocolFamily(first) !== "other" || first === negotiated;
}
