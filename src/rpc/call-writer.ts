import { callStart } from "./call-timing.js";
import { RPCMessageTypeNotSupportedError } from "../protocol/errors.js";
import { encodeCall } from "../protocol/frame.js";
import { MessageType } from "../protocol/message-type.js";
import type { EngineCore } from "./engine-core.js";
import type { PendingCall } from "./pending-call.js";
import { refuseInvalid, validate } from "./strict-gate.js";

/**
 * Writes an outbound CALL under `id` once OutboundCalls gave it a slot: strict mode's check,
 * encoding, the 'call' event. Returns the error to reject the call with instead, if any.
 */
export function writeCall(engine: EngineCore, call: PendingCall, id: string): Error | undefined {
  if (call.protocol !== undefined && call.protocol !== engine.protocol) {
    // Queued before the handshake, and the connection settled on another version.
    return new RPCMessageTypeNotSupportedError(
      `call('${call.protocol}', '${call.method}'): this connection negotiated '${engine.protocol ?? "none"}'`,
    );
  }
  const invalid = validate(engine, call.method, "request", call.params);
  if (invalid && refuseInvalid(engine, invalid, id, call.method, call.params, null, true, true)) {
    return invalid;
  }
  let text: string;
  try {
    text = encodeCall(id, call.method, call.params);
  } catch (err) {
    return new TypeError(`call('${call.method}'): params cannot be serialised`, { cause: err });
  }
  if (engine.observed("call")) {
    engine.emit("call", {
      outbound: true,
      messageId: id,
      method: call.method,
      params: call.params,
      payload: [MessageType.CALL, id, call.method, call.params],
    });
  }
  call.sentAt = callStart(engine);
  engine.sendFrame(text);
  return undefined;
}

/** Writes an OCPP 2.1 SEND (2.1 Part 4 §4.2.4); resolves once handed to the socket. */
export function writeSend(engine: EngineCore, method: string, params: unknown): Promise<void> {
  const invalid = validate(engine, method, "request", params);
  const messageId = engine.outbound.nextId();
  if (invalid && refuseInvalid(engine, invalid, messageId, method, params, null, true, true)) {
    return Promise.reject(invalid);
  }
  let text: string;
  try {
    text = encodeCall(messageId, method, params, MessageType.SEND);
  } catch (err) {
    return Promise.reject(
      new TypeError(`send('${method}'): params cannot be serialised`, { cause: err }),
    );
  }
  if (engine.listenerCount("send")) {
    engine.emit("send", { outbound: true, messageId, method, params });
  }
  engine.sendFrame(text);
  return Promise.resolve();
}
