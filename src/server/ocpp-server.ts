import { EventEmitter } from "eventemitter3";
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { getPackageIdent } from "../package-ident.js";
import { WebsocketUpgradeError } from "../protocol/errors.js";
import { ConnectionState, type CloseOptions, type RpcOptions } from "../rpc/types.js";
import { buildServerTlsOptions, securityProfileRequirements } from "../security/index.js";
import { KeepAliveSweeper } from "../transport/keep-alive.js";
import { NodeTransport } from "../transport/node-transport.js";
import type { AuthCallback, SessionData } from "./auth-context.js";
import type { HandshakeInfo } from "./handshake.js";
import { OCPPServerClient } from "./ocpp-server-client.js";
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from "./server-options.js";
import { chosenProtocols, runUpgrade, type UpgradeHost } from "./upgrade-pipeline.js";

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
export class OCPPServer<const P extends string = string> extends EventEmitter<ServerEvents<P>> {
  private options: Readonly<ResolvedServerOptions>;
  private authCallback: AuthCallback | undefined;
  private state: ConnectionState = ConnectionState.OPEN;
  private readonly wss: WebSocketServer;
  private readonly sweeper: KeepAliveSweeper;
  private readonly connected = new Set<OCPPServerClient<P>>();
  private readonly httpServers = new Set<HttpServer>();
  private readonly upgrading = new Set<Duplex>();
  private readonly upgradeHost: UpgradeHost;
  private readonly boundHandleUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  private closePromise: Promise<void> | undefined;

  constructor(options: ServerOptions<P> = {}) {
    super();
    this.options = resolveServerOptions("OCPPServer", options);
    this.sweeper = new KeepAliveSweeper(KeepAliveSweeper.tickFor(this.options.rpc.pingIntervalMs));
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: this.options.maxPayloadBytes,
      ...this.options.wssOptions,
      handleProtocols: (_offered, request) => chosenProtocols.get(request) ?? false,
    });
    const server = this;
    this.upgradeHost = {
      get options() {
        return server.options;
      },
      wss: this.wss,
      get authCallback() {
        return server.authCallback;
      },
      isAccepting: () => this.state === ConnectionState.OPEN,
      upgrading: this.upgrading,
      onAccepted: (ws, handshake, session, options) => this.onAccepted(ws, handshake, session, options),
      onAborted: (error, socket, request, identity) => {
        if (this.listenerCount("upgradeAborted")) this.emit("upgradeAborted", { error, socket, request, identity });
      },
      onUpgradeError: (error, socket, request) => {
        if (this.listenerCount("upgradeError")) this.emit("upgradeError", { error, socket, request });
      },
    };
    this.boundHandleUpgrade = (request, socket, head) => runUpgrade(this.upgradeHost, request, socket, head);
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
    if (typeof callback !== "function") throw new TypeError("auth(callback): callback must be a function");
    this.authCallback = callback as unknown as AuthCallback;
  }

  /** Changes options; new connections use them (open ones keep theirs). */
  reconfigure(options: ServerOptions<P>): void {
    this.options = resolveServerOptions("reconfigure()", options, this.options);
    this.sweeper.setTickMs(KeepAliveSweeper.tickFor(this.options.rpc.pingIntervalMs));
  }

  /**
   * Listens on `port` (0: any free port) and `host`, with an HTTP server (HTTPS for security
   * profiles 2 and 3) that answers plain requests with 404. Resolves with that server. With
   * `options.server`, attaches to that server instead and resolves with it.
   */
  async listen(port?: number, host?: string, options: ListenOptions = {}): Promise<HttpServer> {
    if (this.state !== ConnectionState.OPEN) throw new Error("listen(): the server is closing or closed");
    if (options.server) {
      options.server.on("upgrade", this.boundHandleUpgrade);
      return options.server;
    }
    const onRequest = (_req: IncomingMessage, res: import("node:http").ServerResponse) => {
      res.setHeader("Server", getPackageIdent());
      res.statusCode = 404;
      res.end();
    };
    const profile = this.options.securityProfile;
    const httpServer: HttpServer = securityProfileRequirements(profile).usesTls
      ? createHttpsServer(buildServerTlsOptions(profile, this.options.tls!), onRequest)
      : createHttpServer({ noDelay: true }, onRequest);
    httpServer.on("upgrade", this.boundHandleUpgrade);
    httpServer.on("error", (err) => {
      if (this.listenerCount("error")) this.emit("error", err);
    });
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen({ port, host, signal: options.signal }, () => {
        httpServer.removeListener("error", reject);
        resolve();
      });
    });
    this.httpServers.add(httpServer);
    httpServer.once("close", () => this.httpServers.delete(httpServer));
    return httpServer;
  }

  private onAccepted(ws: WebSocket, handshake: HandshakeInfo, session: unknown, options: RpcOptions): void {
    const transport = new NodeTransport(ws);
    if (this.state !== ConnectionState.OPEN) {
      ws.close(1001, "Server closing");
      return;
    }
    if (!ws.protocol && (handshake.protocols.size > 0 || this.options.protocols.length > 0)) {
      // J16 §3.2, 2.1 Part 4 §3.3: no subprotocol in common → complete the handshake without
      // Sec-WebSocket-Protocol, then close at once.
      ws.close(1002, "No supported subprotocol");
      const offered = [...handshake.protocols].join(", ") || "none";
      const error = new WebsocketUpgradeError(
        400,
        `No subprotocol in common: the client offered ${offered}; the server serves ${this.options.protocols.join(", ") || "none"}`,
      );
      if (this.listenerCount("upgradeAborted")) {
        this.emit("upgradeAborted", { error, socket: handshake.request.socket, request: handshake.request, identity: handshake.identity });
      }
      return;
    }
    const client = new OCPPServerClient<P>(transport, handshake, session as SessionData, options, this.sweeper);
    this.connected.add(client);
    client.once("close", () => this.connected.delete(client));
    this.emit("client", client);
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
      for (const socket of this.upgrading) socket.destroy();
      this.upgrading.clear();
      const code = options.code ?? 1001;
      await Promise.all([...this.connected].map((client) => client.close({ ...options, code })));
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
