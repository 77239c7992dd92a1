import type { OCPPMessage } from "../protocol/frame.js";
import { MessageType } from "../protocol/message-type.js";
import type { Middleware, MiddlewareClient } from "../rpc/middleware.js";
import type { Logger } from "./logger.js";
import type { ExchangeLogOptions, ExchangePayloadInfo } from "./logging-config.js";

const TYPE_NAMES: Record<number, string> = {
  [MessageType.CALL]: "CALL",
  [MessageType.CALLRESULT]: "CALLRESULT",
  [MessageType.CALLERROR]: "CALLERROR",
  [MessageType.CALLRESULTERROR]: "CALLRESULTERROR",
  [MessageType.SEND]: "SEND",
};

/** CALLs awaiting their reply, per connection, kept for the reply's method and timing. */
const MAX_OPEN_CALLS = 1024;

interface OpenCall {
  method: string;
  at: number;
}

/** UTF-8 length of a frame without encoding it (the exchange log's `bytes`). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 1; // a surrogate pair: 4 bytes for 2 UTF-16 units
      i++;
    } else if (code > 0x7f) bytes += code > 0x7ff ? 2 : 1;
  }
  return bytes;
}

function payloadOf(message: OCPPMessage): unknown {
  switch (message[0]) {
    case MessageType.CALL:
    case MessageType.SEND:
      return message[3];
    case MessageType.CALLRESULT:
      return message[2];
    default:
      return message[4];
  }
}

/**
 * The exchange log (`logging.exchangeLog`): one info line per OCPP message in either
 * direction — `IN CALL BootNotification` with direction, type, method, messageId, protocol
 * and bytes; replies add the round trip on the wire (`rttMs`, for replies to this side's
 * CALLs) or the time taken to answer (`handlerMs`); CALLERRORs are warnings with their code.
 * Payloads appear only through `options.payload`, which may mask them. Built as middleware:
 * without an exchange log, messages pay nothing for it.
 */
export function exchangeLog(
  loggerOf: (client: MiddlewareClient) => Logger,
  options: ExchangeLogOptions,
): Middleware {
  const open = new WeakMap<MiddlewareClient, Map<string, OpenCall>>();
  const callsOf = (client: MiddlewareClient) => {
    let calls = open.get(client);
    if (!calls) open.set(client, (calls = new Map<string, OpenCall>()));
    return calls;
  };
  return (ctx, next) => {
    const inbound = ctx.direction === "inbound";
    const message = ctx.message;
    const type = message[0];
    const id = message[1];
    const calls = callsOf(ctx.client);
    const now = performance.now();
    let method: string | undefined;
    const fields: Record<string, unknown> = {
      direction: inbound ? "IN" : "OUT",
      type: TYPE_NAMES[type],
      messageId: id,
      protocol: ctx.client.protocol,
      bytes: utf8Length(ctx.frame),
    };
    if (type === MessageType.CALL || type === MessageType.SEND) {
      method = message[2];
      if (type === MessageType.CALL) {
        if (calls.size >= MAX_OPEN_CALLS) calls.delete(calls.keys().next().value!);
        // Keyed by direction too: both peers may use the same id at once.
        calls.set((inbound ? "<" : ">") + id, { method, at: now });
      }
    } else {
      // A reply travels the other way from its CALL.
      const key = (inbound ? ">" : "<") + id;
      const call = calls.get(key);
      if (call) {
        calls.delete(key);
        method = call.method;
        fields[inbound ? "rttMs" : "handlerMs"] = Math.round((now - call.at) * 1000) / 1000;
      }
      if (type === MessageType.CALLERROR || type === MessageType.CALLRESULTERROR) {
        fields.errorCode = message[2];
      }
    }
    fields.method = method;
    if (options.payload) {
      const info: ExchangePayloadInfo = {
        direction: inbound ? "IN" : "OUT",
        type: TYPE_NAMES[type]!,
        method,
      };
      try {
        fields.payload = options.payload(payloadOf(message), info);
      } catch {
        fields.payload = "[payload hook failed]";
      }
    }
    const logger = loggerOf(ctx.client);
    const text = `${fields.direction as string} ${fields.type as string}${method ? ` ${method}` : ""}`;
    if (fields.errorCode !== undefined) logger.warn(text, fields);
    else logger.info(text, fields);
    return next();
  };
}
