import type { EventEmitter } from "../rpc/emitter.js";
import type {
  BadMessageEvent,
  ClientEvents,
  CloseResult,
  ReconnectEvent,
  StrictValidationFailureEvent,
} from "../rpc/types.js";
import type { SecurityEvent } from "../server/security-event.js";
import type { RateLimitExceededEvent } from "../traffic/rate-limit.js";
import type { Logger } from "./logger.js";

/** A connection whose life is logged: a station client or a server-side client. */
interface LoggedConnection extends EventEmitter<ClientEvents> {
  readonly logger: Logger;
  readonly protocol: string | undefined;
}

/** Longest text from the wire (reasons, identities) a line carries: a peer cannot make huge lines. */
const MAX_TEXT = 256;

function clip(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= MAX_TEXT) return text;
  return `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)`;
}

// Shared listeners called with the connection as `this` (the emitter's context argument):
// a server with 10,000 stations holds no closures per station for its log.

function onBadMessage(this: LoggedConnection, event: BadMessageEvent): void {
  this.logger.warn("bad message", {
    code: event.error.rpcErrorCode,
    error: clip(event.error.message),
    answered: event.response !== null,
  });
}

function onStrictFailure(this: LoggedConnection, event: StrictValidationFailureEvent): void {
  this.logger.warn("strict validation failure", {
    method: event.method,
    messageId: event.messageId,
    outbound: event.outbound,
    code: event.error.rpcErrorCode,
    error: clip(event.error.message),
  });
}

function onError(this: LoggedConnection, error: Error): void {
  this.logger.error("error", { err: error });
}

function closeLevel(code: number): "info" | "warn" {
  return code === 1000 || code === 1001 || code === 1005 ? "info" : "warn";
}

function onStationDisconnect(this: LoggedConnection, event: CloseResult): void {
  this.logger[closeLevel(event.code)]("disconnected", { code: event.code, reason: event.reason });
}

function onServerClientClose(this: LoggedConnection, event: CloseResult): void {
  this.logger[closeLevel(event.code)]("station disconnected", {
    code: event.code,
    reason: event.reason,
  });
}

/** The problems every connection logs: bad messages, strict-mode failures, application errors. */
function watchProblems(connection: LoggedConnection): void {
  connection.on("badMessage", onBadMessage, connection);
  connection.on("strictValidationFailure", onStrictFailure, connection);
  connection.on("error", onError, connection);
}

/** Logs a station client's life: connected, disconnected (with code), reconnecting, closed. */
export function logStationLifecycle(client: LoggedConnection): void {
  const logger = client.logger;
  if (!logger.enabled) return;
  client.on("open", () => logger.info("connected", { protocol: client.protocol }));
  client.on("disconnect", onStationDisconnect, client);
  client.on("reconnect", (event: ReconnectEvent) =>
    logger.info("reconnecting", { attempt: event.attempt, delayMs: event.delay }),
  );
  // 'disconnect' already told how the connection ended.
  client.on("close", () => logger.debug("closed"));
  watchProblems(client);
}

/** Logs a server-side client's life from its acceptance on. */
export function logServerClientLifecycle(
  client: LoggedConnection & { handshake: { remoteAddress: string | undefined } },
): void {
  if (!client.logger.enabled) return;
  client.logger.info("station connected", {
    protocol: client.protocol,
    remoteAddress: client.handshake.remoteAddress,
  });
  client.on("close", onServerClientClose, client);
  watchProblems(client);
}

/** The server events this log listens to. */
interface LoggedServer {
  readonly logger: Logger;
  on(event: "securityEvent", fn: (event: SecurityEvent) => void): unknown;
  on(event: "upgradeError", fn: (event: { error: Error }) => void): unknown;
  on(event: "rateLimitExceeded", fn: (event: RateLimitExceededEvent) => void): unknown;
  on(event: "error", fn: (error: Error) => void): unknown;
  on(event: "closing" | "close", fn: () => void): unknown;
}

/**
 * Logs a server's own events: refused handshakes and other security events, upgrade errors,
 * rate-limit breaches, application errors, closing. Each station logs through its client.
 */
export function logServerLifecycle(server: LoggedServer): void {
  const logger = server.logger;
  if (!logger.enabled) return;
  server.on("securityEvent", (event) =>
    logger.warn(event.status !== undefined ? "handshake refused" : "security event", {
      type: event.type,
      identity: clip(event.identity),
      remoteAddress: event.remoteAddress,
      status: event.status,
      reason: clip(event.reason),
    }),
  );
  server.on("upgradeError", (event) => logger.warn("upgrade failed", { err: event.error }));
  server.on("rateLimitExceeded", (event) =>
    logger[event.outcome === "disconnected" ? "warn" : "debug"]("rate limit exceeded", {
      identity: event.identity,
      method: event.method,
      outcome: event.outcome,
      retryAfterMs: event.retryAfterMs,
    }),
  );
  server.on("error", (error) => logger.error("error", { err: error }));
  server.on("closing", () => logger.info("closing"));
  server.on("close", () => logger.info("closed"));
}
