export { BrowserOCPPClient, type BrowserClientOptions } from "./browser/browser-client.js";
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
} from "./rpc/types.js";
export { MessageType } from "./protocol/message-type.js";
export type { OCPPCall, OCPPCallResult, OCPPCallError, OCPPMessage } from "./protocol/frame.js";
export * from "./protocol/errors.js";
export { createValidator, type Validator } from "./validation/index.js";
