import { EventEmitter } from "eventemitter3";
import {
  ConnectionClosedError,
  createRPCError,
  RPCError,
  RPCFrameworkError,
  RPCInternalError,
  RPCMessageTypeNotSupportedError,
  RPCNotImplementedError,
} from "../protocol/errors.js";
import {
  decodeFrame,
  encodeCall,
  encodeCallError,
  encodeCallResult,
  UNREADABLE_MESSAGE_ID,
  type OCPPMessage,
} from "../protocol/frame.js";
import { MessageType } from "../protocol/message-type.js";
import { protocolFamily, wireErrorCode, type ProtocolFamily } from "../protocol/version.js";
import { jitteredInterval, type KeepAliveSweeper } from "../transport/keep-alive.js";
import type { RawFrame, Transport, TransportListener } from "../transport/transport.js";
import type { Validator } from "../validation/index.js";
import { checkHandlerDirection, type Role } from "./direction.js";
import { getErrorPlainObject } from "./error-details.js";
import { HandlerRegistry } from "./handler-registry.js";
import { InboundCall } from "./inbound-call.js";
import { mergeRpcOptions } from "./options.js";
import { checkCloseArgs } from "./close-args.js";
import { EngineAdapter } from "./engine-adapter.js";
import { OutboundCalls } from "./outbound-calls.js";
import { PendingCall } from "./pending-call.js";
import { isLenient, prepareValidator, resolveValidator } from "./strict-mode.js";
import type {
  CallArgs,
  MethodOf,
  NoMethods,
  ProtocolMaps,
  Req,
  RequestOf,
  Res,
  ResponseOf,
  UntypedMethod,
} from "./typed-api.js";
import {
  ConnectionState,
  NOREPLY,
  type CallHandler,
  type CallOptions,
  type ClientEvents,
  type CloseOptions,
  type CloseResult,
  type RpcOptions,
  type WildcardHandler,
} from "./types.js";

const { CONNECTING, OPEN, CLOSING, CLOSED } = ConnectionState;

/** Shared, never written: see the lazy collections of RpcEngine. */
const EMPTY_MAP: ReadonlyMap<string, unknown> = new Map();
const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);
const NORMAL_CLOSE: CloseResult = Object.freeze({ code: 1000, reason: "" });

/**
 * The one OCPP-J RPC engine behind every client class: outbound calls (ids, queue with
 * `callConcurrency`, timeouts, abort signals), inbound dispatch (handlers, `reply()`,
 * NOREPLY), bad-message accounting, strict mode, keep-alive and close. It talks to the
 * network only through a `Transport`; roles add how a transport is obtained.
 */
export class RpcEngine<
  Out extends ProtocolMaps = NoMethods,
  In extends ProtocolMaps = NoMethods,
  Reserved extends string = never,
> extends EventEmitter<ClientEvents> {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;

  protected _state: ConnectionState = CLOSED;
  protected _protocol: string | undefined;
  protected _identity: string;
  protected rpcOptions: RpcOptions;
  protected transport: Transport | undefined;
  /** True once a connection has opened; decides what close() during CONNECTING reports. */
  protected connectedOnce = false;
  /** Keep queued (unsent) calls across a reconnect instead of rejecting them. */
  protected keepQueueOnReconnect = false;
  /** Most calls held while not OPEN; beyond it the oldest is rejected (offline queue). */
  protected set offlineQueueLimit(limit: number) {
    this.outbound.offlineLimit = limit;
  }
  /** Where this engine's keep-alive is ticked from; set by the role. */
  protected keepAliveSweeper: KeepAliveSweeper | undefined;

  private family: ProtocolFamily = "other";
  private validator: Validator | undefined;
  private lenient = false;
  private validatorLoading = false;
  private readonly handlers = new HandlerRegistry();
  // Idle connections are the common case on a CSMS: these start shared and empty, and a
  // connection gets its own on first write.
  private inbound: Map<string, InboundCall> = EMPTY_MAP as Map<string, InboundCall>;
  private rawQueue: string[] = EMPTY_ARRAY as string[];
  private readonly outbound: OutboundCalls;
  private badMessages = 0;
  private closePromise: Promise<CloseResult> | undefined;
  private closeWaiter: ((result: CloseResult) => void) | undefined;
  private idleWaiter: (() => void) | undefined;
  private lastClose: CloseResult = NORMAL_CLOSE;
  private nextPingAt = 0;
  private lastPingAt = 0;
  private awaitingPong = false;

  /** `options` are complete and checked (see mergeRpcOptions); a server shares one object among its clients. */
  constructor(identity: string, options: Readonly<RpcOptions>) {
    super();
    this._identity = identity;
    this.rpcOptions = options;
    const adapter = new EngineAdapter(this);
    this.listener = adapter;
    this.outbound = new OutboundCalls(adapter);
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

  // ---------------------------------------------------------------- configuration

  /** Changes RPC options at run time; checked like the constructor's. */
  protected reconfigureRpc(options: Partial<RpcOptions>): void {
    const next = mergeRpcOptions(this.rpcOptions, options);
    this.rpcOptions = next;
    this.applyValidation();
    if (options.pingIntervalMs !== undefined && this.transport) this.startKeepAlive();
    this.outbound.pump();
  }

  /** Sets the negotiated subprotocol and what follows from it (version rules, validator). */
  protected setProtocol(protocol: string | undefined): void {
    this._protocol = protocol;
    this.family = protocolFamily(protocol);
    this.applyValidation();
  }

  private applyValidation(): void {
    this.validator = resolveValidator(this.rpcOptions, this._protocol);
    this.lenient = this.validator !== undefined && isLenient(this.rpcOptions, this._protocol!);
    // Roles load the schemas before a connection opens; this covers reconfigure() turning
    // strict mode on for an open one: refuse (never pass) until they are there.
    const loading = prepareValidator(this.rpcOptions, this._protocol);
    this.validatorLoading = loading !== undefined;
    loading?.then(
      () => this.applyValidation(),
      (err: unknown) => this.reportHandlerError(err),
    );
  }

  // ---------------------------------------------------------------- handlers

  /**
   * Registers a handler: `handle(method, handler)`, `handle(protocol, method, handler)` (only
   * for connections that negotiated `protocol`) or `handle(wildcardHandler)` for every method
   * without a handler of its own. A later registration replaces an earlier one.
   *
   * @example
   * client.handle("Reset", ({ params }) => ({ status: "Accepted" }));
   */
  handle<Pr extends keyof In & string, M extends keyof In[Pr] & string>(
    protocol: Pr,
    method: M,
    // NoInfer: the handler's literal answers ("Accepted") are checked, not widened.
    handler: NoInfer<CallHandler<Req<In[Pr][M]>, Res<In[Pr][M]>>>,
  ): void;
  handle<M extends MethodOf<In>>(
    method: M,
    handler: CallHandler<RequestOf<In, M>, ResponseOf<In, M>>,
  ): void;
  handle<M extends string>(method: UntypedMethod<M, Reserved>, handler: CallHandler): void;
  handle(handler: WildcardHandler): void;
  handle(...args: unknown[]): void {
    if (args.length === 1) {
      if (typeof args[0] !== "function") {
        throw new TypeError("handle(handler): the wildcard handler must be a function");
      }
      this.handlers.wildcard = args[0] as WildcardHandler;
      return;
    }
    const [protocol, method, handler] = args.length >= 3 ? args : [undefined, args[0], args[1]];
    if (protocol !== undefined && typeof protocol !== "string") {
      throw new TypeError("handle(protocol, method, handler): protocol must be a string");
    }
    if (typeof method !== "string" || method.length === 0) {
      throw new TypeError("handle(method, handler): method must be a non-empty string");
    }
    if (typeof handler !== "function") {
      throw new TypeError(`handle('${method}', handler): handler must be a function`);
    }
    checkHandlerDirection(
      this.role,
      method,
      protocol === undefined ? this.offeredProtocols() : [protocol],
    );
    this.handlers.set(protocol, method, handler as CallHandler);
  }

  /** Which side this engine plays, for the direction checks of handle(). */
  protected role: Role | undefined;

  /** The subprotocols this engine may end up speaking. */
  protected offeredProtocols(): readonly string[] {
    return this._protocol !== undefined ? [this._protocol] : [];
  }

  /**
   * Removes a handler: `removeHandler(method)`, `removeHandler(protocol, method)`, or
   * `removeHandler()` for the wildcard handler.
   */
  removeHandler(...args: string[]): void {
    if (args.length === 0 || args[0] === undefined) {
      this.handlers.wildcard = undefined;
    } else if (args.length >= 2) {
      this.handlers.delete(args[0], args[1]!);
    } else {
      this.handlers.delete(undefined, args[0]);
    }
  }

  /** Removes every handler, the wildcard one included. */
  removeAllHandlers(): void {
    this.handlers.clear();
  }

  // ---------------------------------------------------------------- outbound

  /**
   * Calls a method on the peer: `call(method, params?, options?)` or
   * `call(protocol, method, params, options?)`. Resolves with the result; rejects with the
   * peer's `RPCError`, a `TimeoutError`, the abort signal's reason, or a
   * `ConnectionClosedError`. Calls made while CONNECTING wait for the connection.
   *
   * @example
   * const res = await client.call("BootNotification", { chargePointVendor: "V", chargePointModel: "M" });
   */
  call<Pr extends keyof Out & string, M extends keyof Out[Pr] & string>(
    protocol: Pr,
    method: M,
    ...args: CallArgs<Req<Out[Pr][M]>>
  ): Promise<Res<Out[Pr][M]>>;
  call<M extends MethodOf<Out>>(
    method: M,
    ...args: CallArgs<RequestOf<Out, M>>
  ): Promise<ResponseOf<Out, M>>;
  call<M extends string>(
    method: UntypedMethod<M, Reserved>,
    params?: unknown,
    options?: CallOptions,
  ): Promise<unknown>;
  call(...args: unknown[]): Promise<unknown> {
    let protocol: unknown, method: unknown, params: unknown, options: unknown;
    if (this.isProtocolForm(args)) [protocol, method, params, options] = args;
    else [method, params, options] = args;

    if (typeof method !== "string" || method.length === 0) {
      return Promise.reject(
        new TypeError("call(method, params): method must be a non-empty string"),
      );
    }
    const opts = (options ?? {}) as CallOptions;
    if (typeof opts !== "object") {
      return Promise.reject(new TypeError("call(): options must be an object"));
    }
    if (protocol !== undefined && this._protocol !== undefined && protocol !== this._protocol) {
      return Promise.reject(
        new RPCMessageTypeNotSupportedError(
          `call(${JSON.stringify(protocol)}, '${method}'): this connection negotiated '${this._protocol}'`,
        ),
      );
    }
    if (this._state === CLOSED || this._state === CLOSING) {
      return Promise.reject(
        new ConnectionClosedError(`Cannot call '${method}': the connection is ${this.stateName()}`),
      );
    }
    const timeoutMs = opts.timeoutMs ?? opts.callTimeoutMs ?? this.rpcOptions.callTimeoutMs;
    if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs < 0) {
      return Promise.reject(new RangeError(`call('${method}'): timeoutMs must be a number >= 0`));
    }
    const signal = opts.signal;
    // AbortSignal semantics: the call rejects with the reason exactly as the caller gave it.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (signal?.aborted) return Promise.reject(signal.reason);

    const call = new PendingCall(
      method,
      params === undefined ? {} : params,
      timeoutMs,
      opts,
      protocol as string | undefined,
    );
    this.outbound.submit(call);
    return call.promise;
  }

  /**
   * Sends an OCPP 2.1 SEND message (an unconfirmed message such as NotifyPeriodicEventStream,
   * 2.1 Part 4 §4.2.4): no answer is expected. Resolves once handed to the socket.
   */
  send(...args: unknown[]): Promise<void> {
    let protocol: unknown, method: unknown, params: unknown;
    if (args.length >= 3) [protocol, method, params] = args;
    else [method, params] = args;
    if (typeof method !== "string" || method.length === 0) {
      return Promise.reject(
        new TypeError("send(method, params): method must be a non-empty string"),
      );
    }
    if (protocol !== undefined && protocol !== this._protocol) {
      return Promise.reject(
        new RPCMessageTypeNotSupportedError(
          `send() for ${JSON.stringify(protocol)} on a '${this._protocol}' connection`,
        ),
      );
    }
    if (this.family !== "2.1") {
      return Promise.reject(
        new RPCMessageTypeNotSupportedError(
          `SEND messages need OCPP 2.1; this connection negotiated '${this._protocol ?? "none"}'`,
        ),
      );
    }
    if (this._state !== OPEN || !this.transport) {
      return Promise.reject(
        new ConnectionClosedError(`Cannot send '${method}': the connection is ${this.stateName()}`),
      );
    }
    const payload = params === undefined ? {} : params;
    const invalid = this.validate(method, "request", payload);
    const messageId = this.outbound.nextId();
    if (invalid && this.strictFailure(invalid, messageId, method, payload, null, true, true)) {
      return Promise.reject(invalid);
    }
    let text: string;
    try {
      text = encodeCall(messageId, method, payload, MessageType.SEND);
    } catch (err) {
      return Promise.reject(
        new TypeError(`send('${method}'): params cannot be serialised`, { cause: err }),
      );
    }
    if (this.listenerCount("send")) {
      this.emit("send", { outbound: true, messageId, method, params: payload });
    }
    this.sendFrame(text);
    return Promise.resolve();
  }

  /**
   * Sends a frame as it is (advanced use). While CONNECTING it is queued until open.
   */
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
      throw new ConnectionClosedError(`Cannot send: the connection is ${this.stateName()}`);
    }
  }

  private isProtocolForm(args: unknown[]): boolean {
    // call(protocol, method, params, options?) vs call(method, params?, options?): the
    // protocol form has a string second argument and a protocol name first.
    const [first, second] = args;
    if (typeof first !== "string" || typeof second !== "string") return false;
    return protocolFamily(first) !== "other" || first === this._protocol;
  }

  /** @internal True while calls may be written. */
  canTransmit(): boolean {
    return this._state === OPEN && this.transport !== undefined;
  }

  /** @internal */
  callConcurrency(): number {
    return this.rpcOptions.callConcurrency;
  }

  /** @internal Writes an outbound call (see OutboundCalls); returns why it was refused, if so. */
  transmit(call: PendingCall, id: string): Error | undefined {
    if (call.protocol !== undefined && call.protocol !== this._protocol) {
      // Queued before the handshake, and the connection settled on another version.
      return new RPCMessageTypeNotSupportedError(
        `call('${call.protocol}', '${call.method}'): this connection negotiated '${this._protocol ?? "none"}'`,
      );
    }
    const invalid = this.validate(call.method, "request", call.params);
    if (invalid && this.strictFailure(invalid, id, call.method, call.params, null, true, true)) {
      return invalid;
    }
    let text: string;
    try {
      text = encodeCall(id, call.method, call.params);
    } catch (err) {
      return new TypeError(`call('${call.method}'): params cannot be serialised`, { cause: err });
    }
    if (this.listenerCount("call")) {
      this.emit("call", {
        outbound: true,
        messageId: id,
        method: call.method,
        params: call.params,
        payload: [MessageType.CALL, id, call.method, call.params],
      });
    }
    this.sendFrame(text);
    return undefined;
  }

  private sendFrame(text: string): void {
    if (this.listenerCount("message")) this.emit("message", { message: text, outbound: true });
    this.transport!.send(text);
  }

  /** Rejects every call (and raw frame) waiting for a free slot or the connection. */
  protected rejectQueued(error: Error): void {
    this.rawQueue = EMPTY_ARRAY as string[];
    this.outbound.rejectQueued(error);
  }

  // ---------------------------------------------------------------- inbound

  private readonly listener: TransportListener;

  /** @internal Transport events, routed by EngineListener. */
  onTransportError(error: Error): void {
    if (this.listenerCount("socketError")) this.emit("socketError", error);
  }

  /** @internal */
  onTransportPing(): void {
    if (this.rpcOptions.deferPingsOnActivity) this.deferPing();
  }

  /** @internal */
  onFrame(data: RawFrame, isBinary: boolean): void {
    if (this.rpcOptions.deferPingsOnActivity) this.deferPing();
    const text = typeof data === "string" ? data : data.toString("utf8");
    if (this.listenerCount("message")) this.emit("message", { message: text, outbound: false });

    if (isBinary) {
      // OCPP-J frames are UTF-8 JSON text (J16 §4.1.2); a binary frame is not a message.
      this.onBadMessage(
        data,
        text,
        new RPCFrameworkError("Binary frames are not supported; OCPP-J uses text frames"),
        UNREADABLE_MESSAGE_ID,
        true,
        undefined,
      );
      return;
    }
    // Some stations send empty frames as a keep-alive; they carry nothing to answer.
    if (text.length === 0) return;

    const decoded = decodeFrame(text, this.family);
    if (!decoded.ok) {
      this.onBadMessage(
        data,
        text,
        decoded.error,
        decoded.messageId,
        decoded.respond,
        decoded.responseId,
      );
      return;
    }
    const message = decoded.message;
    switch (message[0]) {
      case MessageType.CALL:
        this.onCall(data, text, message[1], message[2], message[3]);
        break;
      case MessageType.CALLRESULT:
        this.onCallResult(data, text, message);
        break;
      case MessageType.CALLERROR:
        this.onCallError(data, text, message);
        break;
      case MessageType.CALLRESULTERROR:
        this.badMessages = 0;
        this.emitResponse(message);
        this.emit("callResultError", {
          messageId: message[1],
          errorCode: message[2],
          errorDescription: message[3],
          errorDetails: message[4],
        });
        break;
      case MessageType.SEND:
        this.onSend(message[1], message[2], message[3]);
        break;
    }
  }

  private onBadMessage(
    buffer: RawFrame,
    text: string,
    error: RPCError,
    messageId: string,
    respond: boolean,
    responseId: string | undefined,
  ): void {
    this.badMessages++;
    let response: OCPPMessage | null = null;
    if (respond) {
      response = [
        MessageType.CALLERROR,
        messageId,
        wireErrorCode(error.rpcErrorCode, this.family),
        error.message,
        error.details,
      ];
    }
    // A malformed answer to a call we are waiting for fails that call now, not at timeout.
    const waiting = responseId !== undefined ? this.outbound.get(responseId) : undefined;
    if (waiting) {
      this.outbound.settle(waiting);
      waiting.reject(error);
    }
    if (this.listenerCount("badMessage")) {
      this.emit("badMessage", { message: text, buffer, error, response });
    }
    if (response && this.transport?.writable) {
      this.sendFrame(encodeCallError(messageId, response[2], response[3], response[4]));
    }
    if (this.badMessages > this.rpcOptions.maxBadMessages && this._state === OPEN) {
      void this.close({ code: 1002, reason: "Too many bad messages" });
    }
  }

  private emitResponse(payload: OCPPMessage): void {
    if (this.listenerCount("response")) this.emit("response", { outbound: false, payload });
  }

  private onCallResult(
    buffer: RawFrame,
    text: string,
    message: [typeof MessageType.CALLRESULT, string, unknown],
  ): void {
    const id = message[1];
    const call = this.outbound.get(id);
    if (!call) {
      this.onUnmatchedResponse(buffer, text, message, "CALLRESULT");
      return;
    }
    this.badMessages = 0;
    this.emitResponse(message);
    const result = message[2];
    this.outbound.settle(call);
    const invalid = this.validate(call.method, "response", result);
    if (
      invalid &&
      this.strictFailure(invalid, id, call.method, call.params, result, false, false)
    ) {
      if (this.family === "2.1" && this.transport?.writable) {
        // 2.1 Part 4 §4.2.3: a CALLRESULT that cannot be processed is answered with CALLRESULTERROR.
        this.sendFrame(
          encodeCallError(
            id,
            wireErrorCode(invalid.rpcErrorCode, this.family),
            invalid.message,
            invalid.details,
            MessageType.CALLRESULTERROR,
          ),
        );
      }
      this.emitCallError(true, id, call.method, call.params, invalid);
      call.reject(invalid);
      return;
    }
    if (this.listenerCount("callResult")) {
      this.emit("callResult", {
        outbound: true,
        messageId: id,
        method: call.method,
        params: call.params,
        result,
      });
    }
    call.resolve(result);
  }

  private onCallError(
    buffer: RawFrame,
    text: string,
    message: [typeof MessageType.CALLERROR, string, string, string, Record<string, unknown>],
  ): void {
    const id = message[1];
    const call = this.outbound.get(id);
    if (!call) {
      this.onUnmatchedResponse(buffer, text, message, "CALLERROR");
      return;
    }
    this.badMessages = 0;
    this.emitResponse(message);
    this.outbound.settle(call);
    const error = createRPCError(message[2], message[3], message[4]);
    this.emitCallError(true, id, call.method, call.params, error);
    call.reject(error);
  }

  private onUnmatchedResponse(
    buffer: RawFrame,
    text: string,
    message: OCPPMessage,
    kind: string,
  ): void {
    if (this.outbound.takeAbandoned(message[1])) {
      // The late answer to a call that timed out or was aborted: expected, not malformed.
      this.emitResponse(message);
      return;
    }
    this.onBadMessage(
      buffer,
      text,
      new RPCFrameworkError(`Received ${kind} for unknown message id: ${message[1]}`),
      message[1],
      false,
      undefined,
    );
  }

  private onCall(
    buffer: RawFrame,
    text: string,
    id: string,
    method: string,
    params: unknown,
  ): void {
    if (this.inbound.has(id)) {
      // J16 §4.2.3: "an existing call with the same unique identifier is being handled already".
      this.onBadMessage(
        buffer,
        text,
        new RPCFrameworkError(`Already processing a call with message id: ${id}`),
        id,
        true,
        undefined,
      );
      return;
    }
    this.badMessages = 0;
    if (this.listenerCount("call")) {
      this.emit("call", {
        outbound: false,
        messageId: id,
        method,
        params,
        payload: [MessageType.CALL, id, method, params],
      });
    }
    const handler = this.handlers.find(this._protocol, method);
    const wildcard = handler ? undefined : this.handlers.wildcard;
    if (!handler && !wildcard) {
      this.answerError(
        id,
        method,
        params,
        new RPCNotImplementedError(`Unable to handle '${method}' calls`),
      );
      return;
    }
    const invalid = this.validate(method, "request", params);
    if (invalid && this.strictFailure(invalid, id, method, params, null, false, true)) {
      this.answerError(id, method, params, invalid);
      return;
    }
    const call = new InboundCall(this, id, method, params, this._protocol);
    let returned: unknown;
    try {
      returned = handler ? handler(call) : wildcard!(method, call);
    } catch (err) {
      call.answer(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (call.settled) return;
    if (isThenable(returned)) {
      if (this.inbound === EMPTY_MAP) this.inbound = new Map();
      this.inbound.set(id, call);
      returned.then(
        (value) => call.answer(value),
        (err: unknown) => call.answer(err instanceof Error ? err : new Error(String(err))),
      );
    } else {
      call.answer(returned);
    }
  }

  private onSend(id: string, method: string, params: unknown): void {
    this.badMessages = 0;
    if (this.listenerCount("send"))
      this.emit("send", { outbound: false, messageId: id, method, params });
    const invalid = this.validate(method, "request", params);
    // A SEND is never answered (2.1 Part 4 §4.2.4): a refused one is only reported.
    if (invalid && this.strictFailure(invalid, id, method, params, null, false, true)) return;
    const handler = this.handlers.find(this._protocol, method);
    const wildcard = handler ? undefined : this.handlers.wildcard;
    if (!handler && !wildcard) return;
    const call = new InboundCall(this, id, method, params, this._protocol, true);
    try {
      const returned = handler ? handler(call) : wildcard!(method, call);
      if (isThenable(returned)) {
        returned.then(undefined, (err: unknown) => this.reportHandlerError(err));
      }
    } catch (err) {
      this.reportHandlerError(err);
    }
  }

  private reportHandlerError(err: unknown): void {
    if (this.listenerCount("error")) {
      this.emit("error", err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Called by InboundCall once its answer is known. @internal */
  finishInbound(call: InboundCall, value: unknown): void {
    if (this.inbound.get(call.messageId) === call) {
      this.inbound.delete(call.messageId);
      this.checkIdle();
    }
    if (call.isSend || value === NOREPLY) return;
    if (value instanceof Error) {
      this.answerError(call.messageId, call.method, call.params, value);
      return;
    }
    const result = value === undefined ? {} : value;
    const invalid = this.validate(call.method, "response", result);
    if (
      invalid &&
      this.strictFailure(invalid, call.messageId, call.method, call.params, result, true, false)
    ) {
      this.answerError(call.messageId, call.method, call.params, new RPCInternalError());
      return;
    }
    let text: string;
    try {
      text = encodeCallResult(call.messageId, result);
    } catch (err) {
      this.answerError(
        call.messageId,
        call.method,
        call.params,
        new RPCInternalError("The handler's result cannot be serialised", {}, { cause: err }),
      );
      return;
    }
    if (!this.transport?.writable) return;
    if (this.listenerCount("response")) {
      this.emit("response", {
        outbound: true,
        payload: [MessageType.CALLRESULT, call.messageId, result],
      });
    }
    if (this.listenerCount("callResult")) {
      this.emit("callResult", {
        outbound: false,
        messageId: call.messageId,
        method: call.method,
        params: call.params,
        result,
      });
    }
    this.sendFrame(text);
  }

  private answerError(id: string, method: string, params: unknown, err: Error): void {
    const rpcError =
      err instanceof RPCError ? err : new RPCInternalError(err.message, {}, { cause: err });
    const hasDetails = Object.keys(rpcError.details).length > 0;
    const details = hasDetails
      ? rpcError.details
      : this.rpcOptions.respondWithDetailedErrors
        ? getErrorPlainObject(err)
        : {};
    const code = wireErrorCode(rpcError.rpcErrorCode, this.family);
    const description = rpcError.message || rpcError.rpcErrorMessage;
    this.emitCallError(false, id, method, params, rpcError);
    if (!this.transport?.writable) return;
    if (this.listenerCount("response")) {
      this.emit("response", {
        outbound: true,
        payload: [MessageType.CALLERROR, id, code, description, details],
      });
    }
    this.sendFrame(encodeCallError(id, code, description, details));
  }

  private emitCallError(
    outbound: boolean,
    messageId: string,
    method: string,
    params: unknown,
    error: RPCError,
  ): void {
    if (this.listenerCount("callError")) {
      this.emit("callError", { outbound, messageId, method, params, error });
    }
  }

  // ---------------------------------------------------------------- strict mode

  private validate(
    method: string,
    kind: "request" | "response",
    payload: unknown,
  ): RPCError | undefined {
    const validator = this.validator;
    if (!validator) {
      return this.validatorLoading
        ? new RPCInternalError(`Strict mode: the ${this._protocol} schemas are still loading`)
        : undefined;
    }
    const methods = this.rpcOptions.strictModeMethods;
    if (methods && !methods.includes(method)) return undefined;
    // A method without a schema comes back as ProtocolError: strict mode never passes a
    // message it cannot check.
    return validator.validate(method, kind, payload);
  }

  /**
   * Reports a validation failure; true when the message must be refused, false under
   * lenient validation (reported only, for fleets whose payloads are slightly off).
   */
  private strictFailure(
    error: RPCError,
    messageId: string,
    method: string,
    params: unknown,
    result: unknown,
    outbound: boolean,
    isCall: boolean,
  ): boolean {
    if (this.listenerCount("strictValidationFailure")) {
      const message: OCPPMessage = isCall
        ? [MessageType.CALL, messageId, method, params]
        : [MessageType.CALLRESULT, messageId, result];
      this.emit("strictValidationFailure", {
        error,
        message,
        messageId,
        method,
        params,
        result,
        outbound,
        isCall,
      });
    }
    return !this.lenient;
  }

  // ---------------------------------------------------------------- connection lifecycle

  /** Starts using an open transport: state OPEN, keep-alive, queued frames and calls go out. */
  protected attachTransport(transport: Transport): void {
    this.transport = transport;
    this.outbound.resetIds();
    this.badMessages = 0;
    this._state = OPEN;
    this.connectedOnce = true;
    transport.listen(this.listener);
    this.startKeepAlive();
    const raw = this.rawQueue;
    this.rawQueue = EMPTY_ARRAY as string[];
    for (const frame of raw) this.sendFrame(frame);
    this.outbound.pump();
  }

  /** Whether the role reconnects after losing an open connection; the base never does. */
  protected willReconnect(): boolean {
    return false;
  }

  /** Begins reconnecting (state is CONNECTING); called only when willReconnect() said so. */
  protected startReconnect(): void {}

  /** Abort an ongoing connection attempt (close() during CONNECTING). */
  protected abortConnecting(): void {}

  /** @internal */
  onTransportClose(code: number, reason: string): void {
    this.transport = undefined;
    this.stopKeepAlive();
    const result = { code, reason };
    const error = new ConnectionClosedError(
      `Connection closed (${code}${reason ? `: ${reason}` : ""}) before an answer arrived`,
      code,
    );
    const closing = this._state === CLOSING;
    const reconnect = !closing && this._state === OPEN && this.willReconnect();
    // Leave OPEN before anything is rejected: a freed slot must not send on a dead socket.
    if (!closing) this._state = reconnect ? CONNECTING : CLOSING;
    this.outbound.rejectPending(error);
    this.abortInbound(error);
    if (reconnect && !this.keepQueueOnReconnect) {
      this.rejectQueued(
        new ConnectionClosedError("Connection lost before the call was sent", code),
      );
    }
    this.emit("disconnect", result);
    if (reconnect) {
      this.startReconnect();
    } else {
      if (!closing) this.emit("closing");
      this.finishClose(result);
    }
  }

  private abortInbound(reason: Error): void {
    const calls = [...this.inbound.values()];
    this.inbound.clear();
    for (const call of calls) call.abort(reason);
    this.checkIdle();
  }

  /** Ends in CLOSED: queued calls rejected, 'close' emitted, close() resolved. */
  protected finishClose(result: CloseResult): void {
    this._state = CLOSED;
    this.lastClose = result;
    this.rejectQueued(new ConnectionClosedError(`Connection closed (${result.code})`, result.code));
    this.emit("close", result);
    const waiter = this.closeWaiter;
    this.closeWaiter = undefined;
    waiter?.(result);
  }

  /**
   * Closes the connection. Unless `awaitPending`, calls in flight are rejected at once and
   * inbound handlers see their signal aborted; unless `force`, it waits for them to settle
   * before the closing handshake. Resolves with the code and reason the close ended with
   * (the first close() call's are canonical).
   */
  close(options: CloseOptions = {}): Promise<CloseResult> {
    const { code, reason, awaitPending = false, force = false } = options;
    const invalid = checkCloseArgs(code, reason);
    if (invalid) return Promise.reject(invalid);
    if (this._state === CLOSING && this.closePromise) return this.closePromise;
    if (this._state === CLOSED) return this.closePromise ?? Promise.resolve(this.lastClose);

    if (this._state === CONNECTING) {
      const result = this.connectedOnce
        ? { code: code ?? 1000, reason: reason ?? "" }
        : { code: 1001, reason: "Connection aborted" };
      this.abortConnecting();
      this._state = CLOSING;
      this.emit("closing");
      this.finishClose(result);
      this.closePromise = Promise.resolve(result);
      return this.closePromise;
    }

    // OPEN
    this._state = CLOSING;
    this.emit("closing");
    const closeError = new ConnectionClosedError("Connection closing before the call was sent");
    this.rejectQueued(closeError);
    if (force || !awaitPending) {
      const error = new ConnectionClosedError("Connection closing");
      this.outbound.rejectPending(error);
      for (const call of this.inbound.values()) call.abortSignal(error);
    }
    const done = new Promise<CloseResult>((resolve) => (this.closeWaiter = resolve));
    this.closePromise = (async () => {
      if (force) {
        this.transport?.terminate();
      } else {
        await this.whenIdle();
        this.transport?.close(code ?? 1000, reason ?? "");
      }
      return done;
    })();
    return this.closePromise;
  }

  private whenIdle(): Promise<void> {
    if (this.outbound.inFlight === 0 && this.inbound.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idleWaiter = resolve));
  }

  /** @internal Resolves a close() waiting for calls in flight once there are none. */
  checkIdle(): void {
    if (this.idleWaiter && this.outbound.inFlight === 0 && this.inbound.size === 0) {
      const waiter = this.idleWaiter;
      this.idleWaiter = undefined;
      waiter();
    }
  }

  /** Forgets how the last close went, so that a new connection starts fresh. */
  protected resetForConnect(): void {
    this.closePromise = undefined;
  }

  private stateName(): string {
    return ["connecting", "open", "closing", "closed"][this._state]!;
  }

  // ---------------------------------------------------------------- keep-alive

  private startKeepAlive(): void {
    const sweeper = this.keepAliveSweeper;
    if (!sweeper) return;
    const interval = this.rpcOptions.pingIntervalMs;
    if (interval > 0 && Number.isFinite(interval) && this.transport) {
      this.awaitingPong = false;
      this.nextPingAt = Date.now() + jitteredInterval(interval);
      sweeper.add(this);
    } else {
      sweeper.delete(this);
    }
  }

  private stopKeepAlive(): void {
    this.keepAliveSweeper?.delete(this);
    this.awaitingPong = false;
  }

  private deferPing(): void {
    this.nextPingAt = Date.now() + jitteredInterval(this.rpcOptions.pingIntervalMs);
  }

  /** Visited by the keep-alive sweeper. @internal */
  keepAliveTick(now: number): void {
    const transport = this.transport;
    if (!transport || this._state !== OPEN || now < this.nextPingAt) return;
    if (this.awaitingPong) {
      // No pong for a whole interval: the peer is gone or the socket is half-open
      // (1.6 errata §3.9). Dropping it lets the close and reconnect logic take over.
      transport.terminate();
      return;
    }
    if (!transport.ping()) return;
    this.awaitingPong = true;
    this.lastPingAt = now;
    this.nextPingAt = now + jitteredInterval(this.rpcOptions.pingIntervalMs);
    if (this.listenerCount("ping")) this.emit("ping", { timestamp: now });
  }

  /** @internal */
  onPong(): void {
    this.awaitingPong = false;
    if (this.rpcOptions.deferPingsOnActivity) this.deferPing();
    if (this.listenerCount("pong")) this.emit("pong", { rtt: Date.now() - this.lastPingAt });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
