import { RPCFrameworkError } from "../../protocol/errors.js";
import { decodeFrame, UNREADABLE_MESSAGE_ID, type OCPPMessage } from "../../protocol/frame.js";
import { MessageType } from "../../protocol/message-type.js";
import type { RawFrame } from "../../transport/transport.js";
import type { EngineCore } from "../engine-core.js";
import { onBadMessage } from "./bad-message.js";
import { dispatchCall, dispatchSend } from "./dispatcher.js";
import type { PresetVerdict } from "./inbound-hook.js";
import { onCallError, onCallResult, onCallResultError } from "./response-matcher.js";

/** RFC 6455 §7.4.1: 1003, "received a type of data it cannot accept". */
const UNSUPPORTED_DATA = 1003;

/** One frame from the transport: offered to the role's hook (if any), else read now. */
export function receiveFrame(engine: EngineCore, data: RawFrame, isBinary: boolean): void {
  if (engine.inboundHook?.offer(data, isBinary)) return;
  readFrame(engine, data, isBinary);
}

/**
 * A frame handed back by the inbound hook with strict mode's verdict on it: read like any
 * other, except that validate() takes the verdict for this CALL (matched by message id)
 * instead of running the validator. The verdict is dropped once the frame's synchronous routing is over, so a CALL
 * that waits (asynchronous middleware, handlerGraceMs) is checked again when it runs.
 */
export function readVerifiedFrame(
  engine: EngineCore,
  text: string,
  verdict: PresetVerdict | undefined,
): void {
  engine.presetVerdict = verdict;
  try {
    readFrame(engine, text, false);
  } finally {
    engine.presetVerdict = undefined;
  }
}

/** One frame: decoded, then through the middleware (if any) to its route. */
export function readFrame(engine: EngineCore, data: RawFrame, isBinary: boolean): void {
  if (engine.rpcOptions.deferPingsOnActivity) engine.deferPing();
  const text = typeof data === "string" ? data : data.toString("utf8");
  if (engine.observed("message")) engine.emit("message", { message: text, outbound: false });

  if (isBinary) {
    // OCPP-J frames are UTF-8 JSON text (J16 §4.1.2, 2.x Part 4 §4.1.2). A binary frame has no
    // message id a CALLERROR could name, so it is not answered: the connection is closed.
    onBadMessage(
      engine,
      data,
      text,
      new RPCFrameworkError("Binary frames are not supported; OCPP-J uses text frames"),
      UNREADABLE_MESSAGE_ID,
      false,
      undefined,
    );
    if (engine.state === 1) {
      void engine.close({
        code: UNSUPPORTED_DATA,
        reason: "OCPP-J uses text frames",
        awaitPending: false,
      });
    }
    return;
  }
  // Some stations send empty frames as a keep-alive; they carry nothing to answer.
  if (text.length === 0) return;

  const decoded = decodeFrame(text, engine.family);
  if (!decoded.ok) {
    onBadMessage(
      engine,
      data,
      text,
      decoded.error,
      decoded.messageId,
      decoded.respond,
      decoded.responseId,
    );
    return;
  }
  const pipeline = engine.pipeline();
  if (pipeline) pipeline.inbound(decoded.message, text, data);
  else routeMessage(engine, data, text, decoded.message);
}

/** Sends a decoded message where it belongs: a handler, a pending call, or an event. */
export function routeMessage(
  engine: EngineCore,
  buffer: RawFrame,
  text: string,
  message: OCPPMessage,
): void {
  switch (message[0]) {
    case MessageType.CALL:
      dispatchCall(engine, buffer, text, message[1], message[2], message[3]);
      break;
    case MessageType.CALLRESULT:
      onCallResult(engine, buffer, text, message);
      break;
    case MessageType.CALLERROR:
      onCallError(engine, buffer, text, message);
      break;
    case MessageType.CALLRESULTERROR:
      onCallResultError(engine, message);
      break;
    case MessageType.SEND:
      dispatchSend(engine, message[1], message[2], message[3]);
      break;
  }
}
