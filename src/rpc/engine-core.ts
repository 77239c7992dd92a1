import type { ProtocolFamily } from "../protocol/version.js";
import type { Transport } from "../transport/transport.js";
import type { Validator } from "../validation/index.js";
import type { EventEmitter } from "./emitter.js";
import type { HandlerRegistry } from "./handler-registry.js";
import type { InboundCall } from "./inbound-call.js";
import type { InboundHook, PresetVerdict } from "./inbound/inbound-hook.js";
import type { HandlerGrace } from "./inbound/handler-grace.js";
import type { MessagePipeline } from "./middleware.js";
import type { OutboundCalls } from "./outbound-calls.js";
import type {
  ClientEvents,
  CloseOptions,
  CloseResult,
  ConnectionState,
  RpcOptions,
} from "./types.js";

/** A middleware's wish to learn a CALL's answer (see InboundMessageContext.onAnswer). */
export interface AnswerObserver {
  /** The middleware context of the CALL observed: its own refusal is its answer, another's is not. */
  readonly owner: object;
  readonly listener: (frame: string | undefined) => void;
}

/**
 * The engine's state as its collaborators see it (inbound routing, dispatch, answers, strict
 * gate, close sequence). They are functions over this interface rather than objects per
 * connection: an idle connection costs no extra allocations.
 */
export interface EngineCore extends EventEmitter<ClientEvents> {
  readonly identity: string;
  readonly protocol: string | undefined;
  readonly state: ConnectionState;
  family: ProtocolFamily;
  rpcOptions: RpcOptions;
  transport: Transport | undefined;
  readonly outbound: OutboundCalls;
  readonly handlers: HandlerRegistry;
  /** Inbound calls whose handlers are still running, by message id. */
  inbound: Map<string, InboundCall>;
  /** When the current connection opened (Date.now()), where the handlerGraceMs window starts. */
  openedAt: number;
  /** The CALLs waiting for a handler in that window; undefined while there are none. */
  grace: HandlerGrace | undefined;
  /**
   * Middleware waiting for the answer frames of CALLs, by message id (onAnswer); undefined
   * until one is asked for.
   */
  answerObservers: Map<string, AnswerObserver> | undefined;
  /** Bad messages in a row (maxBadMessages). */
  badMessages: number;
  /** Strict mode for the negotiated subprotocol: the validator, lenient or not, still loading. */
  validator: Validator | undefined;
  lenient: boolean;
  validatorLoading: boolean;
  /** Takes inbound frames before they are read (server workerThreads); undefined: none. */
  inboundHook: InboundHook | undefined;
  /** Strict mode's verdict on the CALL being routed now, reached off the main thread. */
  presetVerdict: PresetVerdict | undefined;
  /** This connection's passage through its middleware; undefined while there is none. */
  pipeline(): MessagePipeline | undefined;
  /** True when `event` has a listener or an observer beside them: build its payload only then. */
  observed(event: keyof ClientEvents): boolean;
  /** Writes one frame (through the outbound middleware, if any). */
  sendFrame(text: string): void;
  /** Reports a failure of application code (handler, validator, listener) as 'error'. */
  reportError(error: unknown): void;
  close(options?: CloseOptions): Promise<CloseResult>;
  /** Resolves a close() waiting for calls in flight once there are none. */
  checkIdle(): void;
  /** Postpones the next keep-alive ping (traffic shows the peer is alive). */
  deferPing(): void;
}
