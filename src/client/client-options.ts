import {
  checkBoolean,
  checkNumber,
  checkStringArray,
  describe,
  RPC_OPTION_KEYS,
} from "../rpc/options.js";
import type { RpcOptions } from "../rpc/types.js";

/** Options every client class shares (Node and browser). */
export interface BaseClientOptions<P extends string = string> extends Partial<RpcOptions> {
  /** The charging station identity; percent-encoded into the URL. Required. */
  identity: string;
  /** The CSMS WebSocket URL (`ws://` or `wss://`), without the identity. Required. */
  endpoint: string;
  /** Subprotocols to offer, in order of preference. Default []. */
  protocols?: readonly P[];
  /** Extra URL query parameters. */
  query?: Record<string, string> | string;
  /** Reconnect after losing an established connection. Default true. */
  reconnect?: boolean;
  /** Reconnect attempts before giving up. Default Infinity. */
  maxReconnects?: number;
  /** First reconnect delay (ms). Default 1000. */
  backoffMin?: number;
  /** Longest reconnect delay (ms). Default 30000. */
  backoffMax?: number;
  /** Keep calls queued while reconnecting, send them once back. Default false. */
  offlineQueue?: boolean;
  /** Most calls kept while offline; the oldest is rejected beyond it. Default 100. */
  offlineQueueMaxSize?: number;
}

/** The connection part of a client's options after checks and defaults. */
export interface ResolvedConnectionOptions {
  identity: string;
  endpoint: string;
  protocols: readonly string[];
  query: Record<string, string> | string | undefined;
  reconnect: boolean;
  maxReconnects: number;
  backoffMin: number;
  backoffMax: number;
  offlineQueue: boolean;
  offlineQueueMaxSize: number;
}

export const BASE_CLIENT_OPTION_KEYS = [
  ...RPC_OPTION_KEYS,
  "identity",
  "endpoint",
  "protocols",
  "query",
  "reconnect",
  "maxReconnects",
  "backoffMin",
  "backoffMax",
  "offlineQueue",
  "offlineQueueMaxSize",
] as const;

const CONNECTION_DEFAULTS = {
  protocols: [] as readonly string[],
  query: undefined,
  reconnect: true,
  maxReconnects: Infinity,
  backoffMin: 1000,
  backoffMax: 30_000,
  offlineQueue: false,
  offlineQueueMaxSize: 100,
};

/**
 * Checks and completes the shared client options. `base` is the current configuration
 * when reconfiguring (then `input` may be partial).
 */
export function resolveConnectionOptions(
  input: Partial<BaseClientOptions>,
  base?: ResolvedConnectionOptions,
): ResolvedConnectionOptions {
  const out: ResolvedConnectionOptions = {
    ...(base ?? { ...CONNECTION_DEFAULTS, identity: "", endpoint: "" }),
  };
  if (input.identity !== undefined || !base) {
    if (typeof input.identity !== "string" || input.identity.length === 0) {
      throw new TypeError(
        `option 'identity' must be a non-empty string, got ${describe(input.identity)}`,
      );
    }
    out.identity = input.identity;
  }
  if (input.endpoint !== undefined || !base) {
    if (typeof input.endpoint !== "string") {
      throw new TypeError(
        `option 'endpoint' must be a ws:// or wss:// URL string, got ${describe(input.endpoint)}`,
      );
    }
    let url: URL;
    try {
      url = new URL(input.endpoint);
    } catch {
      throw new TypeError(
        `option 'endpoint' is not a valid URL: ${JSON.stringify(input.endpoint)}`,
      );
    }
    if (!["ws:", "wss:", "http:", "https:"].includes(url.protocol)) {
      throw new TypeError(
        `option 'endpoint' must use ws:// or wss://, got ${JSON.stringify(input.endpoint)}`,
      );
    }
    out.endpoint = input.endpoint;
  }
  if (input.protocols !== undefined) {
    checkStringArray("protocols", input.protocols);
    out.protocols = [...input.protocols];
  }
  if (input.query !== undefined) {
    if (
      typeof input.query !== "string" &&
      (typeof input.query !== "object" || input.query === null)
    ) {
      throw new TypeError(
        `option 'query' must be an object or a string, got ${describe(input.query)}`,
      );
    }
    out.query = input.query;
  }
  if (input.reconnect !== undefined) {
    checkBoolean("reconnect", input.reconnect);
    out.reconnect = input.reconnect;
  }
  if (input.offlineQueue !== undefined) {
    checkBoolean("offlineQueue", input.offlineQueue);
    out.offlineQueue = input.offlineQueue;
  }
  for (const key of ["maxReconnects", "backoffMin", "backoffMax", "offlineQueueMaxSize"] as const) {
    if (input[key] !== undefined) {
      checkNumber(
        key,
        input[key],
        key === "offlineQueueMaxSize" ? 1 : 0,
        key !== "backoffMin" && key !== "backoffMax",
      );
      out[key] = input[key];
    }
  }
  if (out.backoffMax < out.backoffMin) {
    throw new RangeError(
      `option 'backoffMax' (${out.backoffMax}) must be >= 'backoffMin' (${out.backoffMin})`,
    );
  }
  return out;
}
