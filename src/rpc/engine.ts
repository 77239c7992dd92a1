import { ConnectionClosedError } from "../protocol/errors.js";
import { protocolFamily, type ProtocolFamily } from "../protocol/version.js";
import type { KeepAliveSweeper } from "../transport/keep-alive.js";
import type { Transport } from "../transport/transport.js";
import type { Validator } from "../validation/index.js";
import { readSendArgs } from "./call-args.js";
import { writeCall, writeSend } from "./call-writer.js";
import { checkCloseArgs } from "./close-args.js";
import type { CloseSequence } from "./close-sequence.js";
import { finishClose, startClose, type ConnectionLifecycle } from "./connection-close.js";
import { toError } from "./contain.js";
import type { Role } from "./direction.js";
import { EngineAdapter } from "./engine-adapter.js";
import { call, handle, safeCall } from "./engine-api.js";
import { EventEmitter, type EventArgs, type EventName } from "./emitter.js";
import { HandlerRegistry } from "./handler-registry.js";
import type { KeepAlivePinger } from "./keep-alive-pinger.js";
import type { InboundCall } from "./inbound-call.js";
import { emptyInbound } from "./inbound/dispatcher.js";
import type { AnswerObserver } from "./engine-core.js";
import type { InboundHook, PresetVerdict } from "./inbound/inbound-hook.js";
import type { EngineTap } from "./engine-tap.js";
import type { HandlerGrace } from "./inbound/handler-grace.js";
import { ConnectionMiddleware } from "./connection-middleware.js";
import type { MessagePipeline, MiddlewareStack, Middleware } from "./middleware.js";
import { mergeRpcOptions } from "./options.js";
import { OutboundCalls } from "./outbound-calls.js";
import type { PendingCall } from "./pending-call.js";
import { applyValidation } from "./strict-gate.js";
import type { NoMethods, ProtocolMaps, TypedRpcApi } from "./typed-api.js";
import {
  ConnectionState,
  STATE_NAMES,
  type ClientEvents,
  type CloseOptions,
  type CloseResult,
  type RpcOptions,
} from "./types.js";

const { CONNECTING, OPEN, CLOSING, CLOSED } = ConnectionState;

/** Shared, never written: see the lazy collections of RpcEngine. */
const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);
const NORMAL_CLOSE: CloseResult = Object.freeze({ code: 1000, reason: "" });

// call(), safeCall() and handle(), typed per role (typed-api.ts), join the class by declaration
// merging: safe, as engine-api.ts installs their bodies on the prototype (end of this file).
/* eslint-disable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
export interface RpcEngine<
  Out extends ProtocolMaps = NoMethods,
  In extends ProtocolMaps = NoMethods,
  Reserved extends string = never,
> extends TypedRpcApi<Out, In, Reserved> {}

/**
 * The one OCPP-J RPC engine behind every client class: outbound calls (ids, queue with
 * `callConcurrency`, timeouts, abort signals), inbound routing and dispatch (rpc/inbound/),
 * strict mode (strict-gate), middleware, keep-alive and close. It talks to the network only
 * through a `Transport`; a ConnectionLifecycle says how transports are obtained.
 */
export class RpcEngine<
  Out extends ProtocolMaps = NoMethods,
  In extends ProtocolMaps = NoMethods,
  Reserved extends string = never,
>
  // Not `implements EngineCore`: those members are @internal, stripped from the public types.
  // The compiler still checks the fit wherever the engine is handed to its collaborators.
  extends EventEmitter<ClientEvents>
{
  /* eslint-enable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;

  /** @internal */ _state: ConnectionState = CLOSED;
  /** @internal */ _identity: string;
  /** @internal */ rpcOptions: RpcOptions;
  /** @internal */ transport: Transport | undefined;
  /** @internal */ family: ProtocolFamily = "other";
  /** @internal */ validator: Validator | undefined;
  /** @internal */ lenient = false;
  /** @internal */ validatorLoading = false;
  /** @internal */ inboundHook: InboundHook | undefined;
  /** @internal */ presetVerdict: PresetVerdict | undefined;
  /** @internal */ readonly handlers = new HandlerRegistry();
  /** @internal */ inbound: Map<string, InboundCall> = emptyInbound();
  /** @internal */ readonly outbound: OutboundCalls;
  /** @internal */ badMessages = 0;
  /** @internal */ openedAt = 0;
  /** @internal */ grace: HandlerGrace | undefined;
  /** @internal */ answerObservers: Map<string, AnswerObserver> | undefined;
  /** @internal True once a connection has opened; decides what close() during CONNECTING reports. */
  connectedOnce = false;
  /** @internal Keep unsent calls while disconnected (offlineQueue); else they are refused at once. */
  queueWhileOffline = false;
  /** @internal How connections are obtained; undefined: never reconnects. */
  lifecycle: ConnectionLifecycle | undefined;
  /** @internal Which side this engine plays, for the direction checks of handle(). */
  role: Role | undefined;
  /** @internal Where this engine's keep-alive is ticked from; set by the role. */
  keepAliveSweeper: KeepAliveSweeper | undefined;
  /** @internal Observes events beside the listeners (diagnostics_channel); set by Node roles. */
  tap: EngineTap | undefined;

  private _protocol: string | undefined;
  private rawQueue: string[] = EMPTY_ARRAY as string[];
  private readonly middleware: ConnectionMiddleware;
  /** @internal */ closing: CloseSequence | undefined;
  /** @internal */ closePromise: Promise<CloseResult> | undefined;
  /** @internal */ lastClose: CloseResult = NORMAL_CLOSE;
  private pinger: KeepAlivePinger | undefined;

  /**
   * `options` are complete and checked (see mergeRpcOptions); a server shares one object, and
   * one middleware stack, among its clients.
   */
  constructor(identity: string, options: Readonly<RpcOptions>, middleware?: MiddlewareStack) {
    super();
    this._identity = identity;
    this.rpcOptions = options;
    this.middleware = new ConnectionMiddleware(middleware);
    this.listener = new EngineAdapter(this);
    this.outbound = new OutboundCalls(this.listener);
  }

  /** The station identity. */
  get identity(): string {
    return this._identity;
  }

  /** The negotiated subprotocol (fixed after the first connection). */
  get protocol(): string | undefined {
    return this._protocol;
  }

  /** CONNECTING (0), OPEN (1), CLOSING (2) or CLOSED (3). */
  get state(): ConnectionState {
    return this._state;
  }

  /** Bytes queued on the socket but not yet sent. */
  get bufferedAmount(): number {
    return this.transport?.bufferedAmount ?? 0;
  }

  /** A listener that throws is the application's bug: reported as 'error', never thrown into the socket. */
  override emit<E extends EventName<ClientEvents>>(
    event: E,
    ...args: EventArgs<ClientEvents, E>
  ): boolean {
    try {
      if (this.tap !== undefined && this.tap.wants(event)) this.tap.tell(this, event, args);
      return super.emit(event, ...args);
    } catch (err) {
      if (event !== "error") this.reportError(err);
      // A throwing 'error' listener leaves nobody to tell; the connection goes on.
      return true;
    }
  }

  /** @internal True when `event` has a listener or the tap wants it: its payload is built only then. */
  observed(event: EventName<ClientEvents>): boolean {
    return this.listenerCount(event) > 0 || (this.tap !== undefined && this.tap.wants(event));
  }

  /** @internal */
  reportError(error: unknown): void {
    if (this.listenerCount("error")) this.emit("error", toError(error));
  }

  // ---------------------------------------------------------------- configuration

  /** @internal Changes RPC options at run time; checked like the constructor's. */
  reconfigureRpc(options: Partial<RpcOptions>): void {
    this.rpcOptions = mergeRpcOptions(this.rpcOptions, options);
    applyValidation(this);
    if (options.pingIntervalMs !== undefined && this.transport) this.startKeepAlive();
    this.outbound.pump();
  }

  /** @internal Sets the negotiated subprotocol and what follows from it (version rules, validator). */
  setProtocol(protocol: string | undefined): void {
    this._protocol = protocol;
    this.family = protocolFamily(protocol);
    applyValidation(this);
  }

  /**
   * Adds a middleware around every inbound and outbound message of this connection (see
   * `Middleware`). Runs in the order added.
   */
  use(middleware: Middleware): this {
    this.middleware.use(middleware);
    return this;
  }

  /** @internal */
  pipeline(): MessagePipeline | undefined {
    return this.middleware.pipeline(this);
  }

  // ------------------------------------------------ handlers (handle(): engine-api.ts)

  /** @internal The subprotocols this engine may end up speaking. */
  offeredProtocols(): readonly string[] {
    return this._protocol !== undefined ? [this._protocol] : [];
  }

  /**
   * Removes a handler: `removeHandler(method)`, `removeHandler(protocol, method)`, or
   * `removeHandler()` for the wildcard handler.
   */
  removeHandler(...args: string[]): void {
    this.handlers.unregister(args);
  }

  /** Removes every handler, the wildcard one included. */
  removeAllHandlers(): void {
    this.handlers.clear();
  }

  // ---------------------------- outbound (call(), safeCall(): engine-api.ts)

  /**
   * Sends an OCPP 2.1 SEND message (an unconfirmed message such as NotifyPeriodicEventStream,
   * 2.1 Part 4 §4.2.4): no answer is expected. Resolves once handed to the socket.
   */
  send(...args: unknown[]): Promise<void> {
    const closedState =
      this._state !== OPEN || !this.transport ? STATE_NAMES[this._state] : undefined;
    const request = readSendArgs(args, this._protocol, this.family, closedState);
    if (request instanceof Error) return Promise.reject(request);
    return writeSend(this, request.method, request.params);
  }

  /** Sends a frame as it is (advanced use). While CONNECTING it is queued until open. */
  sendRaw(message: string): void {
    if (typeof message !== "string") {
      throw new TypeError("sendRaw(message): message must be a string (OCPP-J uses text frames)");
    }
    if (this._state === CONNECTING) {
      if (this.rawQueue === EMPTY_ARRAY) this.rawQueue = [];
      this.rawQueue.push(message);
    } else if (this.transport?.writable) {
      this.sendFrame(message);
    } else {
      throw new ConnectionClosedError(`Cannot send: the connection is ${STATE_NAMES[this._state]}`);
    }
  }

  /** @internal */
  callConcurrency(): number {
    return this.rpcOptions.callConcurrency;
  }

  /** @internal True while calls may be written. */
  canTransmit(): boolean {
    return this._state === OPEN && this.transport !== undefined;
  }

  /** @internal Writes an outbound call (see OutboundCalls); returns why it was refused, if so. */
  transmit(call: PendingCall, id: string): Error | undefined {
    return writeCall(this, call, id);
  }

  /** @internal */
  sendFrame(text: string): void {
    if (this.observed("message")) this.emit("message", { message: text, outbound: true });
    const pipeline = this.pipeline();
    if (pipeline?.hasOutbound) pipeline.outbound(text);
    else this.transport!.send(text);
  }

  /** @internal Rejects every call (and raw frame) waiting for a free slot or the connection. */
  rejectQueued(error: Error): void {
    this.rawQueue = EMPTY_ARRAY as string[];
    this.outbound.rejectQueued(error);
  }

  // ---------------------------------------------------------------- transport events

  private readonly listener: EngineAdapter;

  /** @internal */
  onTransportError(error: Error): void {
    if (this.listenerCount("socketError")) this.emit("socketError", error);
  }

  /** @internal */
  onTransportPing(): void {
    if (this.rpcOptions.deferPingsOnActivity) this.deferPing();
  }

  // ---------------------------------------------------------------- connection lifecycle

  /** @internal Enters CONNECTING for a new connect(). */
  beginConnecting(): void {
    this.closePromise = undefined;
    this.connectedOnce = false;
    this._state = CONNECTING;
  }

  /** @internal The first connection attempt failed: CONNECTING ends in CLOSED. */
  failConnecting(): void {
    if (this._state !== CONNECTING) return;
    this.lifecycle?.abortConnecting();
    this._state = CLOSING;
    finishClose(this, { code: 1006, reason: "Abnormal Closure" });
  }

  /** @internal Starts using an open transport: state OPEN, keep-alive, queued frames and calls go out. */
  attachTransport(transport: Transport): void {
    this.transport = transport;
    this.outbound.resetIds();
    this.badMessages = 0;
    this.openedAt = Date.now();
    this._state = OPEN;
    this.connectedOnce = true;
    transport.listen(this.listener);
    this.tap?.opened(this);
    this.startKeepAlive();
    const raw = this.rawQueue;
    this.rawQueue = EMPTY_ARRAY as string[];
    for (const frame of raw) this.sendFrame(frame);
    this.outbound.pump();
  }

  /** @internal Gives up on calls in flight both ways (the connection is going). */
  abandonPending(reason: Error): void {
    this.outbound.rejectPending(reason);
    const calls = [...this.inbound.values()];
    this.inbound.clear();
    for (const call of calls) call.abort(reason);
    this.grace?.drop();
    this.checkIdle();
  }

  /** @internal Told once the engine is CLOSED (a server forgets the client). */
  onClosed(): void {}

  /**
   * Closes the connection. By default (seed 002) it waits for calls in flight both ways to
   * settle, then sends the close frame; `awaitPending: false` rejects outbound calls at once
   * and aborts the signal of inbound handlers (their later answers are dropped); `force`
   * terminates the socket without a closing handshake. Every wait is bounded by
   * `closeTimeoutMs`. Resolves with the code and reason the close ended with (the first
   * close() call's are canonical). An invalid code or reason closes with 1000 and rejects
   * with the RangeError/TypeError that says why.
   */
  close(options: CloseOptions = {}): Promise<CloseResult> {
    const { awaitPending = true, force = false } = options;
    let { code = 1000, reason = "" } = options;
    const invalid = checkCloseArgs(options.code, options.reason);
    if (invalid) {
      code = 1000;
      reason = "";
    }
    const closed = startClose(this, code, reason, awaitPending, force);
    return invalid ? closed.then(() => Promise.reject(invalid)) : closed;
  }

  /** @internal True while calls are in flight either way. */
  busy(): boolean {
    return this.outbound.inFlight > 0 || this.inbound.size > 0;
  }

  /** @internal A call settled: a close() waiting for calls in flight may go on. */
  checkIdle(): void {
    if (this.closing && !this.busy()) this.closing.idle();
  }

  // ---------------------------------------------------------------- keep-alive

  private startKeepAlive(): void {
    const sweeper = this.keepAliveSweeper;
    if (!sweeper) return;
    (this.pinger ??= sweeper.pinger(this.listener)).start();
  }

  /** @internal */
  stopKeepAlive(): void {
    this.pinger?.stop();
  }

  /** @internal */
  deferPing(): void {
    this.pinger?.defer();
  }

  /** @internal */
  onPong(): void {
    if (this.rpcOptions.deferPingsOnActivity) this.deferPing();
    this.pinger?.pong();
  }
}

// The typed API's bodies (engine-api.ts) are the engine's own methods: no wrapper per call.
Object.assign(RpcEngine.prototype, { call, safeCall, handle });
