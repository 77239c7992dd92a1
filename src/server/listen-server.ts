import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { getPackageIdent } from "../package-ident.js";
import { buildServerTlsOptions, securityProfileRequirements } from "../security/index.js";
import { abortHandshake } from "./abort-handshake.js";
import type { ReportSecurityEvent } from "./security-event.js";
import type { ResolvedServerOptions } from "./server-options.js";

/** What the HTTP(S) server that listen() makes reports to the OCPPServer. */
export interface ListenServerHost {
  /** Answers a plain (non-upgrade) request, e.g. a health endpoint; false: it gets a 404. */
  answer(request: IncomingMessage, response: ServerResponse): boolean;
  securityEvent: ReportSecurityEvent;
  error(error: Error): void;
}

/** Made by listen(): the server, and whether it is the HTTPS one. */
export interface ListenServer {
  server: HttpServer;
  tls: HttpsServer | undefined;
}

/**
 * Makes the HTTP server (HTTPS for profiles 2 and 3) that listen() starts. Every phase before
 * the upgrade handler runs is bounded by `handshakeTimeoutMs` (that handler bounds the
 * rest): the TLS handshake (tls `handshakeTimeout`) and the request head (`headersTimeout`,
 * `requestTimeout`, checked every `connectionsCheckingInterval`). A connection that runs
 * out of time, or sends what is not HTTP, is answered and reported as UPGRADE_ABORTED; a
 * failed TLS handshake as TLS_ERROR. Both carry the peer's address, read when the TCP
 * connection arrived (a failed TLS socket may no longer know it).
 */
export function createListenServer(
  options: Readonly<ResolvedServerOptions>,
  host: ListenServerHost,
  onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void,
): ListenServer {
  const timeoutMs = options.handshakeTimeoutMs;
  const httpOptions = {
    noDelay: true,
    ...headerPhaseLimits(timeoutMs),
    // Node checks the limits on this period: keep it a fraction of the limit.
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(timeoutMs / 4))),
  };
  const addresses = new WeakMap<object, string | undefined>();
  const addressOf = (socket: object) =>
    (socket as Partial<Socket>).remoteAddress ??
    addresses.get(socket) ??
    addresses.get((socket as TlsSocketParent)._parent ?? socket);

  const answerRequest = (request: IncomingMessage, response: ServerResponse) => {
    response.setHeader("Server", getPackageIdent());
    if (host.answer(request, response)) return;
    response.statusCode = 404;
    response.end();
  };
  let tls: HttpsServer | undefined;
  let server: HttpServer;
  if (securityProfileRequirements(options.securityProfile).usesTls) {
    tls = createHttpsServer(
      {
        ...buildServerTlsOptions(options.securityProfile, options.tls!),
        ...httpOptions,
        handshakeTimeout: timeoutMs,
      },
      answerRequest,
    );
    tls.on("tlsClientError", (err: Error, socket: Duplex) =>
      host.securityEvent("TLS_ERROR", undefined, addressOf(socket), err.message),
    );
    server = tls;
  } else {
    server = createHttpServer(httpOptions, answerRequest);
  }
  // Before anything can fail: the raw TCP socket still knows its peer here.
  server.on("connection", (socket: Socket) => addresses.set(socket, socket.remoteAddress));
  server.on("clientError", (err: Error & { code?: string }, socket: Duplex) => {
    const refusal = describeClientError(err, server.headersTimeout);
    if (!refusal) {
      socket.destroy();
      return;
    }
    host.securityEvent(
      "UPGRADE_ABORTED",
      undefined,
      addressOf(socket),
      refusal.reason,
      refusal.status,
    );
    abortHandshake(socket, refusal.status, refusal.reason);
  });
  server.on("upgrade", onUpgrade);
  server.on("error", (err) => host.error(err));
  return { server, tls };
}

/** The servers listen() made that are running. */
export interface RunningServers {
  http: ReadonlySet<HttpServer>;
  tls: ReadonlySet<HttpsServer>;
}

/**
 * Checks what reconfigure() would change on the running servers and returns the change, to
 * be applied once every other check passed too. Their security profile cannot change (an
 * HTTP server does not become HTTPS; requestCert is fixed when made); new `tls`
 * certificates and a new `handshakeTimeoutMs` for the request head can (the TLS handshake
 * limit is fixed when made).
 */
export function planListenReconfigure(
  running: RunningServers,
  previous: Readonly<ResolvedServerOptions>,
  next: Readonly<ResolvedServerOptions>,
  tlsGiven: unknown,
): () => void {
  if (next.securityProfile !== previous.securityProfile && running.http.size > 0) {
    throw new Error(
      "reconfigure(): option 'securityProfile' cannot change while servers made by listen() run; close() and listen() again",
    );
  }
  const context =
    tlsGiven !== undefined && running.tls.size > 0
      ? buildServerTlsOptions(next.securityProfile, next.tls!)
      : undefined;
  const limits =
    next.handshakeTimeoutMs !== previous.handshakeTimeoutMs
      ? headerPhaseLimits(next.handshakeTimeoutMs)
      : undefined;
  return () => {
    if (context) for (const server of running.tls) server.setSecureContext(context);
    if (limits) for (const server of running.http) Object.assign(server, limits);
  };
}

function headerPhaseLimits(timeoutMs: number) {
  // Node requires requestTimeout >= headersTimeout; the upgrade request has no body.
  return { headersTimeout: timeoutMs, requestTimeout: timeoutMs };
}

/** The server-side TLS socket's wrapped TCP socket (Node sets it; not in the typings). */
interface TlsSocketParent {
  _parent?: object;
}

/**
 * What to answer a connection the HTTP parser gave up on; undefined when the peer is gone
 * (a reset is not a refusal).
 */
function describeClientError(
  err: Error & { code?: string },
  timeoutMs: number,
): { status: number; reason: string } | undefined {
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return { status: 408, reason: `HTTP request not completed within ${timeoutMs} ms` };
  }
  if (err.code === "HPE_HEADER_OVERFLOW") {
    return { status: 431, reason: "Request header fields too large" };
  }
  if (err.code?.startsWith("HPE_"))
    return { status: 400, reason: `Malformed HTTP request: ${err.message}` };
  return undefined;
}
