import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { WebsocketUpgradeError } from "../protocol/errors.js";
import { prepareValidator } from "../rpc/strict-mode.js";
import type { RpcOptions } from "../rpc/types.js";
import { securityProfileRequirements } from "../security/index.js";
import { abortHandshake, retryAfterSeconds } from "./abort-handshake.js";
import type { ConnectionRateLimiter } from "./connection-rate-limit.js";
import type { CorsPolicy } from "./cors.js";
import type { SecurityEventType } from "./security-event.js";
import { createAuthContext, type AuthCallback, type AuthDecision } from "./auth-context.js";
import { parseHandshake, type HandshakeInfo } from "./handshake.js";
import type { ResolvedServerOptions } from "./server-options.js";

/** What the pipeline needs from the server that runs it. */
export interface UpgradeHost {
  /** The options in force now (reconfigure() may replace them between upgrades). */
  getOptions(): Readonly<ResolvedServerOptions>;
  /** Completes the WebSocket handshake with `protocol` (false: no Sec-WebSocket-Protocol). */
  acceptUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    protocol: string | false,
    onWebSocket: (ws: WebSocket) => void,
  ): void;
  getAuthCallback(): AuthCallback | undefined;
  getCors(): CorsPolicy | undefined;
  getRateLimiter(): ConnectionRateLimiter | undefined;
  isAccepting(): boolean;
  /** Refuses an authenticated station whose identity is already connected, if so configured. */
  checkDuplicate(identity: string): WebsocketUpgradeError | undefined;
  /** Tracks sockets mid-upgrade so close() can end them. */
  readonly upgrading: Set<Duplex>;
  onAccepted(ws: WebSocket, handshake: HandshakeInfo, session: unknown, options: RpcOptions): void;
  onAborted(
    error: WebsocketUpgradeError,
    type: SecurityEventType,
    socket: Duplex,
    request: IncomingMessage,
    identity: string | undefined,
  ): void;
  onUpgradeError(error: Error, socket: Duplex, request: IncomingMessage): void;
}

/**
 * The Retry-After of a closing server's 503. This process will not accept again, so the
 * figure is when a replacement (a restart, another node behind the balancer) is usually up.
 */
export const CLOSING_RETRY_AFTER_SECONDS = 10;

/**
 * One upgrade request through the steps: server open → request sane → handshake parsed →
 * credentials present for the profile → auth() (bounded by handshakeTimeoutMs, aborted if
 * the socket goes away) → subprotocol chosen → WebSocket accepted.
 */
export function runUpgrade(
  host: UpgradeHost,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const options = host.getOptions();
  let finished = false;
  let identity: string | undefined;
  // Made only when someone asks for the signal: most auth callbacks never do.
  let controller: AbortController | undefined;
  const getSignal = () => (controller ??= new AbortController()).signal;
  host.upgrading.add(socket);

  const cleanup = () => {
    finished = true;
    clearTimeout(timer);
    host.upgrading.delete(socket);
    socket.removeListener("close", onSocketGone);
    socket.removeListener("end", onSocketGone);
    socket.removeListener("error", onSocketError);
  };
  const abort = (error: WebsocketUpgradeError, type: SecurityEventType = "UPGRADE_ABORTED") => {
    if (finished) return;
    cleanup();
    controller?.abort(error);
    abortHandshake(socket, error.code, error.message, error.retryAfterSeconds);
    host.onAborted(error, type, socket, request, identity);
  };
  const onSocketGone = () =>
    abort(new WebsocketUpgradeError(400, "Client connection closed before the upgrade completed"));
  const onSocketError = (err: Error) =>
    abort(
      new WebsocketUpgradeError(400, `Socket error during the upgrade: ${err.message}`, {
        cause: err,
      }),
    );
  // HTTP server sockets allow half-open: a station that hangs up only shows as 'end'.
  socket.on("end", onSocketGone);
  socket.on("close", onSocketGone);
  socket.on("error", onSocketError);
  const timer = setTimeout(
    () =>
      abort(
        new WebsocketUpgradeError(
          408,
          `Handshake not completed within ${options.handshakeTimeoutMs} ms`,
        ),
      ),
    options.handshakeTimeoutMs,
  );

  if (!host.isAccepting()) {
    abort(
      new WebsocketUpgradeError(503, "Server is not accepting connections", {
        retryAfterSeconds: CLOSING_RETRY_AFTER_SECONDS,
      }),
    );
    return;
  }
  const waitMs = host.getRateLimiter()?.admit(request.socket.remoteAddress) ?? 0;
  if (waitMs > 0) {
    abort(
      new WebsocketUpgradeError(429, "Too many connection attempts", {
        retryAfterSeconds: retryAfterSeconds(waitMs),
      }),
      "CONNECTION_RATE_LIMIT",
    );
    return;
  }
  const refusal = host.getCors()?.check(request);
  if (refusal) {
    abort(new WebsocketUpgradeError(403, refusal.reason), refusal.type);
    return;
  }

  let handshake: HandshakeInfo;
  try {
    checkWebSocketRequest(request);
    handshake = parseHandshake(request, options.securityProfile, options.strictIdentities);
    identity = handshake.identity;
  } catch (err) {
    abort(err instanceof WebsocketUpgradeError ? err : new WebsocketUpgradeError(400, String(err)));
    return;
  }
  if (
    securityProfileRequirements(options.securityProfile).requiresPassword &&
    !handshake.password
  ) {
    // SWP A00.FR.202/302: profiles 1 and 2 need Basic-auth credentials naming the identity.
    abort(
      new WebsocketUpgradeError(401, "Basic authentication with the station identity is required"),
      "AUTH_FAILED",
    );
    return;
  }

  const decide = (decision: AuthDecision) => {
    if (finished) return;
    if (!decision.accepted) {
      const type =
        decision.status === 401 || decision.status === 403 ? "AUTH_FAILED" : "UPGRADE_ABORTED";
      abort(new WebsocketUpgradeError(decision.status, decision.message), type);
      return;
    }
    const duplicate = host.checkDuplicate(handshake.identity);
    if (duplicate) {
      abort(duplicate, "DUPLICATE_IDENTITY");
      return;
    }
    const protocol = chooseProtocol(options.protocols, handshake.protocols, decision.protocol);
    if (protocol === null) {
      abort(
        new WebsocketUpgradeError(
          400,
          `The client does not offer subprotocol '${decision.protocol}'`,
        ),
      );
      return;
    }
    const complete = () => {
      if (finished) return;
      cleanup();
      try {
        host.acceptUpgrade(request, socket, head, protocol ?? false, (ws) =>
          host.onAccepted(ws, handshake, decision.session, decision.options),
        );
      } catch (err) {
        host.onUpgradeError(err instanceof Error ? err : new Error(String(err)), socket, request);
        abortHandshake(socket, 500, "");
      }
    };
    // Strict mode's schemas load on first need, before the connection opens.
    const loading = prepareValidator(decision.options, protocol);
    if (loading) loading.then(complete, failAuth);
    else complete();
  };

  const ctx = createAuthContext(handshake, getSignal, options.rpc, decide);
  const auth = host.getAuthCallback();
  if (!auth) {
    ctx.accept();
    return;
  }
  try {
    // A callback that declares no 4th parameter cannot read it: skip making a signal for it.
    const signal = auth.length >= 4 ? getSignal() : (undefined as unknown as AbortSignal);
    const returned = auth(ctx, ctx.reject, handshake, signal);
    if (returned && typeof returned.then === "function") {
      returned.then(undefined, (err: unknown) => failAuth(err));
    }
  } catch (err) {
    failAuth(err);
  }

  function failAuth(err: unknown) {
    if (finished) return;
    const error = err instanceof Error ? err : new Error(String(err));
    host.onUpgradeError(error, socket, request);
    abort(new WebsocketUpgradeError(500, "Authentication failed", { cause: error }));
  }
}

/**
 * The subprotocol for the connection: the one accept() named (null if the client did not
 * offer it), else the first of the server's list that the client offers, else undefined.
 */
export function chooseProtocol(
  serverProtocols: readonly string[],
  offered: ReadonlySet<string>,
  requested: string | undefined,
): string | undefined | null {
  if (requested !== undefined) return offered.has(requested) ? requested : null;
  return serverProtocols.find((p) => offered.has(p));
}

/**
 * The refusal of a connection accepted without a subprotocol while one side lists some (the
 * station offered none of the server's, or none at all); undefined when that is fine.
 */
export function noCommonSubprotocol(
  accepted: string,
  handshake: HandshakeInfo,
  serverProtocols: readonly string[],
): WebsocketUpgradeError | undefined {
  if (accepted || (handshake.protocols.size === 0 && serverProtocols.length === 0)) return;
  const offered = [...handshake.protocols].join(", ") || "none";
  return new WebsocketUpgradeError(
    400,
    `No subprotocol in common: the client offered ${offered}; the server serves ${serverProtocols.join(", ") || "none"}`,
  );
}

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * The RFC 6455 §4.1 request checks, done before auth() so that no work is spent on a request
 * `ws` would refuse anyway (and so that the refusal is reported like every other).
 */
function checkWebSocketRequest(request: IncomingMessage): void {
  const { headers } = request;
  if (request.method !== "GET") throw new WebsocketUpgradeError(405, "Invalid HTTP method");
  if (headers.upgrade?.toLowerCase() !== "websocket") {
    throw new WebsocketUpgradeError(400, "Only WebSocket upgrades are supported");
  }
  const key = headers["sec-websocket-key"];
  if (key === undefined || !WEBSOCKET_KEY.test(key)) {
    throw new WebsocketUpgradeError(400, "Missing or invalid Sec-WebSocket-Key header");
  }
  const version = headers["sec-websocket-version"];
  if (version !== "13" && version !== "8") {
    throw new WebsocketUpgradeError(400, "Missing or invalid Sec-WebSocket-Version header");
  }
}
