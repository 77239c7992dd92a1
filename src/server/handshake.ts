import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { WebsocketUpgradeError } from "../protocol/errors.js";
import {
  describePeerCertificate,
  parseBasicAuthPassword,
  type ClientCertificateInfo,
} from "../security/index.js";
import type { SecurityProfile } from "../security/index.js";

/** What the server learnt from a station's upgrade request (auth()'s and `client.handshake`). */
export interface HandshakeInfo {
  /** The station identity: the last path segment, percent-decoded. */
  identity: string;
  /** The URL's path, identity included, as sent (e.g. "/ocpp/CP001"). */
  pathname: string;
  /** The path before the identity ("/" when none). */
  endpoint: string;
  /** The URL's query parameters. */
  query: URLSearchParams;
  /** The HTTP headers of the upgrade request. */
  headers: IncomingHttpHeaders;
  /** The peer's IP address. */
  remoteAddress: string | undefined;
  /** The subprotocols the station offered. */
  protocols: Set<string>;
  /** The Basic-auth password, when the user name equals the identity (may be binary). */
  password: Buffer | undefined;
  /** The station's TLS client certificate (profile 3). */
  clientCertificate: ClientCertificateInfo | undefined;
  /** The security profile the server runs with. */
  securityProfile: SecurityProfile;
  /** The raw HTTP request. */
  request: IncomingMessage;
}

/** The handshake a server-side client keeps: the same fields and type as auth()'s. */
export type ClientHandshake = HandshakeInfo;

/**
 * The long-lived copy of a handshake, kept for the life of each connection: the request's
 * own objects are shared, not copied, and the query is parsed again from the URL on demand
 * rather than held.
 */
export class AcceptedHandshake implements HandshakeInfo {
  readonly identity: string;
  readonly pathname: string;
  readonly endpoint: string;
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string | undefined;
  readonly protocols: Set<string>;
  readonly password: Buffer | undefined;
  readonly clientCertificate: ClientCertificateInfo | undefined;
  readonly securityProfile: SecurityProfile;
  readonly request: IncomingMessage;

  constructor(handshake: HandshakeInfo) {
    this.identity = handshake.identity;
    this.pathname = handshake.pathname;
    this.endpoint = handshake.endpoint;
    this.headers = handshake.headers;
    this.remoteAddress = handshake.remoteAddress;
    this.protocols = handshake.protocols;
    this.password = handshake.password;
    this.clientCertificate = handshake.clientCertificate;
    this.securityProfile = handshake.securityProfile;
    this.request = handshake.request;
  }

  /** The URL's query parameters (parsed on each read). */
  get query(): URLSearchParams {
    return new URL(this.request.url ?? "/", "http://localhost").searchParams;
  }
}

/** The identity rule of OCPP 2.x (2.1 Part 4 §3.1.1): at most 48 characters, no colon. */
export const OCPP2_MAX_IDENTITY_LENGTH = 48;

/**
 * Reads the handshake from an upgrade request. Throws a WebsocketUpgradeError (with the
 * HTTP status to answer) when the URL carries no usable identity.
 */
export function parseHandshake(
  request: IncomingMessage,
  securityProfile: SecurityProfile,
  strictIdentities: boolean,
): HandshakeInfo {
  const url = new URL(request.url ?? "/", "http://localhost");
  const path = url.pathname;
  const slash = path.lastIndexOf("/");
  const rawIdentity = path.slice(slash + 1);
  let identity: string;
  try {
    identity = decodeURIComponent(rawIdentity);
  } catch {
    throw new WebsocketUpgradeError(400, "The identity in the URL is not valid percent-encoding");
  }
  if (identity.length === 0) {
    throw new WebsocketUpgradeError(404, "The URL has no station identity");
  }
  if (strictIdentities) {
    if (identity.length > OCPP2_MAX_IDENTITY_LENGTH) {
      throw new WebsocketUpgradeError(
        400,
        `Identity longer than ${OCPP2_MAX_IDENTITY_LENGTH} characters`,
      );
    }
    if (identity.includes(":")) {
      throw new WebsocketUpgradeError(400, "Identity must not contain ':'");
    }
  }
  const headers = request.headers;
  const tlsSocket = request.socket as Partial<TLSSocket>;
  const clientCertificate =
    typeof tlsSocket.getPeerCertificate === "function"
      ? describePeerCertificate(tlsSocket.getPeerCertificate(false))
      : undefined;
  return {
    identity,
    pathname: path,
    endpoint: path.slice(0, slash) || "/",
    query: url.searchParams,
    headers,
    remoteAddress: request.socket.remoteAddress,
    protocols: parseSubprotocols(headers["sec-websocket-protocol"]),
    password: parseBasicAuthPassword(headers.authorization, identity),
    clientCertificate,
    securityProfile,
    request,
  };
}

/** The Sec-WebSocket-Protocol header as a set of names (RFC 6455 §4.1: comma-separated tokens). */
export function parseSubprotocols(header: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!header) return out;
  for (const part of header.split(",")) {
    const name = part.trim();
    if (name) out.add(name);
  }
  return out;
}
