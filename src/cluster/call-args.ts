import { protocolFamily } from "../protocol/version.js";
import type { CallOptions } from "../rpc/types.js";

/** A sendToClient() call taken apart: what travels to the holding node, and what stays here. */
export interface RoutedCall {
  /** [protocol, method, params] or [method, params], params never undefined. */
  wireArgs: unknown[];
  method: string;
  options: CallOptions;
}

/**
 * Splits `(protocol?, method, params?, options?)` the way the engine's call() does (a protocol
 * name first and a string second is the protocol form), so both forms route unchanged.
 */
export function splitCallArgs(args: readonly unknown[]): RoutedCall {
  const [first, second] = args;
  const protocolForm =
    typeof first === "string" && typeof second === "string" && protocolFamily(first) !== "other";
  const [method, params, options] = protocolForm ? args.slice(1) : args;
  if (typeof method !== "string" || method.length === 0) {
    throw new TypeError(
      "sendToClient(identity, method, params): method must be a non-empty string",
    );
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError("sendToClient(): options must be an object");
  }
  const p = params === undefined ? {} : params;
  return {
    wireArgs: protocolForm ? [first, method, p] : [method, p],
    method,
    options: options ?? {},
  };
}

/** The timeout a routed call uses: the call's own, else the server's callTimeoutMs. */
export function routedTimeout(method: string, options: CallOptions, fallbackMs: number): number {
  const timeoutMs = options.timeoutMs ?? options.callTimeoutMs ?? fallbackMs;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`sendToClient('${method}'): timeoutMs must be a number >= 0`);
  }
  return timeoutMs;
}
