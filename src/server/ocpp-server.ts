import { publishHandshakeRefused } from "../observability/diagnostics.js";
import { exchangeLog } from "../observability/exchange-log.js";
import { logServerClientLifecycle, logServerLifecycle } from "../observability/lifecycle-log.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { pinoOutput } from "../observability/pino-output.js";
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { CompressionBudget } from "./compression-budget.js";
import { SessionStore } from "./session-store.js";
import { WebsocketUpgradeError } from "../protocol/errors.js";
import { ConnectionState, type CloseOptions, type RpcOptions } from "../rpc/types.js";
import {
  buildServerTlsOptions,
  securityProfileRequirements,
  type TLSOptions,
} from "../security/index.js";
import { MiddlewareStack, type Middleware } from "../rpc/middleware.js";
import { prepareValidator, strictProtocols } from "../rpc/strict-mode.js";
import { ConnectionRateLimiter } from "./connection-rate-limit.js";
import { CorsPolicy, type CORSOptions } from "./cors.js";
import type { SecurityEvent, SecurityEventType } from "./security-event.js";
import { KeepAliveSweeper } from "../transport/keep-alive.js";
import { NodeTransport } from "../transport/node-transport.js";
import type { AuthCallback, SessionData } from "./auth-context.js";
import type { HandshakeInfo } from "./handshake.js";
import { OCPPServerClient, type ServerClientOwner } from "./ocpp-server-client.js";
import {
  resolveServerOptions,
  type ResolvedServerOptions,
  type ServerOptions,
} from "./server-options.js";
import { noCommonSubprotocol, runUpgrade, type UpgradeHost } from "./upgrade-pipeline.js";
import type { ClusterStation } from "../cluster/server-cluster.js";
import { ClusteredServer, type ServerState } from "./clustered-server.js";
import { createHealthHandler } from "../observability/health.js";
import { metricsOf, planMetrics } from "../observability/metrics.js";
import { rateLimitMiddleware, type RateLimitExceededEvent } from "../traffic/rate-limit.js";
import { CallRecord, callDeduplicationMiddleware } from "../traffic/call-deduplication.js";
import {
  createListenServer,
  planListenReconfigure,
  type ListenServerHost,
} from "./listen-server.js";

export interface ListenOptions {
  /** Aborts listening (closes the HTTP server listen() created). */
  signal?: AbortSignal;
  /** Attach to this existing HTTP(S) server instead of creating one; it is not started. */
  server?: HttpServer;
}

export interface UpgradeAbortedEvent {
  error: WebsocketUpgradeError;
  socket: Duplex;
  request: IncomingMessage;
  /** The decoded identity, when the URL had one. */
  identity: string | undefined;
}

export interface UpgradeErrorEvent {
  error: Error;
  socket: Duplex;
  request: IncomingMessage;
}

export interface ServerEvents<P extends string = string> {
  client: [client: OCPPServerClient<P>];
  error: [error: Error];
  close: [];
  closing: [];
  upgradeAborted: [event: UpgradeAbortedEvent];
  upgradeError: [event: UpgradeErrorEvent];
  securityEvent: [event: SecurityEvent];
  /** A station went over `rateLimit` (see RateLimitExceededEvent.outcome for what was done). */
  rateLimitExceeded: [event: RateLimitExceededEvent];
  /** Reading from a station stopped: it does not read what it is sent (`backpressure`). */
  backpressure: [event: { identity: string }];
}

/**
 * The CSMS side: accepts station connections (from listen()'s server or any HTTP server's
 * 'upgrade' event through handleUpgrade), runs auth(), and emits an OCPPServerClient per
 * accepted station.
 *
 * @example
 * const server = new OCPPServer({ protocols: ["ocpp1.6"] });
 * server.on("client", (client) => client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() })));
 * await server.listen(3000);
 */
export class OCPPServer<const P extends string = string> extends ClusteredServer<P> {
  private options: Readonly<ResolvedServerOptions>;
  private authCallback: AuthCallback | undefined;
  private state: ConnectionState = ConnectionState.OPEN;
  private wss: CompressionBudget;
  private sessions: SessionStore;
  private readonly sweeper: KeepAliveSweeper;
  private readonly connected = new Set<OCPPServerClient<P>>();
  private readonly byIdentity = new Map<string, OCPPServerClient<P>>();
  private corsPolicy: CorsPolicy | undefined;
  private rateLimiter: ConnectionRateLimiter | undefined;
  private readonly tlsServers = new Set<HttpsServer>();
  private readonly httpServers = new Set<HttpServer>();
  private readonly upgrading = new Set<Duplex>();
  private readonly middleware = new MiddlewareStack();
  /** Whether the `rateLimit` middleware is in the stack (added once, when first configured). */
  private rateLimitInstalled = false;
  /** The CALLs remembered for `callDeduplication`; undefined while it is off. */
  private callRecord: CallRecord | undefined;
  private dedupInstalled = false;
  private readonly upgradeHost: UpgradeHost;
  private readonly listenHost: ListenServerHost;
  private readonly boundHandleUpgrade: (
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ) => void;
  private closePromise: Promise<void> | undefined;
  /** The subprotocol of the upgrade being completed right now (see acceptUpgrade). */
  private upgradeProtocol: string | false = false;
  /**
   * The server's logger (seed 002): lines carry component "OCPPServer"; each client's
   * `logger` is its child with the station's identity.
   */
  readonly logger: Logger;
  /** Told by each client when it closes or its socket fails (one object for all clients). */
  private readonly clientOwner: ServerClientOwner = {
    parentLogger: () => this.logger,
    clientClosed: (client) => {
      this.connected.delete(client as OCPPServerClient<P>);
      if (this.byIdentity.get(client.identity) === client) {
        this.byIdentity.delete(client.identity);
        // Only the identity's current connection: a replaced one's session is outdated.
        if (this.state === ConnectionState.OPEN)
          this.sessions.park(client.identity, (client as OCPPServerClient<P>).session);
      }
      this.cluster.stationRemoved(client as OCPPServerClient<P>);
    },
    clientSocketError: (client, err: Error & { code?: string }) => {
      if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        this.securityEvent(
          "PAYLOAD_TOO_LARGE",
          client.identity,
          client.handshake.remoteAddress,
          err.message,
        );
      }
    },
  };

  constructor(options: ServerOptions<P> = {}) {
    super();
    this.options = resolveServerOptions("OCPPServer", options);
    const logging = this.options.logging;
    this.logger = createLogger(logging, { component: "OCPPServer" }, pinoOutput);
    logServerLifecycle(this);
    if (logging?.exchangeLog) {
      // The middleware's client is the connection's engine, i.e. the server-side client.
      this.middleware.use(
        exchangeLog((client) => (client as OCPPServerClient).logger, logging.exchangeLog),
      );
    }
    this.useOptions(this.options);
    planMetrics(this, this.options)();
    this.sweeper = new KeepAliveSweeper(KeepAliveSweeper.tickFor(this.options.rpc.pingIntervalMs));
    this.wss = this.makeWebSocketServer();
    this.sessions = new SessionStore(this.options.sessionTtlMs);
    this.upgradeHost = {
      getOptions: () => this.options,
      acceptUpgrade: (request, socket, head, protocol, onWebSocket) => {
        this.upgradeProtocol = protocol;
        try {
          this.wss.handleUpgrade(request, socket, head, onWebSocket);
        } finally {
          this.upgradeProtocol = false;
        }
      },
      getAuthCallback: () => this.authCallback,
      getCors: () => this.corsPolicy,
      getRateLimiter: () => this.rateLimiter,
      checkDuplicate: (identity) =>
        this.options.duplicateIdentity === "reject" && this.byIdentity.has(identity)
          ? new WebsocketUpgradeError(
              409,
              `A station with identity '${identity}' is already connected`,
            )
          : undefined,
      isAccepting: () => this.state === ConnectionState.OPEN,
      upgrading: this.upgrading,
      onAccepted: (ws, handshake, session, options) =>
        this.onAccepted(ws, handshake, session, options),
      onAborted: (error, type, socket, request, identity) => {
        if (this.listenerCount("upgradeAborted"))
          this.emit("upgradeAborted", { error, socket, request, identity });
        this.securityEvent(type, identity, request.socket.remoteAddress, error.message, error.code);
      },
      onUpgradeError: (error, socket, request) => {
        if (this.listenerCount("upgradeError"))
          this.emit("upgradeError", { error, socket, request });
      },
    };
    const health = createHealthHandler(this);
    this.listenHost = {
      answer: (request, response) => this.options.healthEndpoint && health(request, response),
      securityEvent: (type, identity, remoteAddress, reason, status) =>
        this.securityEvent(type, identity, remoteAddress, reason, status),
      error: (err) => {
        if (this.listenerCount("error")) this.emit("error", err);
      },
    };
    this.boundHandleUpgrade = (request, socket, head) =>
      runUpgrade(this.upgradeHost, request, socket, head);
  }

  /**
   * Adds a middleware around every inbound and outbound message of every station, those
   * connected now included (see `Middleware`). Runs in the order added, before a client's own.
   */
  use(middleware: Middleware): this {
    this.middleware.use(middleware);
    return this;
  }

  private makeWebSocketServer(): CompressionBudget {
    const { compression, maxCompressedConnections } = this.options;
    const base = {
      noServer: true,
      clientTracking: false,
      maxPayload: this.options.maxPayloadBytes,
      ...this.options.wssOptions,
      // Called synchronously inside handleUpgrade (see acceptUpgrade below).
      handleProtocols: () => this.upgradeProtocol,
    };
    return new CompressionBudget(base, compression, maxCompressedConnections);
  }

  /** The connected stations. */
  get clients(): ReadonlySet<OCPPServerClient<P>> {
    return this.connected;
  }

  /**
   * The upgrade handler, bound to this server: `httpServer.on("upgrade", server.handleUpgrade)`.
   */
  get handleUpgrade(): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
    return this.boundHandleUpgrade;
  }

  /**
   * Sets the authentication callback, called for each upgrade before a client is created.
   * Call `accept(session?)` / `accept({ session, protocol })` or `reject(status, message)`.
   */
  auth<S = SessionData>(callback: AuthCallback<S>): void {
    if (typeof callback !== "function")
      throw new TypeError("auth(callback): callback must be a function");
    this.authCallback = callback as unknown as AuthCallback;
  }

  /**
   * Changes options, all or nothing (everything is checked before anything changes). New
   * connections use them; open ones keep theirs (their RPC options, `maxPayloadBytes`,
   * `backpressure`). The servers listen() made take a new `handshakeTimeoutMs` for the
   * request head (their TLS handshake limit stays) and new `tls` certificates; their
   * `securityProfile` cannot change (close() and listen() again).
   */
  reconfigure(options: ServerOptions<P>): void {
    if (options.logging !== undefined) {
      throw new TypeError("reconfigure(): option 'logging' is fixed at construction");
    }
    const next = resolveServerOptions("reconfigure()", options, this.options);
    const running = { http: this.httpServers, tls: this.tlsServers };
    const applyToRunning = planListenReconfigure(running, this.options, next, options.tls);
    const startMetrics = planMetrics(this, next);
    const previous = this.options;
    this.useOptions(next);
    applyToRunning();
    startMetrics();
    // ws reads its limits when it is made: a new one for the upgrades to come.
    if (
      next.maxPayloadBytes !== previous.maxPayloadBytes ||
      next.wssOptions !== previous.wssOptions ||
      next.compression !== previous.compression ||
      next.maxCompressedConnections !== previous.maxCompressedConnections
    )
      this.wss = this.makeWebSocketServer();
    this.sweeper.setTickMs(KeepAliveSweeper.tickFor(this.options.rpc.pingIntervalMs));
    if (next.sessionTtlMs !== previous.sessionTtlMs) {
      // Kept sessions are dropped: they were kept under the old TTL.
      this.sessions.stop();
      this.sessions = new SessionStore(next.sessionTtlMs);
    }
  }

  private useOptions(options: Readonly<ResolvedServerOptions>): void {
    this.options = options;
    this.rateLimiter = makeRateLimiter(options);
    if (options.rateLimit && !this.rateLimitInstalled) {
      this.rateLimitInstalled = true;
      this.middleware.use(
        rateLimitMiddleware<OCPPServerClient>({
          options: () => this.options.rateLimit,
          // The middleware's client is the connection's engine, i.e. the server-side client.
          clientOf: (connection) =>
            connection instanceof OCPPServerClient ? connection : undefined,
          disconnect: (client) => void client.close({ code: 1008, reason: "Rate limit exceeded" }),
          breach: (event) => {
            if (this.listenerCount("rateLimitExceeded")) this.emit("rateLimitExceeded", event);
          },
        }),
      );
    }
    const dedup = options.callDeduplication;
    if (!dedup) this.callRecord = undefined;
    else if (this.callRecord?.options !== dedup) this.callRecord = new CallRecord(dedup);
    if (dedup && !this.dedupInstalled) {
      // After the rate limit, so a refused CALL is not remembered; added once, reads the record.
      this.dedupInstalled = true;
      this.middleware.use(callDeduplicationMiddleware(() => this.callRecord));
    }
    // Strict mode's schemas load in the background now, so the first station need not wait;
    // a failure shows again (and is reported) when a connection needs them.
    for (const protocol of strictProtocols(options.rpc, options.protocols)) {
      prepareValidator(options.rpc, protocol)?.catch(() => undefined);
    }
  }

  /**
   * Restricts who may connect, checked on every upgrade before anything else: browser
   * origins, peer addresses (CIDR ranges), schemes. Refusals get HTTP 403 and a securityEvent.
   *
   * @example
   * server.cors({ allowedIPs: ["10.0.0.0/8"], allowedSchemes: ["wss"] });
   */
  cors(options: CORSOptions): void {
    this.corsPolicy = new CorsPolicy(options);
  }

  /**
   * Swaps the TLS certificates of the HTTPS servers listen() created: new handshakes use the
   * new ones; open connections stay up. Later listen() calls use them too.
   */
  updateTLS(tls: TLSOptions): void {
    const profile = this.options.securityProfile;
    if (!securityProfileRequirements(profile).usesTls) {
      throw new Error(`updateTLS(): the server runs securityProfile ${profile}, which uses no TLS`);
    }
    const merged = { ...this.options.tls, ...tls };
    const context = buildServerTlsOptions(profile, merged);
    for (const httpsServer of this.tlsServers) httpsServer.setSecureContext(context);
    this.options = Object.freeze({ ...this.options, tls: merged });
  }

  /** The connected client with this identity, if any. */
  getClient(identity: string): OCPPServerClient<P> | undefined {
    return this.getLocalClient(identity);
  }

  /**
   * The client of `identity` connected to this process, or undefined: never another node's
   * (with an adapter, sendToClient() reaches those). Synchronous, no adapter round trip.
   */
  getLocalClient(identity: string): OCPPServerClient<P> | undefined {
    return this.byIdentity.get(identity);
  }

  protected localStation(identity: string): ClusterStation | undefined {
    return this.byIdentity.get(identity);
  }

  protected localStations(): Iterable<ClusterStation> {
    return this.connected;
  }

  protected parkedSessions(): number {
    return this.sessions.size;
  }

  protected callTimeoutMs(): number {
    return this.options.rpc.callTimeoutMs;
  }

  protected serverState(): ServerState {
    if (this.state === ConnectionState.OPEN) return "open";
    return this.state === ConnectionState.CLOSING ? "closing" : "closed";
  }

  private securityEvent(
    type: SecurityEventType,
    identity: string | undefined,
    remoteAddress: string | undefined,
    reason: string,
    status?: number,
  ): void {
    publishHandshakeRefused({ type, identity, remoteAddress, reason, status });
    if (this.listenerCount("securityEvent")) {
      this.emit("securityEvent", {
        type,
        identity,
        remoteAddress,
        reason,
        status,
        timestamp: new Date(),
      });
    }
  }

  /**
   * Listens on `port` (0: any free port) and `host`, with an HTTP server (HTTPS for security
   * profiles 2 and 3) that answers plain requests with 404 (but /health, /ready and /metrics
   * with `healthEndpoint`). Resolves with that server. With
   * `options.server`, attaches to that server instead and resolves with it.
   */
  async listen(port?: number, host?: string, options: ListenOptions = {}): Promise<HttpServer> {
    if (this.state !== ConnectionState.OPEN)
      throw new Error("listen(): the server is closing or closed");
    if (options.server) {
      options.server.on("upgrade", this.boundHandleUpgrade);
      return options.server;
    }
    // Metrics count from the first station on, and /metrics answers at once.
    await metricsOf(this);
    const { server: httpServer, tls } = createListenServer(
      this.options,
      this.listenHost,
      this.boundHandleUpgrade,
    );
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen({ port, host, signal: options.signal }, () => {
        httpServer.removeListener("error", reject);
        resolve();
      });
    });
    if (tls) {
      this.tlsServers.add(tls);
      tls.once("close", () => this.tlsServers.delete(tls));
    }
    this.httpServers.add(httpServer);
    httpServer.once("close", () => this.httpServers.delete(httpServer));
    return httpServer;
  }

  private onAccepted(
    ws: WebSocket,
    handshake: HandshakeInfo,
    session: unknown,
    options: RpcOptions,
  ): void {
    // First thing: the transport owns the socket's listeners from now on, on every path
    // below (a malformed frame can already be in the TCP packet of the request).
    const transport = new NodeTransport(ws);
    if (this.state !== ConnectionState.OPEN) {
      transport.close(1001, "Server closing");
      return;
    }
    const refusal = noCommonSubprotocol(ws.protocol, handshake, this.options.protocols);
    if (refusal) {
      // J16 §3.2, 2.1 Part 4 §3.3: complete the handshake without Sec-WebSocket-Protocol,
      // then close at once.
      transport.close(1002, "No supported subprotocol");
      const { request } = handshake;
      this.upgradeHost.onAborted(
        refusal,
        "UPGRADE_ABORTED",
        request.socket,
        request,
        handshake.identity,
      );
      return;
    }
    const { backpressure } = this.options;
    if (backpressure) {
      const { identity } = handshake;
      transport.enableBackpressure(handshake.request.socket, backpressure, () => {
        if (this.listenerCount("backpressure")) this.emit("backpressure", { identity });
      });
    }
    const client = new OCPPServerClient<P>(
      transport,
      handshake,
      this.sessions.restore(handshake.identity, session as SessionData),
      options,
      this.sweeper,
      this.clientOwner,
      this.middleware,
    );
    const previous = this.byIdentity.get(handshake.identity);
    if (previous) {
      // duplicateIdentity "replace": the newer, authenticated connection wins.
      this.securityEvent(
        "DUPLICATE_IDENTITY",
        handshake.identity,
        handshake.remoteAddress,
        "Replaced an existing connection with the same identity",
      );
      void previous.close({ code: 4001, reason: "Replaced by a new connection" });
    }
    logServerClientLifecycle(client);
    this.connected.add(client);
    this.byIdentity.set(handshake.identity, client);
    this.cluster.stationAdded(client);
    try {
      this.emit("client", client);
    } catch (err) {
      // A throwing 'client' listener is the application's bug; the connection is already
      // upgraded and registered, so report it rather than unwinding into the HTTP upgrade.
      if (this.listenerCount("error"))
        this.emit("error", err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Stops accepting, closes every client (see OCPPClient#close for the options; code
   * defaults to 1001 "going away") and the HTTP servers listen() created. Resolves when all
   * are closed.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.closePromise) return this.closePromise;
    this.state = ConnectionState.CLOSING;
    this.emit("closing");
    this.closePromise = (async () => {
      this.sessions.stop();
      for (const socket of this.upgrading) socket.destroy();
      this.upgrading.clear();
      const code = options.code ?? 1001;
      await Promise.all([...this.connected].map((client) => client.close({ ...options, code })));
      await this.cluster.close();
      await Promise.all(
        [...this.httpServers].map(
          (httpServer) =>
            new Promise<void>((resolve) => {
              httpServer.close(() => resolve());
              httpServer.closeAllConnections();
            }),
        ),
      );
      this.state = ConnectionState.CLOSED;
      this.emit("close");
    })();
    return this.closePromise;
  }
}

function makeRateLimiter(
  options: Readonly<ResolvedServerOptions>,
): ConnectionRateLimiter | undefined {
  return options.connectionRateLimit
    ? new ConnectionRateLimiter(options.connectionRateLimit)
    : undefined;
}
