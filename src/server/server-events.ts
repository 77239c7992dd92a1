import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import type { WebsocketUpgradeError } from "../protocol/errors.js";
import type { RateLimitExceededEvent } from "../traffic/rate-limit.js";
import type { OCPPServerClient } from "./ocpp-server-client.js";
import type { SecurityEvent } from "./security-event.js";

// What OCPPServer emits, and the options of its listen().

export interface ListenOptions {
  /** Aborts listening (closes the HTTP server listen() created). */
  signal?: AbortSignal;
  /** Attach to this existing HTTP(S) server instead of creating one; it is not started. */
  server?: HttpServer;
}

export interface UpgradeAbortedEvent {
  error: WebsocketUpgradeError;
  socket: Duplex;
  request: IncomingMessage;
  /** The decoded identity, when the URL had one. */
  identity: string | undefined;
}

export interface UpgradeErrorEvent {
  error: Error;
  socket: Duplex;
  request: IncomingMessage;
}

export interface ServerEvents<P extends string = string> {
  client: [client: OCPPServerClient<P>];
  error: [error: Error];
  close: [];
  closing: [];
  upgradeAborted: [event: UpgradeAbortedEvent];
  upgradeError: [event: UpgradeErrorEvent];
  securityEvent: [event: SecurityEvent];
  /** A station went over `rateLimit` (see RateLimitExceededEvent.outcome for what was done). */
  rateLimitExceeded: [event: RateLimitExceededEvent];
  /** Reading from a station stopped: it does not read what it is sent (`backpressure`). */
  backpressure: [event: { identity: string }];
}
