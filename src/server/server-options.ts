import type { ServerOptions as WsServerOptions } from "ws";
import {
  checkBoolean,
  checkNumber,
  checkStringArray,
  mergeRpcOptions,
  RPC_DEFAULTS,
  RPC_OPTION_KEYS,
  rejectUnknownOptions,
} from "../rpc/options.js";
import { checkStrictValidators } from "../rpc/strict-mode.js";
import type { ConnectionRateLimitOptions } from "./connection-rate-limit.js";
import {
  BACKPRESSURE_DEFAULTS,
  resolveBackpressure,
  type BackpressureOptions,
} from "../transport/backpressure.js";
import type { RpcOptions } from "../rpc/types.js";
import {
  resolveCompression,
  type CompressionOptions,
  type DeflateSettings,
} from "../transport/compression.js";
import {
  resolveRateLimit,
  type RateLimitOptions,
  type ResolvedRateLimit,
} from "../traffic/rate-limit-options.js";
import {
  resolveCallDeduplication,
  type CallDeduplicationOptions,
} from "../traffic/call-deduplication.js";
import type { OCPPServerClient } from "./ocpp-server-client.js";
import {
  resolveLogging,
  type LoggingConfig,
  type ResolvedLogging,
} from "../observability/logging-config.js";
import {
  resolveMetrics,
  type MetricsOptions,
  type MetricsSettings,
} from "../observability/metrics-options.js";
import {
  resolveWorkerThreads,
  type ResolvedWorkerThreads,
  type WorkerThreadsOptions,
} from "../workers/worker-threads-options.js";
import {
  checkServerSecurity,
  isSecurityProfile,
  SecurityProfile,
  type TLSOptions,
} from "../security/index.js";

/** Options of `OCPPServer`. RPC options are inherited by every server-side client. */
export interface ServerOptions<P extends string = string> extends Partial<RpcOptions> {
  /** Subprotocols served, in order of preference. Default []. */
  protocols?: readonly P[];
  /** Security profile of the servers listen() creates. Default NONE (0). */
  securityProfile?: SecurityProfile;
  /** TLS options (profiles 2 and 3). */
  tls?: TLSOptions;
  /** Time allowed from upgrade request to accepted connection, auth() included (ms). Default 30000. */
  handshakeTimeoutMs?: number;
  /** Largest frame accepted (bytes); larger ones close the connection with 1009. Default 65536. */
  maxPayloadBytes?: number;
  /** Enforce the OCPP 2.x identity rule (at most 48 characters, no ':'); refused with 400. Default false. */
  strictIdentities?: boolean;
  /**
   * A station connecting with an identity that is already connected: "replace" closes the
   * old connection (code 4001) and keeps the new one; "reject" refuses the new one with 409.
   * Checked after auth(), so only an authenticated station can replace. Default "replace".
   */
  duplicateIdentity?: "replace" | "reject";
  /** Refuse (429) more than `limit` upgrade attempts per address within `windowMs`. */
  connectionRateLimit?: ConnectionRateLimitOptions;
  /**
   * Outbound flow control per connection: stop reading from a station while more than
   * `highWaterMarkBytes` wait to be sent to it, read again below `lowWaterMarkBytes`, close
   * it (1008) after `stallTimeoutMs` above the mark. Other stations are not affected. `false`
   * turns it off. Default `{ highWaterMarkBytes: 1 MiB, lowWaterMarkBytes: 256 KiB, stallTimeoutMs: 30000 }`.
   */
  backpressure?: Partial<BackpressureOptions> | false;
  /**
   * Token buckets on each station's inbound CALLs (globally and per method). Over the limit a
   * CALL is answered CALLERROR GenericError "rate limit exceeded" (transaction CALLs are
   * delayed instead). Off by default.
   */
  rateLimit?: RateLimitOptions<OCPPServerClient>;
  /**
   * permessage-deflate (RFC 7692) for stations that offer it; `true` = the defaults
   * (threshold 1024, level 6, memLevel 8, no context takeover both ways). Default false.
   */
  compression?: boolean | CompressionOptions;
  /**
   * Most connections compressed at once; beyond it handshakes complete without the
   * extension. Default Infinity.
   */
  maxCompressedConnections?: number;
  /**
   * How long (ms) the session from `accept({ session })` outlives its identity's last
   * connection; a reconnect within it starts from the kept session. Default 7200000 (2 h).
   */
  sessionTtlMs?: number;
  /**
   * Structured logging (seed 002 LoggingConfig); `false` turns it off. Default `{}`: info and
   * above, pino JSON lines on stdout. Fixed at construction.
   */
  logging?: LoggingConfig | false;
  /**
   * A station's CALL repeated with the same message id and the same frame within `windowMs`
   * (re-sent after a reconnect) gets the first one's answer instead of running its handler
   * again. `true` = the defaults `{ windowMs: 60000, maxEntries: 10000 }`. Default false (off).
   */
  callDeduplication?: Partial<CallDeduplicationOptions> | boolean;
  /** Extra options for the `ws` WebSocketServer (advanced). */
  wssOptions?: WsServerOptions;
  /**
   * The servers listen() creates answer GET /health, /ready and /metrics (see
   * createHealthHandler); turns `metrics` on when it is not set. Default false.
   */
  healthEndpoint?: boolean;
  /**
   * Prometheus metrics with prom-client (loaded only when on): `true` registers them in a
   * Registry of the server's own, `{ registry }` in yours. Default false.
   */
  metrics?: MetricsOptions;
  /**
   * Strict mode's check of big inbound CALLs (at least `minFrameBytes`) in a pool of worker
   * threads (piscina, an optional dependency): the main thread still parses each frame but
   * skips its validation. Per-connection order is kept; a full pool (`maxQueueSize`) pauses
   * reading from the socket. Needs `strictMode`. `true` = `{ poolSize: cores - 1,
   * maxQueueSize: 256, minFrameBytes: 32768 }`. Default false. Fixed at construction. It saves
   * little (see the README): more processes with a cluster adapter scale further.
   */
  workerThreads?: boolean | WorkerThreadsOptions;
}

/** The server's own options (the rest are the engine's RpcOptions, inherited by every client). */
type ServerOnlyOptions = Omit<ServerOptions, keyof RpcOptions>;

export interface ResolvedServerOptions {
  rpc: RpcOptions;
  protocols: readonly string[];
  securityProfile: SecurityProfile;
  tls: TLSOptions | undefined;
  handshakeTimeoutMs: number;
  maxPayloadBytes: number;
  strictIdentities: boolean;
  duplicateIdentity: "replace" | "reject";
  connectionRateLimit: ConnectionRateLimitOptions | undefined;
  backpressure: Readonly<BackpressureOptions> | false;
  compression: DeflateSettings | false;
  maxCompressedConnections: number;
  sessionTtlMs: number;
  logging: ResolvedLogging | undefined;
  rateLimit: ResolvedRateLimit<OCPPServerClient> | undefined;
  callDeduplication: Readonly<CallDeduplicationOptions> | false;
  wssOptions: WsServerOptions;
  healthEndpoint: boolean;
  metrics: MetricsSettings | false;
  workerThreads: ResolvedWorkerThreads | false;
}

/** One server option: default, check, and how a given value becomes the resolved one. */
interface ServerOptionSpec<K extends keyof ServerOnlyOptions & keyof ResolvedServerOptions> {
  readonly default: ResolvedServerOptions[K];
  check(name: string, value: unknown): void;
  resolve?(value: NonNullable<ServerOnlyOptions[K]>): ResolvedServerOptions[K];
}

function checkSecurityProfile(name: string, value: unknown): void {
  if (!isSecurityProfile(value)) {
    throw new TypeError(
      `option '${name}' must be 0, 1, 2 or 3 (SecurityProfile), got ${String(value)}`,
    );
  }
}

function checkObject(name: string, value: unknown): void {
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`option '${name}' must be an object`);
  }
}

const atLeast = (min: number, integer: boolean) => (name: string, value: unknown) =>
  checkNumber(name, value, min, integer);

/**
 * Every server option with its default, check and resolution. A key of ServerOptions without
 * an entry here (or the reverse) does not compile: the accepted keys, the defaults and the
 * types come from one place.
 */
const SERVER_OPTIONS: {
  readonly [K in keyof ServerOnlyOptions]-?: ServerOptionSpec<K>;
} = {
  protocols: { default: [], check: checkStringArray, resolve: (v) => [...v] },
  securityProfile: { default: SecurityProfile.NONE, check: checkSecurityProfile },
  tls: { default: undefined, check: checkObject },
  handshakeTimeoutMs: { default: 30_000, check: atLeast(1, false) },
  maxPayloadBytes: { default: 65_536, check: atLeast(1, true) },
  strictIdentities: { default: false, check: checkBoolean },
  duplicateIdentity: {
    default: "replace",
    check: (name, value) => {
      if (value !== "replace" && value !== "reject") {
        throw new TypeError(`option '${name}' must be "replace" or "reject", got ${String(value)}`);
      }
    },
  },
  connectionRateLimit: {
    default: undefined,
    check: (name, value) => {
      if (typeof value !== "object" || value === null) {
        throw new TypeError(`option '${name}' must be an object { limit, windowMs }`);
      }
    },
    resolve: (v) => ({ ...v }),
  },
  backpressure: {
    default: BACKPRESSURE_DEFAULTS,
    check: () => undefined, // resolveBackpressure checks each key, naming it
    resolve: (v) => resolveBackpressure(v),
  },
  rateLimit: {
    default: undefined,
    check: () => undefined, // resolveRateLimit checks each field, naming it
    resolve: (v) => resolveRateLimit(v),
  },
  compression: {
    default: false,
    check: () => undefined, // resolveCompression checks each field, naming it
    resolve: (v) => resolveCompression(v),
  },
  maxCompressedConnections: { default: Infinity, check: atLeast(0, true) },
  sessionTtlMs: { default: 7_200_000, check: atLeast(0, false) },
  logging: {
    default: resolveLogging("logging", undefined),
    check: (name, value) => void resolveLogging(name, value),
    resolve: (v) => resolveLogging("logging", v),
  },
  callDeduplication: {
    default: false,
    check: () => undefined, // resolveCallDeduplication checks each key, naming it
    resolve: (v) => resolveCallDeduplication(v),
  },
  wssOptions: { default: {}, check: checkObject },
  healthEndpoint: { default: false, check: checkBoolean },
  metrics: {
    default: false,
    check: () => undefined, // resolveMetrics checks each field, naming it
    resolve: (v) => resolveMetrics(v),
  },
  workerThreads: {
    default: false,
    check: () => undefined, // resolveWorkerThreads checks each key, naming it
    resolve: (v) => resolveWorkerThreads(v),
  },
};

const SERVER_OPTION_KEYS = new Set<string>([...RPC_OPTION_KEYS, ...Object.keys(SERVER_OPTIONS)]);

function serverDefaults(): ResolvedServerOptions {
  const out = { rpc: RPC_DEFAULTS } as Record<string, unknown>;
  for (const [key, spec] of Object.entries(SERVER_OPTIONS)) out[key] = spec.default;
  return out as unknown as ResolvedServerOptions;
}

/** Checks `input` over `base` (the current options when reconfiguring) and freezes the result. */
export function resolveServerOptions(
  component: string,
  input: ServerOptions,
  base?: ResolvedServerOptions,
): Readonly<ResolvedServerOptions> {
  if (typeof input !== "object" || input === null) {
    throw new TypeError(`${component}: options must be an object`);
  }
  rejectUnknownOptions(component, input, SERVER_OPTION_KEYS);
  const out = base ? { ...base } : serverDefaults();
  out.rpc = mergeRpcOptions(out.rpc, input);
  const resolved = out as unknown as Record<string, unknown>;
  for (const [key, spec] of Object.entries(SERVER_OPTIONS) as [string, ServerOptionSpec<never>][]) {
    const value = (input as Record<string, unknown>)[key];
    if (value === undefined) continue;
    spec.check(key, value);
    resolved[key] = spec.resolve ? spec.resolve(value as never) : value;
  }
  checkServerSecurity({ securityProfile: out.securityProfile, tls: out.tls });
  checkStrictValidators(component, out.rpc, out.protocols);
  if (out.workerThreads && out.rpc.strictMode === false) {
    throw new TypeError(
      `${component}: option 'workerThreads' runs strict mode's checks in worker threads; it needs 'strictMode'`,
    );
  }
  return Object.freeze(out);
}
