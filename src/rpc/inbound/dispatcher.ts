import { callStart } from "../call-timing.js";
import { RPCFrameworkError, RPCNotImplementedError } from "../../protocol/errors.js";
import type { RawFrame } from "../../transport/transport.js";
import { followValue, isError, toError } from "../contain.js";
import type { EngineCore } from "../engine-core.js";
import { InboundCall } from "../inbound-call.js";
import { refuseInvalid, validate } from "../strict-gate.js";
import { answerError } from "./responder.js";
import { onBadMessage } from "./bad-message.js";
import { HandlerGrace, type RunCall } from "./handler-grace.js";

// Idle connections are the common case on a CSMS: they share this empty map until their
// first asynchronous handler.
const EMPTY_INBOUND: ReadonlyMap<string, InboundCall> = new Map();

/** The map every engine starts with; replaced by its own on first use. */
export function emptyInbound(): Map<string, InboundCall> {
  return EMPTY_INBOUND as Map<string, InboundCall>;
}

/**
 * An inbound CALL: checked (duplicate id, handler, strict mode), then run by its handler; one
 * without a handler may wait for it in the handlerGraceMs window (see HandlerGrace).
 */
export function dispatchCall(
  engine: EngineCore,
  buffer: RawFrame,
  text: string,
  id: string,
  method: string,
  params: unknown,
): void {
  if (engine.inbound.has(id) || engine.grace?.has(id)) {
    // J16 §4.2.3: "an existing call with the same unique identifier is being handled already".
    onBadMessage(
      engine,
      buffer,
      text,
      new RPCFrameworkError(`Already processing a call with message id: ${id}`),
      id,
      true,
      undefined,
    );
    return;
  }
  engine.badMessages = 0;
  if (engine.observed("call")) {
    engine.emit("call", {
      outbound: false,
      messageId: id,
      method,
      params,
      payload: [2, id, method, params],
    });
  }
  const handler = engine.handlers.find(engine.protocol, method);
  const wildcard = handler ? undefined : engine.handlers.wildcard;
  if (!handler && !wildcard) {
    if (HandlerGrace.park(engine, runCall, id, method, params)) return;
    answerError(
      engine,
      id,
      method,
      params,
      new RPCNotImplementedError(`Unable to handle '${method}' calls`),
    );
    return;
  }
  runCall(engine, id, method, params, handler, wildcard);
}

/** A CALL with its handler (or the wildcard one): strict mode's check, then the handler. */
const runCall: RunCall = (engine, id, method, params, handler, wildcard) => {
  const invalid = validate(engine, method, "request", params, id);
  if (invalid && refuseInvalid(engine, invalid, id, method, params, null, false, true)) {
    answerError(engine, id, method, params, invalid);
    return;
  }
  const call = new InboundCall(
    engine,
    id,
    method,
    params,
    engine.protocol,
    false,
    callStart(engine),
  );
  let returned: unknown;
  try {
    returned = handler ? handler(call) : wildcard!(method, call);
  } catch (err) {
    call.answer(handlerFailure(engine, err));
    return;
  }
  if (call.settled) return;
  const pending = followValue(
    returned,
    (value) => call.answer(value),
    (err) => call.answer(handlerFailure(engine, err)),
  );
  if (pending && !call.settled) {
    // Tracked while the handler runs: close() waits for it, a duplicate id is refused.
    if (engine.inbound === EMPTY_INBOUND) engine.inbound = new Map();
    engine.inbound.set(id, call);
  }
};

/**
 * An OCPP 2.1 SEND (2.1 Part 4 §4.2.4): handled like a CALL but never answered; a refused
 * or failing one is only reported.
 */
export function dispatchSend(
  engine: EngineCore,
  id: string,
  method: string,
  params: unknown,
): void {
  engine.badMessages = 0;
  if (engine.listenerCount("send")) {
    engine.emit("send", { outbound: false, messageId: id, method, params });
  }
  const invalid = validate(engine, method, "request", params, id);
  if (invalid && refuseInvalid(engine, invalid, id, method, params, null, false, true)) return;
  const handler = engine.handlers.find(engine.protocol, method);
  const wildcard = handler ? undefined : engine.handlers.wildcard;
  if (!handler && !wildcard) return;
  const call = new InboundCall(engine, id, method, params, engine.protocol, true);
  try {
    const returned = handler ? handler(call) : wildcard!(method, call);
    followValue(returned, noop, (err) => engine.reportError(err));
  } catch (err) {
    engine.reportError(err);
  }
}

function noop(): void {}

/**
 * What a throwing or rejecting handler answers: an Error as it is (an RPCError keeps its
 * code, any other becomes InternalError); any other value becomes an InternalError and is
 * reported as 'error', since it is a bug in the handler rather than a deliberate answer.
 */
function handlerFailure(engine: EngineCore, thrown: unknown): Error {
  if (isError(thrown)) return thrown;
  const error = toError(thrown);
  engine.reportError(error);
  return error;
}
