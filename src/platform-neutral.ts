/**
 * The exports that work on every platform: the engine's types and constants, the error classes,
 * the generated OCPP types and the on-demand validator. Both entries re-export this list
 * (src/index.ts for Node, src/browser.ts for browsers), so they cannot drift apart; nothing
 * here reaches `ws`, `node:*` or, until a validator is asked for, ajv and the schemas.
 */
export {
  NOREPLY,
  ConnectionState,
  type CallOptions,
  type CloseOptions,
  type CloseResult,
  type HandlerContext,
  type CallHandler,
  type WildcardHandler,
  type ClientEvents,
  type RpcOptions,
  type BadMessageEvent,
  type StrictValidationFailureEvent,
  type CallEvent,
  type CallResultEvent,
  type CallErrorEvent,
  type CallTimeoutEvent,
  type MessageEvent,
  type ResponseEvent,
  type OpenEvent,
  type ConnectingEvent,
  type ReconnectEvent,
  type CallResultErrorEvent,
  type SendEvent,
} from "./rpc/types.js";
export { getErrorPlainObject } from "./rpc/error-details.js";
export type {
  Middleware,
  MessageContext,
  InboundMessageContext,
  OutboundMessageContext,
  MiddlewareClient,
} from "./rpc/middleware.js";
export { MessageType } from "./protocol/message-type.js";
export type {
  OCPPCall,
  OCPPCallResult,
  OCPPCallError,
  OCPPCallResultError,
  OCPPSend,
  OCPPMessage,
} from "./protocol/frame.js";
export * from "./protocol/errors.js";
export type { BaseClientOptions } from "./client/client-options.js";
export type { MethodMap, ProtocolMaps } from "./rpc/typed-api.js";
export type * from "./generated/index.js";
export { loadValidator } from "./validation/load-validator.js";
export type { Validator } from "./validation/validator.js";
export type { Logger } from "./observability/logger.js";
export type {
  LoggingConfig,
  LoggerLike,
  LogEntry,
  LogLevel,
  ExchangeLogOptions,
  ExchangePayloadInfo,
} from "./observability/logging-config.js";
