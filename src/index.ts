export * from "./platform-neutral.js";
// Synchronous, as the seed examples use it: the Node entry carries ajv from the start.
export { createValidator } from "./validation/validator.js";
export { OCPPClient, type ClientOptions } from "./client/ocpp-client.js";
export { OCPPServer } from "./server/ocpp-server.js";
export type {
  ListenOptions,
  ServerEvents,
  UpgradeAbortedEvent,
  UpgradeErrorEvent,
} from "./server/server-events.js";
export { OCPPServerClient } from "./server/ocpp-server-client.js";
export type { ServerOptions } from "./server/server-options.js";
export type { SecurityEvent, SecurityEventType } from "./server/security-event.js";
export type { CORSOptions } from "./server/cors.js";
export type { ConnectionRateLimitOptions } from "./server/connection-rate-limit.js";
export type { HandshakeInfo } from "./server/handshake.js";
export type { AuthAccept, AuthCallback, AuthContext, SessionData } from "./server/auth-context.js";
export type { BackpressureOptions } from "./transport/backpressure.js";
export type { WorkerThreadsOptions } from "./workers/worker-threads-options.js";
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
export type { NodeStats, ServerState } from "./server/clustered-server.js";
export {
  createHealthHandler,
  type HealthHandler,
  type HealthHandlerOptions,
} from "./observability/health.js";
export type { MetricsOptions } from "./observability/metrics-options.js";
export { getPackageIdent } from "./package-ident.js";
export {
  SecurityProfile,
  safeEqual,
  type TLSOptions,
  type ClientCertificateInfo,
} from "./security/index.js";
export {
  DIAGNOSTICS_CHANNELS,
  type BadMessageDiagnostic,
  type CallDiagnostic,
  type ConnectionCloseDiagnostic,
  type ConnectionOpenDiagnostic,
  type DiagnosticsSide,
  type HandshakeRefusedDiagnostic,
  type MessageDiagnostic,
} from "./observability/diagnostics-events.js";
