import {
  RPCError,
  RPCFormatViolationError,
  RPCFrameworkError,
  RPCMessageTypeNotSupportedError,
  type RPCErrorDetails,
} from "./errors.js";
import { MAX_MESSAGE_ID_LENGTH } from "./message-id.js";
import { MessageType } from "./message-type.js";
import type { ProtocolFamily } from "./version.js";

export type OCPPCall<P = unknown> = [typeof MessageType.CALL, string, string, P];
export type OCPPCallResult<R = unknown> = [typeof MessageType.CALLRESULT, string, R];
export type OCPPCallError = [typeof MessageType.CALLERROR, string, string, string, RPCErrorDetails];
export type OCPPCallResultError = [
  typeof MessageType.CALLRESULTERROR,
  string,
  string,
  string,
  RPCErrorDetails,
];
export type OCPPSend<P = unknown> = [typeof MessageType.SEND, string, string, P];
export type OCPPMessage =
  OCPPCall | OCPPCallResult | OCPPCallError | OCPPCallResultError | OCPPSend;

/** The message id put in a CALLERROR when the offending message's id cannot be read (2.x Part 4 §4.2.3). */
export const UNREADABLE_MESSAGE_ID = "-1";

/** The longest errorDescription allowed on the wire (CALLERROR `string[255]`). */
export const MAX_ERROR_DESCRIPTION_LENGTH = 255;

/**
 * The outcome of decoding one text frame. A bad frame says why (`error`), which id to answer
 * with, and whether an answer is owed at all: never to a response, never to a SEND, and
 * never to an unknown message type under OCPP 1.6 or 2.1 (which say "ignore").
 */
export type DecodeResult =
  | { readonly ok: true; readonly message: OCPPMessage }
  | {
      readonly ok: false;
      readonly error: RPCError;
      /** The id to answer with: the message's own when readable, else "-1". */
      readonly messageId: string;
      /** The readable id of a malformed response, so a waiting call can be failed. */
      readonly responseId?: string;
      /** True when a CALLERROR must be sent back. */
      readonly respond: boolean;
    };

function bad(error: RPCError, messageId: string, respond: boolean, responseId?: string) {
  return { ok: false, error, messageId, respond, responseId } as const;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Decodes one OCPP-J text frame. Pure and synchronous; never throws. Checks run in a fixed
 * order: JSON, array, message type, message id, then the shape of that message type.
 *
 * `family` decides the version-specific rules: which message types exist (5 and 6 only in
 * 2.1), what happens to unknown ones (1.6 §4.1.3 and 2.1 §4.1.3 ignore them; 2.0.1 §4.4
 * answers MessageTypeNotSupported, as do unknown subprotocols), and whether a payload must be
 * a JSON object (the OCPP versions require it; custom subprotocols may send any JSON value).
 */
export function decodeFrame(text: string, family: ProtocolFamily): DecodeResult {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    // Not JSON: nothing can be read from it, so answer with id "-1" (Part 4 §4.2.3).
    return bad(new RPCFrameworkError("Message is not valid JSON"), UNREADABLE_MESSAGE_ID, true);
  }
  if (!Array.isArray(payload)) {
    return bad(new RPCFrameworkError("Message must be a JSON array"), UNREADABLE_MESSAGE_ID, true);
  }

  const type: unknown = payload[0];
  const rawId: unknown = payload[1];
  const idReadable = typeof rawId === "string" && rawId.length <= MAX_MESSAGE_ID_LENGTH;
  const answerId = idReadable ? rawId : UNREADABLE_MESSAGE_ID;

  if (typeof type !== "number") {
    return bad(new RPCFrameworkError("MessageTypeId must be a number"), answerId, true);
  }

  const isResponse =
    type === MessageType.CALLRESULT ||
    type === MessageType.CALLERROR ||
    (type === MessageType.CALLRESULTERROR && family === "2.1");
  const isSend = type === MessageType.SEND && family === "2.1";
  const isKnown = type === MessageType.CALL || isResponse || isSend;

  if (!isKnown) {
    const error = new RPCMessageTypeNotSupportedError(`Unsupported message type: ${type}`);
    const respond = family === "2.0.1" || family === "other";
    return bad(error, answerId, respond);
  }

  if (typeof rawId !== "string") {
    return bad(
      new RPCFrameworkError("MessageId must be a string"),
      UNREADABLE_MESSAGE_ID,
      !isResponse && !isSend,
    );
  }
  if (rawId.length > MAX_MESSAGE_ID_LENGTH) {
    // J16 §4.2.3: "unique identifier too long" is a CALLERROR case. Echoing a too-long id
    // would break the 36-character rule ourselves, so the answer carries "-1".
    return bad(
      new RPCFrameworkError(`MessageId longer than ${MAX_MESSAGE_ID_LENGTH} characters`),
      UNREADABLE_MESSAGE_ID,
      !isResponse && !isSend,
    );
  }
  const id = rawId;

  switch (type) {
    case MessageType.CALL:
    case MessageType.SEND: {
      const respond = type === MessageType.CALL;
      if (payload.length !== 4) {
        return bad(
          new RPCFrameworkError(`${type === 2 ? "CALL" : "SEND"} must have 4 elements`),
          id,
          respond,
        );
      }
      const action: unknown = payload[2];
      if (typeof action !== "string" || action.length === 0) {
        return bad(new RPCFrameworkError("Action must be a non-empty string"), id, respond);
      }
      if (family !== "other" && !isPlainObject(payload[3])) {
        return bad(new RPCFormatViolationError("Payload must be a JSON object"), id, respond);
      }
      return { ok: true, message: payload as OCPPCall | OCPPSend };
    }
    case MessageType.CALLRESULT: {
      if (payload.length !== 3) {
        return bad(new RPCFrameworkError("CALLRESULT must have 3 elements"), id, false, id);
      }
      if (family !== "other" && !isPlainObject(payload[2])) {
        return bad(new RPCFormatViolationError("Payload must be a JSON object"), id, false, id);
      }
      return { ok: true, message: payload as OCPPCallResult };
    }
    default: {
      // CALLERROR, or CALLRESULTERROR under 2.1: [type, id, code, description, details]
      const name = type === MessageType.CALLERROR ? "CALLERROR" : "CALLRESULTERROR";
      if (payload.length !== 5) {
        return bad(new RPCFrameworkError(`${name} must have 5 elements`), id, false, id);
      }
      if (typeof payload[2] !== "string" || typeof payload[3] !== "string") {
        return bad(
          new RPCFrameworkError(`${name} errorCode and errorDescription must be strings`),
          id,
          false,
          id,
        );
      }
      if (!isPlainObject(payload[4])) {
        return bad(new RPCFrameworkError(`${name} errorDetails must be an object`), id, false, id);
      }
      return { ok: true, message: payload as OCPPCallError | OCPPCallResultError };
    }
  }
}

/** Encodes a CALL (or, with `type` 6, a SEND). */
export function encodeCall(
  messageId: string,
  method: string,
  params: unknown,
  type: typeof MessageType.CALL | typeof MessageType.SEND = MessageType.CALL,
): string {
  return JSON.stringify([type, messageId, method, params]);
}

export function encodeCallResult(messageId: string, result: unknown): string {
  return JSON.stringify([MessageType.CALLRESULT, messageId, result]);
}

/**
 * Encodes a CALLERROR or CALLRESULTERROR: the description is cut to 255 characters and
 * absent details become `{}` (J16 §4.2.3, Part 4 Table 7).
 */
export function encodeCallError(
  messageId: string,
  errorCode: string,
  description: string,
  details: RPCErrorDetails | undefined,
  type: typeof MessageType.CALLERROR | typeof MessageType.CALLRESULTERROR = MessageType.CALLERROR,
): string {
  const text = truncateDescription(description);
  try {
    return JSON.stringify([type, messageId, errorCode, text, details ?? {}]);
  } catch {
    // Details that cannot be serialised (cycles, BigInt) must not cost the peer its answer.
    return JSON.stringify([type, messageId, errorCode, text, {}]);
  }
}

function truncateDescription(description: string): string {
  if (description.length <= MAX_ERROR_DESCRIPTION_LENGTH) return description;
  let end = MAX_ERROR_DESCRIPTION_LENGTH;
  // Don't split a surrogate pair: a lone high surrogate is not valid UTF-8 on the wire.
  const last = description.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return description.slice(0, end);
}
