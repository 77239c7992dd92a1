import { ConnectionClosedError } from "../protocol/errors.js";
import { RpcEngine } from "../rpc/engine.js";
import { mergeRpcOptions, rejectUnknownOptions, RPC_DEFAULTS } from "../rpc/options.js";
import { checkStrictValidators, prepareValidator } from "../rpc/strict-mode.js";
import { ConnectionState, type OpenEvent, type RpcOptions } from "../rpc/types.js";
import type { Transport } from "../transport/transport.js";
import type { CsmsOutbound, KnownMethod, StationOutbound } from "../rpc/typed-api.js";
import { reconnectDelay } from "./backoff.js";
import {
  resolveConnectionOptions,
  type BaseClientOptions,
  type ResolvedConnectionOptions,
} from "./client-options.js";
import { buildConnectionUrl } from "./endpoint.js";

/** A transport that opened, with the platform's upgrade response (Node) if any. */
export interface OpenedTransport {
  transport: Transport;
  response?: unknown;
}

/**
 * Errors after which retrying cannot help: the server answered, but with a subprotocol the
 * client never offered (or none at all), so every retry would end the same way.
 */
const FATAL_CONNECT_ERRORS = [
  "Server sent no subprotocol",
  "Server sent an invalid subprotocol",
  "Server sent a subprotocol but none was requested",
];

/**
 * The station side's connection life: connect(), reconnect with exponential back-off and
 * jitter after an established connection is lost (never after close()), keeping the
 * negotiated subprotocol. Platform-free: Node and browser clients supply `openTransport`.
 */
export abstract class ReconnectingClient<P extends string = string> extends RpcEngine<
  StationOutbound<P>,
  CsmsOutbound<P>,
  KnownMethod<P>
> {
  protected connection: ResolvedConnectionOptions;
  private connectPromise: Promise<OpenEvent> | undefined;
  private attemptAbort: AbortController | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectAttempt = 0;

  /**
   * `optionKeys`: every option the concrete class accepts; anything else is refused here and
   * by reconfigure().
   */
  constructor(
    options: BaseClientOptions<P>,
    component: string,
    private readonly optionKeys: ReadonlySet<string>,
  ) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`${component}: options must be an object`);
    }
    rejectUnknownOptions(component, options, optionKeys);
    const connection = resolveConnectionOptions(options);
    super(connection.identity, mergeRpcOptions(RPC_DEFAULTS, options));
    checkStrictValidators(component, this.rpcOptions, connection.protocols);
    this.connection = connection;
    this.role = "station";
    this.applyQueuePolicy();
  }

  protected override offeredProtocols(): readonly string[] {
    return this._protocol !== undefined ? [this._protocol] : this.connection.protocols;
  }

  /** Opens a transport to `url` offering `protocols`; rejects on failure or `signal`. */
  protected abstract openTransport(
    url: string,
    protocols: readonly string[],
    signal: AbortSignal,
  ): Promise<OpenedTransport>;

  /**
   * Connects to the CSMS. Resolves with `{ response }` once open; rejects (and emits 'close')
   * when the first connection fails, e.g. with `UnexpectedHttpResponse` on an HTTP refusal.
   */
  connect(): Promise<OpenEvent> {
    switch (this._state) {
      case ConnectionState.OPEN:
        return Promise.resolve({});
      case ConnectionState.CONNECTING:
        return this.connectPromise ?? Promise.reject(new Error("connect(): already reconnecting"));
      case ConnectionState.CLOSING:
        return Promise.reject(new ConnectionClosedError("Cannot connect while closing"));
    }
    this.resetForConnect();
    this._identity = this.connection.identity;
    this.connectedOnce = false;
    this.reconnectAttempt = 0;
    this.setProtocol(undefined);
    this._state = ConnectionState.CONNECTING;
    const promise = this.attempt().catch((err: unknown) => {
      if (this._state === ConnectionState.CONNECTING) {
        this.abortConnecting();
        this._state = ConnectionState.CLOSING;
        this.finishClose({ code: 1006, reason: "Abnormal Closure" });
      }
      throw err;
    });
    this.connectPromise = promise;
    return promise;
  }

  private async attempt(): Promise<OpenEvent> {
    const protocols = this.offeredProtocols();
    const url = buildConnectionUrl(
      this.connection.endpoint,
      this.connection.identity,
      this.connection.query,
    );
    const abort = new AbortController();
    this.attemptAbort = abort;
    this.emit("connecting", { url, protocols });
    const opened = await this.openTransport(url, protocols, abort.signal);
    // Strict mode's schemas load on first need; frames arriving meanwhile are held.
    await prepareValidator(this.rpcOptions, opened.transport.protocol || undefined)?.catch(
      (err: unknown) => {
        opened.transport.terminate();
        throw err;
      },
    );
    this.attemptAbort = undefined;
    if (abort.signal.aborted || this._state !== ConnectionState.CONNECTING) {
      // close() won the race against the handshake.
      opened.transport.terminate();
      throw new ConnectionClosedError("Connection aborted", 1001);
    }
    if (this._protocol === undefined) {
      // Fixed from now on: reconnects offer only this subprotocol.
      this.setProtocol(opened.transport.protocol || undefined);
      if (this._protocol !== undefined) this.emit("protocol", this._protocol);
    }
    this.reconnectAttempt = 0;
    this.attachTransport(opened.transport);
    const event: OpenEvent = { response: opened.response };
    this.emit("open", event);
    return event;
  }

  protected override willReconnect(): boolean {
    return this.connection.reconnect;
  }

  protected override startReconnect(): void {
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectAttempt++;
    if (this.reconnectAttempt > this.connection.maxReconnects) {
      void this.close({ code: 1001, reason: "Giving up reconnecting" });
      return;
    }
    const delay = reconnectDelay(
      this.reconnectAttempt,
      this.connection.backoffMin,
      this.connection.backoffMax,
    );
    this.emit("reconnect", { attempt: this.reconnectAttempt, delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connectPromise = this.attempt();
      this.connectPromise.catch((err: unknown) => {
        if (this._state !== ConnectionState.CONNECTING) return;
        const message = err instanceof Error ? err.message : String(err);
        if (FATAL_CONNECT_ERRORS.includes(message)) {
          void this.close({ code: 1001, reason: message.slice(0, 120) });
        } else {
          if (this.listenerCount("error"))
            this.emit("error", err instanceof Error ? err : new Error(message));
          this.scheduleReconnect();
        }
      });
    }, delay);
  }

  protected override abortConnecting(): void {
    this.attemptAbort?.abort(new ConnectionClosedError("Connection aborted", 1001));
    this.attemptAbort = undefined;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  /**
   * Changes options at run time, all or nothing: every option is checked before any takes
   * effect. A new identity or endpoint takes effect at the next connect() (close() first).
   */
  reconfigure(options: Partial<BaseClientOptions<P>>): void {
    rejectUnknownOptions("reconfigure()", options, this.optionKeys);
    const connection = resolveConnectionOptions(options, this.connection);
    const rpc: Partial<RpcOptions> = options;
    checkStrictValidators(
      "reconfigure()",
      mergeRpcOptions(this.rpcOptions, rpc),
      connection.protocols,
    );
    this.reconfigureRpc(rpc);
    this.connection = connection;
    this.applyQueuePolicy();
  }

  private applyQueuePolicy(): void {
    this.keepQueueOnReconnect = this.connection.offlineQueue;
    this.offlineQueueLimit = this.connection.offlineQueue
      ? this.connection.offlineQueueMaxSize
      : Infinity;
  }
}
