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
import { resolveCompression, type DeflateSettings } from "../transport/compression.js";
import { NodeTransport } from "../transport/node-transport.js";
import type { ClientOptions } from "./ocpp-client.js";
import type { Connector, OpenedTransport } from "./reconnector.js";

export interface NodeConnectionOptions {
  securityProfile: SecurityProfile;
  password: string | Buffer | undefined;
  tls: TLSOptions | undefined;
  headers: Record<string, string>;
  handshakeTimeoutMs: number;
  maxPayloadBytes: number;
  backpressure: Readonly<BackpressureOptions> | false;
  compression: DeflateSettings | false;
  wsOpts: WebSocket.ClientOptions;
}

/** Opens connections to the CSMS with `ws`: headers, Basic auth and TLS per security profile. */
export class NodeConnector implements Connector {
  /** Set by OCPPClient once its options are checked. */
  node!: NodeConnectionOptions;
  identity = "";

  open(url: string, protocols: readonly string[], signal: AbortSignal): Promise<OpenedTransport> {
    const {
      password,
      headers,
      handshakeTimeoutMs,
      maxPayloadBytes,
      wsOpts,
      securityProfile,
      tls,
      backpressure,
      compression,
    } = this.node;
    const requestHeaders: Record<string, string> = { "user-agent": getPackageIdent(), ...headers };
    if (password !== undefined)
      requestHeaders.authorization = encodeBasicAuth(this.identity, password);
    const tlsOptions =
      securityProfile >= SecurityProfile.TLS_BASIC_AUTH
        ? buildClientTlsOptions(securityProfile, tls)
        : tls
          ? { ...tls }
          : {};
    const ws = new WebSocket(url, [...protocols], {
      perMessageDeflate: compression ? { ...compression } : false,
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

export function resolveNodeOptions(
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
    compression,
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
    compression: resolveCompression(compression),
    wsOpts,
  };
}
