import type { RPCError } from "../../protocol/errors.js";
import { encodeCallError, type OCPPMessage } from "../../protocol/frame.js";
import { MessageType } from "../../protocol/message-type.js";
import { wireErrorCode } from "../../protocol/version.js";
import type { RawFrame } from "../../transport/transport.js";
import type { EngineCore } from "../engine-core.js";

/**
 * A frame that is not a usable message: answered with CALLERROR when one is owed (decided by
 * the decoder), reported as 'badMessage', and counted: more than `maxBadMessages` in a row
 * close the connection with 1002 (protocol error).
 */
export function onBadMessage(
  engine: EngineCore,
  buffer: RawFrame,
  text: string,
  error: RPCError,
  messageId: string,
  respond: boolean,
  responseId: string | undefined,
): void {
  engine.badMessages++;
  let response: OCPPMessage | null = null;
  if (respond) {
    response = [
      MessageType.CALLERROR,
      messageId,
      wireErrorCode(error.rpcErrorCode, engine.family),
      error.message,
      error.details,
    ];
  }
  // A malformed answer to a call we are waiting for fails that call now, not at timeout.
  const waiting = responseId !== undefined ? engine.outbound.get(responseId) : undefined;
  if (waiting) {
    engine.outbound.settle(waiting);
    waiting.reject(error);
  }
  if (engine.observed("badMessage")) {
    engine.emit("badMessage", { message: text, buffer, error, response });
  }
  if (response && engine.transport?.writable) {
    engine.sendFrame(encodeCallError(messageId, response[2], response[3], response[4]));
  }
  if (engine.badMessages > engine.rpcOptions.maxBadMessages && engine.state === 1) {
    void engine.close({ code: 1002, reason: "Too many bad messages", awaitPending: false });
  }
}
