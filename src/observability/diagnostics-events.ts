import type { RPCError } from "../protocol/errors.js";
import type { SecurityEventType } from "../server/security-event.js";

/**
 * The `node:diagnostics_channel` names the library publishes on (see the README,
 * "Diagnostics channels"). Each carries the payload type of the same name below.
 */
export const DIAGNOSTICS_CHANNELS = Object.freeze({
  connectionOpen: "ocpp-ws-io:connection:open",
  connectionClose: "ocpp-ws-io:connection:close",
  handshakeRefused: "ocpp-ws-io:handshake:refused",
  message: "ocpp-ws-io:message",
  badMessage: "ocpp-ws-io:bad-message",
  /** A tracing channel: `tracing:ocpp-ws-io:call:start` (…:end, :asyncStart, :asyncEnd, :error). */
  call: "ocpp-ws-io:call",
});

/** Which end of the connection published: a station (OCPPClient) or the CSMS (OCPPServerClient). */
export type DiagnosticsSide = "station" | "csms";

/** `ocpp-ws-io:connection:open`: a connection is open (after each reconnect too). */
export interface ConnectionOpenDiagnostic {
  side: DiagnosticsSide;
  identity: string;
  protocol: string | undefined;
}

/** `ocpp-ws-io:connection:close`: a connection has closed. */
export interface ConnectionCloseDiagnostic extends ConnectionOpenDiagnostic {
  code: number;
  reason: string;
}

/** `ocpp-ws-io:handshake:refused`: the server refused or dropped an upgrade. No credentials. */
export interface HandshakeRefusedDiagnostic {
  type: SecurityEventType;
  identity: string | undefined;
  remoteAddress: string | undefined;
  reason: string;
  /** The HTTP status sent, when one was. */
  status: number | undefined;
}

/** `ocpp-ws-io:message`: one frame, received ("in") or written ("out"). */
export interface MessageDiagnostic extends ConnectionOpenDiagnostic {
  direction: "in" | "out";
  /** The frame's text. */
  message: string;
}

/** `ocpp-ws-io:bad-message`: a received frame that is not a usable message. */
export interface BadMessageDiagnostic extends ConnectionOpenDiagnostic {
  message: string;
  error: RPCError;
  /** The OCPP-J error code of `error` (as the CALLERROR answering it spells it, if one is owed). */
  errorCode: string;
}

/**
 * The context of one CALL on the `ocpp-ws-io:call` tracing channel, the same object from
 * `start` to `asyncEnd`. Inbound ("in"): from the CALL's arrival around its handler until the
 * answer is written; outbound ("out"): from the CALL's writing until its answer, timeout or
 * the connection's close. `end` follows `start` at once (nothing runs synchronously in
 * between that a tool could time); `error` (when it failed) then `asyncStart` and `asyncEnd`
 * come when it settles.
 */
export interface CallDiagnostic extends ConnectionOpenDiagnostic {
  direction: "in" | "out";
  method: string;
  messageId: string;
  params: unknown;
  /** performance.now() at start. */
  startTime: number;
  /** Set at settlement: milliseconds from start. */
  durationMs?: number;
  /** Set when it succeeded. */
  result?: unknown;
  /** Set when it failed: the RPCError, TimeoutError or ConnectionClosedError. */
  error?: Error;
  /** With `error`: the OCPP-J error code, or ERR_CALL_TIMEOUT / ERR_CONNECTION_CLOSED. */
  errorCode?: string;
}
