import { publishHandshakeRefused } from "../observability/diagnostics.js";
import { exchangeLog } from "../observability/exchange-log.js";
import { logServerLifecycle } from "../observability/lifecycle-log.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { pinoOutput } from "../observability/pino-output.js";
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { CompressionBudget } from "./compression-budget.js";
import { SessionStore } from "./session-store.js";
import { ConnectionState, type CloseOptions } from "../rpc/types.js";
import {
  buildServerTlsOptions,
  securityProfileRequirements,
  type TLSOptions,
} from "../security/index.js";
import { MiddlewareStack, type Middleware } from "../rpc/middleware.js";
import { prepareValidator, strictProtocols } from "../rpc/strict-mode.js";
import { ConnectionRateLimiter } from "./connection-rate-limit.js";
import { CorsPolicy, type CORSOptions } from "./cors.js";
import type { ReportSecurityEvent } from "./security-event.js";
import type { ListenOptions } from "./server-events.js";
import { KeepAliveSweeper } from "../transport/keep-alive.js";
import type { AuthCallback, SessionData } from "./auth-context.js";
import { OCPPServerClient } from "./ocpp-server-client.js";
import {
  resolveServerOptions,
  type ResolvedServerOptions,
  type ServerOptions,
} from "./server-options.js";
import { runUpgrade, type UpgradeHost } from "./upgrade-pipeline.js";
import { clientOwnerOf, upgradeHostOf } from "./station-admission.js";
import type { ClusterStation } from "../cluster/server-cluster.js";
import { ClusteredServer, type ServerState } from "./clustered-server.js";
import { createHealthHandler } from "../observability/health.js";
import { metricsOf, planMetrics } from "../observability/metrics.js";
import { rateLimitMiddleware } from "../traffic/rate-limit.js";
import { CallRecord, callDeduplicationMiddleware } from "../traffic/call-deduplication.js";
import { startValidationPool, type ValidationPool } from "../workers/validation-pool.js";
import {
  createListenServer,
  planListenReconfigure,
  type ListenServerHost,
} from "./listen-server.js";

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
  /** @internal */ options: Readonly<ResolvedServerOptions>;
  /** @internal */ authCallback: AuthCallback | undefined;
  /** @internal */ state: ConnectionState = ConnectionState.OPEN;
  /** @internal */ wss: CompressionBudget;
  /** @internal */ sessions: SessionStore;
  /** @internal */ readonly sweeper: KeepAliveSweeper;
  /** @internal */ readonly connected = new Set<OCPPServerClient<P>>();
  /** @internal */ readonly byIdentity = new Map<string, OCPPServerClient<P>>();
  /** @internal */ corsPolicy: CorsPolicy | undefined;
  /** @internal */ rateLimiter: ConnectionRateLimiter | undefined;
  private readonly tlsServers = new Set<HttpsServer>();
  private readonly httpServers = new Set<HttpServer>();
  /** @internal */ readonly upgrading = new Set<Duplex>();
  /** @internal */ readonly middleware = new MiddlewareStack();
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
  /** @internal Strict mode's worker threads (`workerThreads`); undefined while it is off. */
  readonly workers: ValidationPool | undefined;
  /** @internal The subprotocol of the upgrade being completed now (see acceptUpgrade). */
  upgradeProtocol: string | false = false;
  /**
   * The server's logger (seed 002): lines carry component "OCPPServer"; each client's
   * `logger` is its child with the station's identity.
   */
  readonly logger: Logger;
  /** @internal Told by each client when it closes or its socket fails. */
  readonly clientOwner = clientOwnerOf(this);

  constructor(options: ServerOptions<P> = {}) {
    super();
    this.options = resolveServerOptions("OCPPServer", options);
    const logging = this.options.logging;
    this.logger = createLogger(logging, { component: "OCPPServer" }, pinoOutput);
    logServerLifecycle(this);
    const { workerThreads } = this.options;
    this.workers = workerThreads ? startValidationPool(workerThreads, this.logger) : undefined;
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
    this.upgradeHost = upgradeHostOf(this);
    const health = createHealthHandler(this);
    this.listenHost = {
      answer: (request, response) => this.options.healthEndpoint && health(request, response),
      securityEvent: this.securityEvent,
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
    for (const fixed of ["logging", "workerThreads"] as const) {
      if (options[fixed] !== undefined) {
        throw new TypeError(`reconfigure(): option '${fixed}' is fixed at construction`);
      }
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
        "inbound",
      );
    }
    const dedup = options.callDeduplication;
    if (!dedup) this.callRecord = undefined;
    else if (this.callRecord?.options !== dedup) this.callRecord = new CallRecord(dedup);
    if (dedup && !this.dedupInstalled) {
      // After the rate limit, so a refused CALL is not remembered; added once, reads the record.
      this.dedupInstalled = true;
      this.middleware.use(
        callDeduplicationMiddleware(() => this.callRecord),
        "inbound",
      );
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

  /** @internal */
  readonly securityEvent: ReportSecurityEvent = (type, identity, remoteAddress, reason, status) => {
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
  };

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
      await this.workers?.destroy();
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
