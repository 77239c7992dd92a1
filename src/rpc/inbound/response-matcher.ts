import { durationSince } from "../call-timing.js";
import {
  createRPCError,
  RPCFrameworkError,
  type RPCError,
  type RPCErrorDetails,
} from "../../protocol/errors.js";
import {
  encodeCallError,
  type OCPPCallError,
  type OCPPCallResult,
  type OCPPCallResultError,
  type OCPPMessage,
} from "../../protocol/frame.js";
import { MessageType } from "../../protocol/message-type.js";
import { wireErrorCode } from "../../protocol/version.js";
import type { RawFrame } from "../../transport/transport.js";
import type { EngineCore } from "../engine-core.js";
import type { PendingCall } from "../pending-call.js";
import { refuseInvalid, validate } from "../strict-gate.js";
import { onBadMessage } from "./bad-message.js";

/** A CALLRESULT: settles the call it answers (after strict mode's check of the result). */
export function onCallResult(
  engine: EngineCore,
  buffer: RawFrame,
  text: string,
  message: OCPPCallResult,
): void {
  const call = takeAnsweredCall(engine, buffer, text, message, "CALLRESULT");
  if (!call) return;
  const id = message[1];
  const result = message[2];
  const invalid = validate(engine, call.method, "response", result);
  if (
    invalid &&
    refuseInvalid(engine, invalid, id, call.method, call.params, result, false, false)
  ) {
    if (engine.family === "2.1" && engine.transport?.writable) {
      // 2.1 Part 4 §4.2.3: a CALLRESULT that cannot be processed is answered with CALLRESULTERROR.
      engine.sendFrame(
        encodeCallError(
          id,
          wireErrorCode(invalid.rpcErrorCode, engine.family),
          invalid.message,
          invalid.details,
          MessageType.CALLRESULTERROR,
        ),
      );
    }
    rejectCall(engine, call, id, invalid);
    return;
  }
  if (engine.observed("callResult")) {
    engine.emit("callResult", {
      outbound: true,
      messageId: id,
      method: call.method,
      params: call.params,
      result,
      durationMs: durationSince(call.sentAt),
    });
  }
  call.resolve(result);
}

/** A CALLERROR: rejects the call it answers with the matching RPCError class. */
export function onCallError(
  engine: EngineCore,
  buffer: RawFrame,
  text: string,
  message: OCPPCallError,
): void {
  const call = takeAnsweredCall(engine, buffer, text, message, "CALLERROR");
  if (!call) return;
  const id = message[1];
  const error = receivedRPCError(message[2], message[3], message[4]);
  rejectCall(engine, call, id, error);
}

/** Rejects an outbound call with `error`, told through 'callError' first. */
function rejectCall(engine: EngineCore, call: PendingCall, id: string, error: RPCError): void {
  if (engine.observed("callError")) {
    engine.emit("callError", {
      outbound: true,
      messageId: id,
      method: call.method,
      params: call.params,
      error,
      durationMs: durationSince(call.sentAt),
    });
  }
  call.reject(error);
}

/** An OCPP 2.1 CALLRESULTERROR: the peer could not process our CALLRESULT; reported only. */
export function onCallResultError(engine: EngineCore, message: OCPPCallResultError): void {
  engine.badMessages = 0;
  emitResponse(engine, message);
  engine.emit("callResultError", {
    messageId: message[1],
    errorCode: message[2],
    errorDescription: message[3],
    errorDetails: message[4],
  });
}

/**
 * The pending call a CALLRESULT/CALLERROR answers, settled (timer, slot) and reported as a
 * 'response'; undefined, after reporting the frame, when no call waits for that id.
 */
function takeAnsweredCall(
  engine: EngineCore,
  buffer: RawFrame,
  text: string,
  message: OCPPCallResult | OCPPCallError,
  kind: string,
): PendingCall | undefined {
  const call = engine.outbound.get(message[1]);
  if (!call) {
    onUnmatchedResponse(engine, buffer, text, message, kind);
    return undefined;
  }
  engine.badMessages = 0;
  emitResponse(engine, message);
  engine.outbound.settle(call);
  return call;
}

function onUnmatchedResponse(
  engine: EngineCore,
  buffer: RawFrame,
  text: string,
  message: OCPPMessage,
  kind: string,
): void {
  if (engine.outbound.takeAbandoned(message[1])) {
    // The late answer to a call that timed out or was aborted: expected, not malformed.
    emitResponse(engine, message);
    return;
  }
  onBadMessage(
    engine,
    buffer,
    text,
    new RPCFrameworkError(`Received ${kind} for unknown message id: ${message[1]}`),
    message[1],
    false,
    undefined,
  );
}

function emitResponse(engine: EngineCore, payload: OCPPMessage): void {
  if (engine.listenerCount("response")) engine.emit("response", { outbound: false, payload });
}

/**
 * The error for a CALLERROR received from the peer: as createRPCError builds it, but an
 * unknown code stays visible in `rpcErrorCode` (of an RPCGenericError) rather than hidden.
 */
function receivedRPCError(code: string, message: string, details: RPCErrorDetails): RPCError {
  const err = createRPCError(code, message, details);
  if (err.rpcErrorCode !== code) {
    Object.defineProperty(err, "rpcErrorCode", { value: code, enumerable: true });
  }
  return err;
}
