import type { ClientRequest, IncomingMessage } from "node:http";
import WebSocket from "ws";
import { ConnectionClosedError, UnexpectedHttpResponse } from "../protocol/errors.js";
import { getPackageIdent } from "../package-ident.js";
import { checkNumber } from "../rpc/options.js";
import {
  buildClientTlsOptions,
  checkClientSecurity,
  encodeBasicAuth,
  SecurityProfile,
  type TLSOptions,
} from "../security/index.js";
import { resolveBackpressure, type BackpressureOptions } from "../transport/backpressure.js";
import { KeepAliveSweeper } from "../transport/keep-alive.js";
import { NodeTransport } from "../transport/node-transport.js";
import { BASE_CLIENT_OPTION_KEYS, type BaseClientOptions } from "./client-options.js";
import { ReconnectingClient, type OpenedTransport } from "./reconnecting-client.js";

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
  /** Extra options for the `ws` WebSocket (advanced). */
  wsOpts?: WebSocket.ClientOptions;
}

const CLIENT_OPTION_KEYS = new Set<string>([
  ...BASE_CLIENT_OPTION_KEYS,
  "securityProfile",
  "password",
  "tls",
  "headers",
  "handshakeTimeoutMs",
  "maxPayloadBytes",
  "backpressure",
  "wsOpts",
]);

interface NodeConnectionOptions {
  securityProfile: SecurityProfile;
  password: string | Buffer | undefined;
  tls: TLSOptions | undefined;
  headers: Record<string, string>;
  handshakeTimeoutMs: number;
  maxPayloadBytes: number;
  backpressure: Readonly<BackpressureOptions> | false;
  wsOpts: WebSocket.ClientOptions;
}

/**
 * The charging-station side: an OCPP-J client over Node's `ws`.
 *
 * @example
 * const client = new OCPPClient({ endpoint: "ws://localhost:3000", identity: "CP001", protocols: ["ocpp1.6"] });
 * await client.connect();
 * await client.call("Heartbeat", {});
 */
export class OCPPClient<const P extends string = string> extends ReconnectingClient<P> {
  private node: NodeConnectionOptions;
  private nodeInput: Partial<ClientOptions<P>>;

  constructor(options: ClientOptions<P>) {
    super(options, "OCPPClient", CLIENT_OPTION_KEYS);
    this.nodeInput = { ...options };
    this.node = resolveNodeOptions(this.nodeInput, this.connection.endpoint);
    this.keepAliveSweeper = new KeepAliveSweeper(
      KeepAliveSweeper.tickFor(this.rpcOptions.pingIntervalMs),
    );
  }

  /** The security profile in force (declared, or inferred from the options). */
  get securityProfile(): SecurityProfile {
    return this.node.securityProfile;
  }

  override reconfigure(options: Partial<ClientOptions<P>>): void {
    // Checked before anything changes (the base class applies the shared options).
    const nodeInput = { ...this.nodeInput, ...options };
    const node = resolveNodeOptions(nodeInput, options.endpoint ?? this.connection.endpoint);
    super.reconfigure(options);
    this.nodeInput = nodeInput;
    this.node = node;
    this.keepAliveSweeper?.setTickMs(KeepAliveSweeper.tickFor(this.rpcOptions.pingIntervalMs));
  }

  protected openTransport(
    url: string,
    protocols: readonly string[],
    signal: AbortSignal,
  ): Promise<OpenedTransport> {
    const {
      password,
      headers,
      handshakeTimeoutMs,
      maxPayloadBytes,
      wsOpts,
      securityProfile,
      tls,
      backpressure,
    } = this.node;
    const requestHeaders: Record<string, string> = { "user-agent": getPackageIdent(), ...headers };
    if (password !== undefined)
      requestHeaders.authorization = encodeBasicAuth(this.connection.identity, password);
    const tlsOptions =
      securityProfile >= SecurityProfile.TLS_BASIC_AUTH
        ? buildClientTlsOptions(securityProfile, tls)
        : tls
          ? { ...tls }
          : {};
    const ws = new WebSocket(url, [...protocols], {
      perMessageDeflate: false,
      handshakeTimeout: handshakeTimeoutMs,
      maxPayload: maxPayloadBytes,
      ...tlsOptions,
      ...wsOpts,
      headers: { ...requestHeaders, ...wsOpts.headers },
    });

    // Made at once: it holds the socket's events (errors included) until the engine listens.
    const transport = new NodeTransport(ws);

    return new Promise<OpenedTransport>((resolve, reject) => {
      let response: IncomingMessage | undefined;
      const cleanup = () => {
        signal.removeEventListener("abort", onAbort);
        ws.removeListener("unexpected-response", onUnexpectedResponse);
        ws.removeListener("upgrade", onUpgrade);
        ws.removeListener("error", fail);
        ws.removeListener("open", onOpen);
      };
      function fail(err: Error) {
        cleanup();
        // The transport keeps listening for the socket's late errors.
        transport.terminate();
        reject(err);
      }
      const onAbort = () => fail(new ConnectionClosedError("Connection aborted", 1001));
      signal.addEventListener("abort", onAbort, { once: true });
      const onUnexpectedResponse = (request: ClientRequest, res: IncomingMessage) => {
        const err = new UnexpectedHttpResponse(res.statusCode ?? 0, res.statusMessage);
        err.request = request;
        err.response = res;
        res.resume();
        fail(err);
      };
      const onUpgrade = (res: IncomingMessage) => {
        response = res;
        if (backpressure) transport.enableBackpressure(res.socket, backpressure);
      };
      const onOpen = () => {
        cleanup();
        resolve({ transport, response });
      };
      ws.once("unexpected-response", onUnexpectedResponse);
      ws.once("upgrade", onUpgrade);
      ws.once("error", fail);
      ws.once("open", onOpen);
    });
  }
}

function resolveNodeOptions(
  options: Partial<ClientOptions<string>>,
  endpoint: string,
): NodeConnectionOptions {
  const {
    password,
    tls,
    headers = {},
    handshakeTimeoutMs = 30_000,
    maxPayloadBytes = 10 * 1024 * 1024,
    wsOpts = {},
    backpressure = {},
  } = options;
  checkNumber("handshakeTimeoutMs", handshakeTimeoutMs, 1);
  checkNumber("maxPayloadBytes", maxPayloadBytes, 1, true);
  if (typeof headers !== "object" || headers === null)
    throw new TypeError("option 'headers' must be an object");
  let securityProfile = options.securityProfile;
  if (securityProfile === undefined) {
    // No declared profile (ocpp-rpc style): take the one the options describe, without checks.
    const secure = /^(wss|https):/i.test(endpoint);
    securityProfile = secure
      ? tls?.cert
        ? SecurityProfile.TLS_CLIENT_CERT
        : password !== undefined
          ? SecurityProfile.TLS_BASIC_AUTH
          : SecurityProfile.NONE
      : password !== undefined
        ? SecurityProfile.BASIC_AUTH
        : SecurityProfile.NONE;
  } else {
    checkClientSecurity({ securityProfile, endpoint, password, tls });
  }
  return {
    securityProfile,
    password,
    tls,
    headers,
    handshakeTimeoutMs,
    maxPayloadBytes,
    backpressure: resolveBackpressure(backpressure),
    wsOpts,
  };
}
