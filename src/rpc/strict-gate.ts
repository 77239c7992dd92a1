import { RPCError, RPCInternalError } from "../protocol/errors.js";
import type { OCPPMessage } from "../protocol/frame.js";
import { MessageType } from "../protocol/message-type.js";
import { toError } from "./contain.js";
import type { EngineCore } from "./engine-core.js";
import { isLenient, prepareValidator, resolveValidator } from "./strict-mode.js";

/** Sets the engine's validator for its options and negotiated subprotocol. */
export function applyValidation(engine: EngineCore): void {
  const { rpcOptions, protocol } = engine;
  engine.validator = resolveValidator(rpcOptions, protocol);
  engine.lenient = engine.validator !== undefined && isLenient(rpcOptions, protocol!);
  // Roles load the schemas before a connection opens; this covers reconfigure() turning
  // strict mode on for an open one: refuse (never pass) until they are there.
  const loading = prepareValidator(rpcOptions, protocol);
  engine.validatorLoading = loading !== undefined;
  loading?.then(
    () => applyValidation(engine),
    (err: unknown) => engine.reportError(err),
  );
}

/**
 * Why `payload` fails strict mode, or undefined when it passes (or strict mode is off). For an
 * inbound CALL or SEND, `inboundId` (its message id) lets a verdict reached off the main thread
 * for that very message stand in for the validator (see readVerifiedFrame).
 */
export function validate(
  engine: EngineCore,
  method: string,
  kind: "request" | "response",
  payload: unknown,
  inboundId?: string,
): RPCError | undefined {
  const validator = engine.validator;
  if (!validator) {
    return engine.validatorLoading
      ? new RPCInternalError(`Strict mode: the ${engine.protocol} schemas are still loading`)
      : undefined;
  }
  const methods = engine.rpcOptions.strictModeMethods;
  if (methods && !methods.includes(method)) return undefined;
  const preset = engine.presetVerdict;
  if (preset !== undefined && preset.messageId === inboundId && preset.method === method) {
    // A worker ran this validator on this message: taken once.
    engine.presetVerdict = undefined;
    return preset.error;
  }
  try {
    // A method without a schema comes back as ProtocolError: strict mode never passes a
    // message it cannot check.
    return validator.validate(method, kind, payload);
  } catch (err) {
    // A custom validator (or a hostile payload) threw: refuse rather than pass unchecked.
    const error = toError(err);
    engine.reportError(error);
    return new RPCInternalError("Strict mode: the validator failed", {}, { cause: error });
  }
}

/**
 * Reports a validation failure; true when the message must be refused, false under lenient
 * validation (reported only, for fleets whose payloads are slightly off).
 */
export function refuseInvalid(
  engine: EngineCore,
  error: RPCError,
  messageId: string,
  method: string,
  params: unknown,
  result: unknown,
  outbound: boolean,
  isCall: boolean,
): boolean {
  if (engine.listenerCount("strictValidationFailure")) {
    const message: OCPPMessage = isCall
      ? [MessageType.CALL, messageId, method, params]
      : [MessageType.CALLRESULT, messageId, result];
    engine.emit("strictValidationFailure", {
      error,
      message,
      messageId,
      method,
      params,
      result,
      outbound,
      isCall,
    });
  }
  return !engine.lenient;
}
