import { ConnectionClosedError } from "../protocol/errors.js";
import type { ConnectionLifecycle } from "../rpc/connection-close.js";
import { prepareValidator } from "../rpc/strict-mode.js";
import {
  ConnectionState,
  type CloseResult,
  type OpenEvent,
  type RpcOptions,
} from "../rpc/types.js";
import type { Transport } from "../transport/transport.js";
import { reconnectDelay } from "./backoff.js";
import type { ResolvedConnectionOptions } from "./client-options.js";
import { buildConnectionUrl } from "./endpoint.js";

/** A transport that opened, with the platform's upgrade response (Node) if any. */
export interface OpenedTransport {
  transport: Transport;
  response?: unknown;
}

/** How a platform opens a WebSocket to the CSMS (Node: `ws`; browsers: the native WebSocket). */
export interface Connector {
  /** Opens a transport to `url` offering `protocols`; rejects on failure or when `signal` aborts. */
  open(url: string, protocols: readonly string[], signal: AbortSignal): Promise<OpenedTransport>;
}

/** The engine members the reconnector drives (RpcEngine's, marked internal there). */
export interface ReconnectHost {
  readonly state: ConnectionState;
  readonly protocol: string | undefined;
  readonly rpcOptions: RpcOptions;
  readonly connectedOnce: boolean;
  /** What must be in place before frames move (the exchange log's code), if anything. */
  readonly beforeOpen: Promise<void> | undefined;
  offeredProtocols(): readonly string[];
  setProtocol(protocol: string | undefined): void;
  beginConnecting(): void;
  failConnecting(): void;
  attachTransport(transport: Transport): void;
  close(options: { code: number; reason: string }): Promise<CloseResult>;
  emit(event: "connecting", e: { url: string; protocols: readonly string[] }): boolean;
  emit(event: "reconnect", e: { attempt: number; delay: number }): boolean;
  emit(event: "protocol", protocol: string): boolean;
  emit(event: "open", e: OpenEvent): boolean;
  emit(event: "error", error: Error): boolean;
  listenerCount(event: "error"): number;
  once(event: "open", listener: (e: OpenEvent) => void): unknown;
  once(event: "close", listener: (e: CloseResult) => void): unknown;
  off(event: "open", listener: (e: OpenEvent) => void): unknown;
  off(event: "close", listener: (e: CloseResult) => void): unknown;
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
 * The station side's connection life: connect(), and after an established connection is
 * lost (never after close()) reconnects with exponential back-off and jitter (OCPP 2.x
 * Part 4 §5.3), keeping the negotiated subprotocol. Platform-free: a Connector opens sockets.
 */
export class Reconnector implements ConnectionLifecycle {
  private connectPromise: Promise<OpenEvent> | undefined;
  private attemptAbort: AbortController | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectAttempt = 0;

  constructor(
    private readonly engine: ReconnectHost,
    private readonly connector: Connector,
    private readonly connection: () => ResolvedConnectionOptions,
  ) {}

  /**
   * Connects. While a connection attempt is under way, returns that attempt; during the
   * back-off between reconnect attempts, tries at once and resolves with the next open.
   */
  connect(): Promise<OpenEvent> {
    switch (this.engine.state) {
      case ConnectionState.OPEN:
        return Promise.resolve({});
      case ConnectionState.CONNECTING:
        // The first connect() is one attempt; after a drop, the next open is what counts.
        return this.engine.connectedOnce ? this.reconnectNow() : this.connectPromise!;
      case ConnectionState.CLOSING:
        return Promise.reject(new ConnectionClosedError("Cannot connect while closing"));
    }
    this.engine.beginConnecting();
    this.reconnectAttempt = 0;
    this.engine.setProtocol(undefined);
    const promise = this.attempt().catch((err: unknown) => {
      this.engine.failConnecting();
      throw err;
    });
    this.connectPromise = promise;
    return promise;
  }

  /** connect() during the back-off: skip the wait, and resolve once connected again. */
  private reconnectNow(): Promise<OpenEvent> {
    const reopened = new Promise<OpenEvent>((resolve, reject) => {
      const onOpen = (event: OpenEvent) => {
        this.engine.off("close", onClose);
        resolve(event);
      };
      const onClose = (result: CloseResult) => {
        this.engine.off("open", onOpen);
        reject(new ConnectionClosedError(`Connection closed (${result.code}) while reconnecting`));
      };
      this.engine.once("open", onOpen);
      this.engine.once("close", onClose);
    });
    if (this.reconnectTimer !== undefined) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.retry();
    }
    return reopened;
  }

  private async attempt(): Promise<OpenEvent> {
    const connection = this.connection();
    const protocols = this.engine.offeredProtocols();
    const url = buildConnectionUrl(connection.endpoint, connection.identity, connection.query);
    const abort = new AbortController();
    this.attemptAbort = abort;
    try {
      this.engine.emit("connecting", { url, protocols });
      const opened = await this.connector.open(url, protocols, abort.signal);
      // Strict mode's schemas load on first need; the transport holds what arrives meanwhile.
      await prepareValidator(this.engine.rpcOptions, opened.transport.protocol || undefined)?.catch(
        (err: unknown) => {
          opened.transport.terminate();
          throw err;
        },
      );
      // Never rejects (see deferredExchangeLog); the transport holds what arrives meanwhile.
      if (this.engine.beforeOpen) await this.engine.beforeOpen;
      if (abort.signal.aborted || this.engine.state !== ConnectionState.CONNECTING) {
        // close() won the race against the handshake.
        opened.transport.terminate();
        throw new ConnectionClosedError("Connection aborted", 1001);
      }
      if (this.engine.protocol === undefined) {
        // Fixed from now on: reconnects offer only this subprotocol.
        this.engine.setProtocol(opened.transport.protocol || undefined);
        if (this.engine.protocol !== undefined) this.engine.emit("protocol", this.engine.protocol);
      }
      this.reconnectAttempt = 0;
      this.engine.attachTransport(opened.transport);
      const event: OpenEvent = { response: opened.response };
      this.engine.emit("open", event);
      return event;
    } finally {
      if (this.attemptAbort === abort) this.attemptAbort = undefined;
    }
  }

  willReconnect(): boolean {
    return this.connection().reconnect;
  }

  startReconnect(): void {
    this.reconnectAttempt++;
    const connection = this.connection();
    if (this.reconnectAttempt > connection.maxReconnects) {
      void this.engine.close({ code: 1001, reason: "Giving up reconnecting" });
      return;
    }
    const delay = reconnectDelay(
      this.reconnectAttempt,
      connection.backoffMin,
      connection.backoffMax,
    );
    this.engine.emit("reconnect", { attempt: this.reconnectAttempt, delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.retry();
    }, delay);
  }

  private retry(): void {
    this.connectPromise = this.attempt();
    this.connectPromise.catch((err: unknown) => {
      if (this.engine.state !== ConnectionState.CONNECTING) return;
      const message = err instanceof Error ? err.message : String(err);
      if (FATAL_CONNECT_ERRORS.includes(message)) {
        void this.engine.close({ code: 1001, reason: message.slice(0, 120) });
      } else {
        if (this.engine.listenerCount("error"))
          this.engine.emit("error", err instanceof Error ? err : new Error(message));
        this.startReconnect();
      }
    });
  }

  abortConnecting(): void {
    this.attemptAbort?.abort(new ConnectionClosedError("Connection aborted", 1001));
    this.attemptAbort = undefined;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }
}
