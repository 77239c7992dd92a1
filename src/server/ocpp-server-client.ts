import { CSMS_ROLE } from "../rpc/direction.js";
import { RpcEngine } from "../rpc/engine.js";
import type { MiddlewareStack } from "../rpc/middleware.js";
import type { OpenEvent, RpcOptions } from "../rpc/types.js";
import type { CsmsOutbound, KnownMethod, StationOutbound } from "../rpc/typed-api.js";
import type { KeepAliveSweeper } from "../transport/keep-alive.js";
import type { Transport } from "../transport/transport.js";
import type { SessionData } from "./auth-context.js";
import { csmsDiagnostics } from "../observability/diagnostics.js";
import type { Logger } from "../observability/logger.js";
import { AcceptedHandshake, type ClientHandshake, type HandshakeInfo } from "./handshake.js";

/** What a server-side client tells the server that owns it (no per-client listeners). */
export interface ServerClientOwner {
  /** The server's logger, parent of each client's. */
  parentLogger(): Logger;
  clientClosed(client: ServerClientRef): void;
  clientSocketError(client: ServerClientRef, error: Error): void;
}

/** What the owner needs to know of a client. */
export interface ServerClientRef {
  readonly identity: string;
  readonly handshake: ClientHandshake;
}

/**
 * A connected station as the server sees it: the same engine as `OCPPClient` (call, handle,
 * close, events) on an accepted socket, plus the handshake and the session from auth().
 * It never reconnects: the station does.
 */
export class OCPPServerClient<P extends string = string, S = SessionData> extends RpcEngine<
  CsmsOutbound<P>,
  StationOutbound<P>,
  KnownMethod<P>
> {
  /** What the station sent in its upgrade request (the raw request is only given to auth()). */
  readonly handshake: ClientHandshake;
  /** The value given to accept() in auth(). */
  session: S;
  private stationLogger: Logger | undefined;

  /** @internal Created by OCPPServer for each accepted connection. */
  constructor(
    transport: Transport,
    handshake: HandshakeInfo,
    session: S,
    options: RpcOptions,
    sweeper: KeepAliveSweeper,
    private readonly owner: ServerClientOwner,
    middleware: MiddlewareStack,
  ) {
    super(handshake.identity, options, middleware);
    this.handshake = new AcceptedHandshake(handshake);
    this.session = session;
    this.keepAliveSweeper = sweeper;
    this.role = CSMS_ROLE;
    this.tap = csmsDiagnostics;
    this.setProtocol(transport.protocol || undefined);
    this.attachTransport(transport);
  }

  /** The server's logger bound to this station's identity (made on first use). */
  get logger(): Logger {
    return (this.stationLogger ??= this.owner.parentLogger().child({ identity: this.identity }));
  }

  /** @internal */
  override onClosed(): void {
    this.owner.clientClosed(this);
  }

  /** @internal */
  override onTransportError(error: Error): void {
    super.onTransportError(error);
    this.owner.clientSocketError(this, error);
  }

  /** Server-side clients are connected by the station; this always rejects. */
  connect(): Promise<OpenEvent> {
    return Promise.reject(
      new Error("OCPPServerClient: the station connects; a server-side client cannot"),
    );
  }

  /** Changes this connection's RPC options (timeouts, concurrency, strict mode...). */
  reconfigure(options: Partial<RpcOptions>): void {
    this.reconfigureRpc(options);
  }
}
