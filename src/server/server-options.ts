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
  /** Extra options for the `ws` WebSocketServer (advanced). */
  wssOptions?: WsServerOptions;
}

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
  wssOptions: WsServerOptions;
}

const SERVER_OPTION_KEYS = new Set<string>([
  ...RPC_OPTION_KEYS,
  "protocols",
  "securityProfile",
  "tls",
  "handshakeTimeoutMs",
  "maxPayloadBytes",
  "strictIdentities",
  "duplicateIdentity",
  "connectionRateLimit",
  "backpressure",
  "compression",
  "maxCompressedConnections",
  "sessionTtlMs",
  "wssOptions",
]);

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
  const out: ResolvedServerOptions = base
    ? { ...base }
    : {
        rpc: RPC_DEFAULTS,
        protocols: [],
        securityProfile: SecurityProfile.NONE,
        tls: undefined,
        handshakeTimeoutMs: 30_000,
        maxPayloadBytes: 65_536,
        strictIdentities: false,
        duplicateIdentity: "replace",
        connectionRateLimit: undefined,
        backpressure: BACKPRESSURE_DEFAULTS,
        compression: false,
        maxCompressedConnections: Infinity,
        sessionTtlMs: 7_200_000,
        wssOptions: {},
      };
  out.rpc = mergeRpcOptions(out.rpc, input);
  if (input.protocols !== undefined) {
    checkStringArray("protocols", input.protocols);
    out.protocols = [...input.protocols];
  }
  if (input.securityProfile !== undefined) {
    if (!isSecurityProfile(input.securityProfile)) {
      throw new TypeError(
        `option 'securityProfile' must be 0, 1, 2 or 3 (SecurityProfile), got ${String(input.securityProfile)}`,
      );
    }
    out.securityProfile = input.securityProfile;
  }
  if (input.tls !== undefined) out.tls = input.tls;
  if (input.handshakeTimeoutMs !== undefined) {
    checkNumber("handshakeTimeoutMs", input.handshakeTimeoutMs, 1);
    out.handshakeTimeoutMs = input.handshakeTimeoutMs;
  }
  if (input.maxPayloadBytes !== undefined) {
    checkNumber("maxPayloadBytes", input.maxPayloadBytes, 1, true);
    out.maxPayloadBytes = input.maxPayloadBytes;
  }
  if (input.strictIdentities !== undefined) {
    checkBoolean("strictIdentities", input.strictIdentities);
    out.strictIdentities = input.strictIdentities;
  }
  if (input.duplicateIdentity !== undefined) {
    if (input.duplicateIdentity !== "replace" && input.duplicateIdentity !== "reject") {
      throw new TypeError(
        `option 'duplicateIdentity' must be "replace" or "reject", got ${String(input.duplicateIdentity)}`,
      );
    }
    out.duplicateIdentity = input.duplicateIdentity;
  }
  if (input.connectionRateLimit !== undefined) {
    if (typeof input.connectionRateLimit !== "object" || input.connectionRateLimit === null) {
      throw new TypeError("option 'connectionRateLimit' must be an object { limit, windowMs }");
    }
    out.connectionRateLimit = { ...input.connectionRateLimit };
  }
  if (input.backpressure !== undefined) out.backpressure = resolveBackpressure(input.backpressure);
  if (input.compression !== undefined) out.compression = resolveCompression(input.compression);
  if (input.maxCompressedConnections !== undefined) {
    checkNumber("maxCompressedConnections", input.maxCompressedConnections, 0, true);
    out.maxCompressedConnections = input.maxCompressedConnections;
  }
  if (input.sessionTtlMs !== undefined) {
    checkNumber("sessionTtlMs", input.sessionTtlMs, 0);
    out.sessionTtlMs = input.sessionTtlMs;
  }
  if (input.wssOptions !== undefined) out.wssOptions = input.wssOptions;
  checkServerSecurity({ securityProfile: out.securityProfile, tls: out.tls });
  checkStrictValidators(component, out.rpc, out.protocols);
  return Object.freeze(out);
}
