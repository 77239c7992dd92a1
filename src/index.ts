export { OCPPClient, type ClientOptions } from "./client/ocpp-client.js";
export type { BaseClientOptions } from "./client/client-options.js";
export type {
  OpenEvent,
  ConnectingEvent,
  ReconnectEvent,
  CallResultErrorEvent,
  SendEvent,
} from "./rpc/types.js";
export type { MethodMap, ProtocolMaps } from "./rpc/typed-api.js";
export type * from "./generated/index.js";
export {
  OCPPServer,
  type ListenOptions,
  type ServerEvents,
  type UpgradeAbortedEvent,
  type UpgradeErrorEvent,
} from "./server/ocpp-server.js";
export { OCPPServerClient } from "./server/ocpp-server-client.js";
export type { ServerOptions } from "./server/server-options.js";
export type { SecurityEvent, SecurityEventType } from "./server/security-event.js";
export type { CORSOptions } from "./server/cors.js";
export type { ConnectionRateLimitOptions } from "./server/connection-rate-limit.js";
export type { HandshakeInfo } from "./server/handshake.js";
export type { AuthAccept, AuthCallback, AuthContext, SessionData } from "./server/auth-context.js";
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
  type MessageEvent,
  type ResponseEvent,
} from "./rpc/types.js";
export { getErrorPlainObject } from "./rpc/error-details.js";
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
export type {
  AdapterMetrics,
  AdapterSink,
  ClusterOptions,
  EventAdapterInterface,
  PresenceStore,
} from "./cluster/contract.js";
export { InMemoryAdapter, InMemoryHub } from "./cluster/memory-adapter.js";
export { IpcAdapter, serveClusterPrimary } from "./cluster/ipc-adapter.js";
export type { BatchResult, PublishHandler } from "./cluster/router.js";
export type { ServerStats } from "./cluster/server-cluster.js";
export { getPackageIdent } from "./package-ident.js";
export {
  SecurityProfile,
  safeEqual,
  type TLSOptions,
  type ClientCertificateInfo,
} from "./security/index.js";
export { createValidator, type Validator } from "./validation/index.js";
