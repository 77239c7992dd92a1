import type { RPCError } from "../protocol/errors.js";
import type { OCPPMessage } from "../protocol/frame.js";
import type { RawFrame } from "../transport/transport.js";
import type { Validator } from "../validation/index.js";

/** Symbol a handler returns (or passes to `reply()`) to send no answer at all. */
export const NOREPLY: unique symbol = Symbol.for("ocpp-ws-io.NOREPLY");
export type NOREPLY = typeof NOREPLY;

/** Connection states, with the numbers of the WebSocket readyState they mirror. */
export const ConnectionState = {
  CONNECTING: 0,
  OPEN: 1,
  CLOSING: 2,
  CLOSED: 3,
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** The state names, by ConnectionState, for messages. */
export const STATE_NAMES = ["connecting", "open", "closing", "closed"] as const;

/** Options of the RPC engine, shared by every client class (and inherited from a server). */
export interface RpcOptions {
  /** Default timeout of an outbound call. Default 30000; 0 or Infinity: no timeout. */
  callTimeoutMs: number;
  /** Outbound calls in flight at once; more wait in order. Default 1 (OCPP-J §4.1.1). */
  callConcurrency: number;
  /** Bad messages in a row tolerated before closing with 1002. Default Infinity. */
  maxBadMessages: number;
  /** Put the error's message, stack and properties into CALLERROR details. Default false. */
  respondWithDetailedErrors: boolean;
  /** Validate against schemas: true for every subprotocol, or a list of subprotocols. */
  strictMode: boolean | readonly string[];
  /** With strictMode, validate only these methods. */
  strictModeMethods?: readonly string[];
  /**
   * Report strict-mode failures through 'strictValidationFailure' without refusing the
   * message: true for every subprotocol, or a list. For stations whose payloads are
   * slightly off. Default false.
   */
  lenientValidation?: boolean | readonly string[];
  /** Validators for custom subprotocols, or to replace a built-in one. */
  strictModeValidators?: readonly Validator[];
  /** WebSocket ping interval (±25% jitter); 0 disables pings. Default 30000. */
  pingIntervalMs: number;
  /** Postpone the next ping while frames are arriving. Default false. */
  deferPingsOnActivity: boolean;
  /**
   * Bound of each step of close(): waiting for calls in flight, then waiting for the peer's
   * close frame; past it, pending calls are given up and the socket terminated. Default 5000.
   */
  closeTimeoutMs: number;
  /**
   * For this long after a connection opens, a CALL whose method has no handler yet waits for
   * one (at most 100 at once) instead of being answered NotImplemented. Default 1000; 0: off.
   */
  handlerGraceMs: number;
}

export interface CallOptions {
  /** Timeout for this call (overrides callTimeoutMs). */
  timeoutMs?: number;
  /** Alias of timeoutMs (ocpp-rpc's name). */
  callTimeoutMs?: number;
  /** Aborts the call: it rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Send and resolve at once with undefined; an answer that arrives anyway is ignored. */
  noReply?: boolean;
  /**
   * Attempts after the first when it times out or the connection drops (never after a
   * CALLERROR); each reuses the first attempt's message id. Default 0.
   */
  retries?: number;
  /** Wait before the first retry (ms), doubled for each further one. Default 1000. */
  retryDelayMs?: number;
  /**
   * The message id to send the call under (at most 36 characters, unique among this
   * connection's calls in flight), so a receiver can recognise a replayed call.
   */
  idempotencyKey?: string;
}

export interface CloseOptions {
  /** WebSocket close code. Default 1000. */
  code?: number;
  /** Close reason (at most 123 bytes of UTF-8). Default "". */
  reason?: string;
  /**
   * Wait for in-flight calls both ways to settle (at most closeTimeoutMs) before closing.
   * Default true (seed 002); false rejects outbound calls at once and aborts inbound handlers' signals.
   */
  awaitPending?: boolean;
  /** Terminate at once, without a closing handshake. Default false. */
  force?: boolean;
}

export interface CloseResult {
  code: number;
  reason: string;
}

/** What a handler receives. */
export interface HandlerContext<P = unknown, R = unknown> {
  /** The method (OCPP action) called. */
  readonly method: string;
  /** The call's payload. */
  readonly params: P;
  /** The OCPP-J message id of the call. */
  readonly messageId: string;
  /** The negotiated subprotocol. */
  readonly protocol: string | undefined;
  /** Aborted when the connection drops: the answer can no longer be delivered. */
  readonly signal: AbortSignal;
  /** Answers the call (once; later answers are ignored): a value, an Error, a Promise or NOREPLY. */
  // A method (bivariant, so a typed context fits a plain HandlerContext annotation) that needs
  // no `this`: destructuring `({ reply })` is safe.
  reply(this: void, response: R | NOREPLY | Error | PromiseLike<R | NOREPLY>): void;
}

export type HandlerResult<R> = R | NOREPLY | PromiseLike<R | NOREPLY> | void | PromiseLike<void>;

export type CallHandler<P = unknown, R = unknown> = (
  context: HandlerContext<P, R>,
) => HandlerResult<R>;

/** Handles every method without a handler of its own. */
export type WildcardHandler = (
  method: string,
  context: HandlerContext<unknown, unknown>,
) => HandlerResult<unknown>;

export interface MessageEvent {
  /** The frame's text (for a binary frame, its bytes as received). */
  message: string;
  outbound: boolean;
}

export interface CallEvent {
  outbound: boolean;
  messageId: string;
  method: string;
  params: unknown;
  payload: OCPPMessage;
}

export interface CallResultEvent {
  outbound: boolean;
  messageId: string;
  method: string;
  params: unknown;
  result: unknown;
  /**
   * Milliseconds from the CALL's writing (outbound) or its handler's start (inbound) to this
   * outcome; set when the connection had a callResult, callError or callTimeout listener as
   * the call began.
   */
  durationMs?: number;
}

export interface CallErrorEvent {
  outbound: boolean;
  messageId: string;
  method: string;
  params: unknown;
  error: RPCError;
  /**
   * Milliseconds from the CALL's writing (outbound) or its handler's start (inbound) to this
   * outcome; set when the connection had a callResult, callError or callTimeout listener as
   * the call began.
   */
  durationMs?: number;
}

/** One of our calls got no answer within its timeout (it rejects with TimeoutError). */
export interface CallTimeoutEvent {
  messageId: string;
  method: string;
  params: unknown;
  timeoutMs: number;
  /**
   * Milliseconds from the CALL's writing (outbound) or its handler's start (inbound) to this
   * outcome; set when the connection had a callResult, callError or callTimeout listener as
   * the call began.
   */
  durationMs?: number;
}

export interface ResponseEvent {
  outbound: boolean;
  payload: OCPPMessage;
}

export interface BadMessageEvent {
  /** The frame's text. */
  message: string;
  /** The raw frame as received (a Buffer in Node). */
  buffer: RawFrame;
  /** Why it is bad. */
  error: RPCError;
  /** The CALLERROR sent back, or null when none was owed. */
  response: OCPPMessage | null;
}

export interface StrictValidationFailureEvent {
  error: RPCError;
  /** The message that failed, as an OCPP-J array (a CALL, or the CALLRESULT). */
  message: OCPPMessage;
  messageId: string;
  method: string;
  params: unknown;
  /** The invalid result, when a CALLRESULT failed validation; else null. */
  result: unknown;
  /** True when the invalid message originated locally. */
  outbound: boolean;
  /** True for a CALL, false for a CALLRESULT. */
  isCall: boolean;
}

export interface CallResultErrorEvent {
  messageId: string;
  errorCode: string;
  errorDescription: string;
  errorDetails: Record<string, unknown>;
  /** The call whose result the peer rejected, when it is still known. */
  method?: string;
}

export interface SendEvent {
  outbound: boolean;
  messageId: string;
  method: string;
  params: unknown;
}

export interface OpenEvent {
  /** The HTTP response to the upgrade request (Node client only). */
  response?: unknown;
}

export interface ConnectingEvent {
  url: string;
  protocols: readonly string[];
}

export interface ReconnectEvent {
  attempt: number;
  delay: number;
}

/** Events of every client class. */
export interface ClientEvents {
  open: [event: OpenEvent];
  close: [event: CloseResult];
  closing: [];
  disconnect: [event: CloseResult];
  connecting: [event: ConnectingEvent];
  reconnect: [event: ReconnectEvent];
  protocol: [protocol: string];
  message: [event: MessageEvent];
  call: [event: CallEvent];
  callResult: [event: CallResultEvent];
  callError: [event: CallErrorEvent];
  callResultError: [event: CallResultErrorEvent];
  callTimeout: [event: CallTimeoutEvent];
  send: [event: SendEvent];
  response: [event: ResponseEvent];
  badMessage: [event: BadMessageEvent];
  strictValidationFailure: [event: StrictValidationFailureEvent];
  ping: [event: { timestamp: number }];
  pong: [event: { rtt: number }];
  socketError: [error: Error];
  error: [error: Error];
}
