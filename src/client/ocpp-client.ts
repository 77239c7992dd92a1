import { stationDiagnostics } from "../observability/diagnostics.js";
import { pinoOutput } from "../observability/pino-output.js";
import type WebSocket from "ws";
import type { SecurityProfile, TLSOptions } from "../security/index.js";
import type { BackpressureOptions } from "../transport/backpressure.js";
import type { CompressionOptions } from "../transport/compression.js";
import { KeepAliveSweeper } from "../transport/keep-alive.js";
import { BASE_CLIENT_OPTION_KEYS, type BaseClientOptions } from "./client-options.js";
import { NodeConnector, resolveNodeOptions } from "./node-connector.js";
import { StationClient } from "./station-client.js";

/** Options of the Node `OCPPClient`. */
export interface ClientOptions<P extends string = string> extends BaseClientOptions<P> {
  /** OCPP security profile 0–3. Inferred from endpoint, password and certificate when absent. */
  securityProfile?: SecurityProfile;
  /** Basic-auth password (profiles 1 and 2); the user name is always the identity. */
  password?: string | Buffer;
  /** TLS options (profiles 2 and 3). */
  tls?: TLSOptions;
  /** Extra HTTP headers of the upgrade request. */
  headers?: Record<string, string>;
  /** Time allowed for the WebSocket handshake (ms). Default 30000. */
  handshakeTimeoutMs?: number;
  /**
   * Largest frame accepted from the CSMS (bytes). Default 10 MiB: a station must take the
   * CSMS's large messages (SendLocalList, charging profiles); a server guards with 64 KiB.
   */
  maxPayloadBytes?: number;
  /**
   * Stop reading from the CSMS while more than `highWaterMarkBytes` wait to be sent to it;
   * close (1008) after `stallTimeoutMs` above it. `false` turns it off. Default
   * `{ highWaterMarkBytes: 1 MiB, lowWaterMarkBytes: 256 KiB, stallTimeoutMs: 30000 }`.
   */
  backpressure?: Partial<BackpressureOptions> | false;
  /**
   * Offer permessage-deflate (RFC 7692) to the CSMS; `true` = the defaults (threshold 1024,
   * level 6, memLevel 8, no context takeover both ways). Default false.
   */
  compression?: boolean | CompressionOptions;
  /** Extra options for the `ws` WebSocket (advanced). */
  wsOpts?: WebSocket.ClientOptions;
}

/**
 * The Node client's own option keys. Typed against ClientOptions both ways, so an option added
 * to the type but not accepted here (or the reverse) does not compile; their defaults and
 * checks are in resolveNodeOptions().
 */
const NODE_OPTION_KEYS: {
  readonly [K in keyof Omit<ClientOptions, keyof BaseClientOptions>]-?: K;
} = {
  securityProfile: "securityProfile",
  password: "password",
  tls: "tls",
  headers: "headers",
  handshakeTimeoutMs: "handshakeTimeoutMs",
  maxPayloadBytes: "maxPayloadBytes",
  backpressure: "backpressure",
  compression: "compression",
  wsOpts: "wsOpts",
};

const CLIENT_OPTION_KEYS = new Set<string>([
  ...BASE_CLIENT_OPTION_KEYS,
  ...Object.values(NODE_OPTION_KEYS),
]);

/**
 * The charging-station side: an OCPP-J client over Node's `ws`.
 *
 * @example
 * const client = new OCPPClient({ endpoint: "ws://localhost:3000", identity: "CP001", protocols: ["ocpp1.6"] });
 * await client.connect();
 * await client.call("Heartbeat", {});
 */
export class OCPPClient<const P extends string = string> extends StationClient<P> {
  private readonly connector: NodeConnector;
  private nodeInput: Partial<ClientOptions<P>>;

  constructor(options: ClientOptions<P>) {
    const connector = new NodeConnector();
    super(options, "OCPPClient", CLIENT_OPTION_KEYS, connector, pinoOutput);
    this.connector = connector;
    this.tap = stationDiagnostics;
    this.nodeInput = { ...options };
    connector.node = resolveNodeOptions(this.nodeInput, this.connection.endpoint);
    connector.identity = this.connection.identity;
    this.keepAliveSweeper = new KeepAliveSweeper(
      KeepAliveSweeper.tickFor(this.rpcOptions.pingIntervalMs),
    );
  }

  /** The security profile in force (declared, or inferred from the options). */
  get securityProfile(): SecurityProfile {
    return this.connector.node.securityProfile;
  }

  override reconfigure(options: Partial<ClientOptions<P>>): void {
    // Checked before anything changes (the base class applies the shared options).
    const nodeInput = { ...this.nodeInput, ...options };
    const node = resolveNodeOptions(nodeInput, options.endpoint ?? this.connection.endpoint);
    super.reconfigure(options);
    this.nodeInput = nodeInput;
    this.connector.node = node;
    this.connector.identity = this.connection.identity;
    this.keepAliveSweeper?.setTickMs(KeepAliveSweeper.tickFor(this.rpcOptions.pingIntervalMs));
  }
}
