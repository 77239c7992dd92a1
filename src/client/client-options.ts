import {
  checkBoolean,
  checkNumber,
  checkStringArray,
  defaultsOf,
  describe,
  mergeOptions,
  RPC_OPTION_KEYS,
  type OptionRegistry,
} from "../rpc/options.js";
import type { RpcOptions } from "../rpc/types.js";
import { resolveLogging, type LoggingConfig } from "../observability/logging-config.js";

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
  /** Structured logging (seed 002 LoggingConfig); `false` turns it off. Default `{}`: info and above. */
  logging?: LoggingConfig | false;
}

/** The connection part of the client options (the rest are the engine's RpcOptions). */
type ConnectionOptions = Omit<BaseClientOptions, keyof RpcOptions>;

/** The connection part of a client's options after checks and defaults. */
export type ResolvedConnectionOptions = Required<Omit<ConnectionOptions, "query" | "logging">> &
  Pick<ConnectionOptions, "query" | "logging">;

function checkIdentity(name: string, value: unknown): void {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`option '${name}' must be a non-empty string, got ${describe(value)}`);
  }
}

function checkEndpoint(name: string, value: unknown): void {
  if (typeof value !== "string") {
    throw new TypeError(
      `option '${name}' must be a ws:// or wss:// URL string, got ${describe(value)}`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`option '${name}' is not a valid URL: ${JSON.stringify(value)}`);
  }
  if (!["ws:", "wss:", "http:", "https:"].includes(url.protocol)) {
    throw new TypeError(`option '${name}' must use ws:// or wss://, got ${JSON.stringify(value)}`);
  }
}

function checkQuery(name: string, value: unknown): void {
  if (typeof value !== "string" && (typeof value !== "object" || value === null)) {
    throw new TypeError(`option '${name}' must be an object or a string, got ${describe(value)}`);
  }
}

const atLeast = (min: number, integer: boolean) => (name: string, value: unknown) =>
  checkNumber(name, value, min, integer);

/** Every connection option with its default and check (see OptionRegistry). */
const CONNECTION_OPTIONS = {
  identity: { default: "", check: checkIdentity },
  endpoint: { default: "", check: checkEndpoint },
  protocols: { default: [], check: checkStringArray },
  query: { default: undefined, check: checkQuery },
  reconnect: { default: true, check: checkBoolean },
  maxReconnects: { default: Infinity, check: atLeast(0, true) },
  backoffMin: { default: 1000, check: atLeast(0, false) },
  backoffMax: { default: 30_000, check: atLeast(0, false) },
  offlineQueue: { default: false, check: checkBoolean },
  offlineQueueMaxSize: { default: 100, check: atLeast(1, true) },
  logging: { default: undefined, check: (name, value) => void resolveLogging(name, value) },
} as const satisfies OptionRegistry<ConnectionOptions>;

export const BASE_CLIENT_OPTION_KEYS: readonly string[] = [
  ...RPC_OPTION_KEYS,
  ...Object.keys(CONNECTION_OPTIONS),
];

const CONNECTION_DEFAULTS = defaultsOf<ConnectionOptions>(CONNECTION_OPTIONS);

/**
 * Checks and completes the shared client options. `base` is the current configuration
 * when reconfiguring (then `input` may be partial; identity and endpoint stay unless given).
 */
export function resolveConnectionOptions(
  input: Partial<BaseClientOptions>,
  base?: ResolvedConnectionOptions,
): ResolvedConnectionOptions {
  if (!base) {
    // Required at construction: checked even when absent, for the message.
    checkIdentity("identity", input.identity);
    checkEndpoint("endpoint", input.endpoint);
  }
  const out = mergeOptions<ConnectionOptions>(
    CONNECTION_OPTIONS,
    base ?? CONNECTION_DEFAULTS,
    input,
  ) as ResolvedConnectionOptions;
  if (input.protocols !== undefined) out.protocols = [...input.protocols];
  if (out.backoffMax < out.backoffMin) {
    throw new RangeError(
      `option 'backoffMax' (${out.backoffMax}) must be >= 'backoffMin' (${out.backoffMin})`,
    );
  }
  return out;
}
