import { durationSince } from "../call-timing.js";
import { RPCError, RPCInternalError } from "../../protocol/errors.js";
import { encodeCallError, encodeCallResult } from "../../protocol/frame.js";
import { MessageType } from "../../protocol/message-type.js";
import { wireErrorCode } from "../../protocol/version.js";
import { isError } from "../contain.js";
import type { EngineCore } from "../engine-core.js";
import { getErrorPlainObject } from "../error-details.js";
import type { InboundCall } from "../inbound-call.js";
import { refuseInvalid, validate } from "../strict-gate.js";
import { NOREPLY } from "../types.js";

/**
 * An inbound call's answer is known (value, Error or NOREPLY): put it on the wire. A call
 * abandoned with its connection is not answered; its answer is still made for a middleware
 * observing it (see InboundMessageContext.onAnswer).
 */
export function finishInbound(engine: EngineCore, call: InboundCall, value: unknown): void {
  const tracked = engine.inbound.get(call.messageId) === call;
  if (tracked) engine.inbound.delete(call.messageId);
  if (!call.abandoned || engine.answerObservers?.has(call.messageId)) answer(engine, call, value);
  // After the answer is written: a close() waiting for this call sends its close frame next.
  if (tracked) engine.checkIdle();
}

/**
 * Tells the middleware observing the CALL `id` its answer frame (undefined: none). A refusal
 * by middleware (`refusedBy`, its context) answers the observed CALL only if it is that one,
 * not another CALL with the same id.
 */
function observe(
  engine: EngineCore,
  id: string,
  text: string | undefined,
  refusedBy?: object,
): void {
  const observers = engine.answerObservers;
  if (observers === undefined) return;
  const observer = observers.get(id);
  if (observer === undefined || (refusedBy !== undefined && observer.owner !== refusedBy)) return;
  observers.delete(id);
  observer.listener(text);
}

function answer(engine: EngineCore, call: InboundCall, value: unknown): void {
  if (call.isSend) return;
  if (value === NOREPLY) {
    observe(engine, call.messageId, undefined);
    return;
  }
  if (isError(value)) {
    answerError(
      engine,
      call.messageId,
      call.method,
      call.params,
      value,
      call.abandoned,
      undefined,
      call.startedAt,
    );
    return;
  }
  const result = value === undefined ? {} : value;
  const invalid = validate(engine, call.method, "response", result);
  if (
    invalid &&
    refuseInvalid(engine, invalid, call.messageId, call.method, call.params, result, true, false)
  ) {
    answerError(
      engine,
      call.messageId,
      call.method,
      call.params,
      new RPCInternalError(),
      call.abandoned,
      undefined,
      call.startedAt,
    );
    return;
  }
  let text: string;
  try {
    text = encodeCallResult(call.messageId, result);
  } catch (err) {
    answerError(
      engine,
      call.messageId,
      call.method,
      call.params,
      new RPCInternalError("The handler's result cannot be serialised", {}, { cause: err }),
      call.abandoned,
      undefined,
      call.startedAt,
    );
    return;
  }
  observe(engine, call.messageId, text);
  if (call.abandoned || !engine.transport?.writable) return;
  if (engine.listenerCount("response")) {
    engine.emit("response", {
      outbound: true,
      payload: [MessageType.CALLRESULT, call.messageId, result],
    });
  }
  if (engine.observed("callResult")) {
    engine.emit("callResult", {
      outbound: false,
      messageId: call.messageId,
      method: call.method,
      params: call.params,
      result,
      durationMs: durationSince(call.startedAt),
    });
  }
  engine.sendFrame(text);
}

/**
 * Answers an inbound call with CALLERROR: an RPCError keeps its code; any other Error is an
 * InternalError (spelled for the negotiated version, OCPP-J 1.6 §4.2.3 / 2.x Part 4 §4.3).
 * An `abandoned` call's answer is only observed, never written; `refusedBy` is the middleware
 * context refusing it, if any.
 */
export function answerError(
  engine: EngineCore,
  id: string,
  method: string,
  params: unknown,
  err: Error,
  abandoned = false,
  refusedBy?: object,
  startedAt = 0,
): void {
  const rpcError = err instanceof RPCError ? err : internalError(err);
  const hasDetails = Object.keys(rpcError.details).length > 0;
  const details = hasDetails
    ? rpcError.details
    : engine.rpcOptions.respondWithDetailedErrors
      ? getErrorPlainObject(err)
      : {};
  const code = wireErrorCode(rpcError.rpcErrorCode, engine.family);
  const description = rpcError.message || rpcError.rpcErrorMessage;
  if (abandoned) {
    observe(engine, id, encodeCallError(id, code, description, details));
    return;
  }
  if (engine.observed("callError")) {
    engine.emit("callError", {
      outbound: false,
      messageId: id,
      method,
      params,
      error: rpcError,
      durationMs: durationSince(startedAt),
    });
  }
  const text = encodeCallError(id, code, description, details);
  observe(engine, id, text, refusedBy);
  if (!engine.transport?.writable) return;
  if (engine.listenerCount("response")) {
    engine.emit("response", {
      outbound: true,
      payload: [MessageType.CALLERROR, id, code, description, details],
    });
  }
  engine.sendFrame(text);
}

function internalError(err: Error): RPCError {
  let message = "";
  try {
    message = typeof err.message === "string" ? err.message : "";
  } catch {
    // An Error subclass with a throwing `message` getter: answer without a description.
  }
  return new RPCInternalError(message, {}, { cause: err });
}
