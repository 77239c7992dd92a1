import type { WebSocket } from "ws";
import { logServerClientLifecycle } from "../observability/lifecycle-log.js";
import { WebsocketUpgradeError } from "../protocol/errors.js";
import { ConnectionState, type RpcOptions } from "../rpc/types.js";
import { NodeTransport } from "../transport/node-transport.js";
import { InboundSequencer } from "../workers/inbound-sequencer.js";
import type { SessionData } from "./auth-context.js";
import type { HandshakeInfo } from "./handshake.js";
import { OCPPServerClient, type ServerClientOwner } from "./ocpp-server-client.js";
import type { OCPPServer } from "./ocpp-server.js";
import { noCommonSubprotocol, type UpgradeHost } from "./upgrade-pipeline.js";

// How a server admits stations and lets them go: its answers to the upgrade pipeline (the
// handshake completed with the chosen subprotocol, duplicate identities, aborted upgrades),
// the accepted connection turned into a registered OCPPServerClient, and the registry kept
// when clients close. Functions over the server's @internal state, like the engine's
// collaborators: one object per server, none per connection.

/** The server's side of its upgrade pipeline (runUpgrade). */
export function upgradeHostOf<P extends string>(server: OCPPServer<P>): UpgradeHost {
  const host: UpgradeHost = {
    getOptions: () => server.options,
    acceptUpgrade: (request, socket, head, protocol, onWebSocket) => {
      // Read back by the WebSocketServer's handleProtocols, synchronously inside handleUpgrade.
      server.upgradeProtocol = protocol;
      try {
        server.wss.handleUpgrade(request, socket, head, onWebSocket);
      } finally {
        server.upgradeProtocol = false;
      }
    },
    getAuthCallback: () => server.authCallback,
    getCors: () => server.corsPolicy,
    getRateLimiter: () => server.rateLimiter,
    checkDuplicate: (identity) =>
      server.options.duplicateIdentity === "reject" && server.byIdentity.has(identity)
        ? new WebsocketUpgradeError(
            409,
            `A station with identity '${identity}' is already connected`,
          )
        : undefined,
    isAccepting: () => server.state === ConnectionState.OPEN,
    upgrading: server.upgrading,
    onAccepted: (ws, handshake, session, options) =>
      admit(server, host, ws, handshake, session, options),
    onAborted: (error, type, socket, request, identity) => {
      if (server.listenerCount("upgradeAborted"))
        server.emit("upgradeAborted", { error, socket, request, identity });
      server.securityEvent(type, identity, request.socket.remoteAddress, error.message, error.code);
    },
    onUpgradeError: (error, socket, request) => {
      if (server.listenerCount("upgradeError"))
        server.emit("upgradeError", { error, socket, request });
    },
  };
  return host;
}

/** Told by each client when it closes or its socket fails (one object for all clients). */
export function clientOwnerOf<P extends string>(server: OCPPServer<P>): ServerClientOwner {
  return {
    parentLogger: () => server.logger,
    clientClosed: (client) => {
      server.connected.delete(client as OCPPServerClient<P>);
      if (server.byIdentity.get(client.identity) === client) {
        server.byIdentity.delete(client.identity);
        // Only the identity's current connection: a replaced one's session is outdated.
        if (server.state === ConnectionState.OPEN)
          server.sessions.park(client.identity, (client as OCPPServerClient<P>).session);
      }
      server.cluster.stationRemoved(client as OCPPServerClient<P>);
    },
    clientSocketError: (client, err: Error & { code?: string }) => {
      if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        server.securityEvent(
          "PAYLOAD_TOO_LARGE",
          client.identity,
          client.handshake.remoteAddress,
          err.message,
        );
      }
    },
  };
}

/** An upgraded WebSocket becomes a registered client, or is closed with the reason why not. */
function admit<P extends string>(
  server: OCPPServer<P>,
  host: UpgradeHost,
  ws: WebSocket,
  handshake: HandshakeInfo,
  session: unknown,
  options: RpcOptions,
): void {
  // First thing: the transport owns the socket's listeners from now on, on every path
  // below (a malformed frame can already be in the TCP packet of the request).
  const transport = new NodeTransport(ws);
  if (server.state !== ConnectionState.OPEN) {
    transport.close(1001, "Server closing");
    return;
  }
  const refusal = noCommonSubprotocol(ws.protocol, handshake, server.options.protocols);
  if (refusal) {
    // J16 §3.2, 2.1 Part 4 §3.3: complete the handshake without Sec-WebSocket-Protocol,
    // then close at once.
    transport.close(1002, "No supported subprotocol");
    const { request } = handshake;
    host.onAborted(refusal, "UPGRADE_ABORTED", request.socket, request, handshake.identity);
    return;
  }
  const { backpressure } = server.options;
  if (backpressure) {
    const { identity } = handshake;
    transport.enableBackpressure(handshake.request.socket, backpressure, () => {
      if (server.listenerCount("backpressure")) server.emit("backpressure", { identity });
    });
  }
  const client = new OCPPServerClient<P>(
    transport,
    handshake,
    server.sessions.restore(handshake.identity, session as SessionData),
    options,
    server.sweeper,
    server.clientOwner,
    server.middleware,
  );
  if (server.workers) {
    client.inboundHook = new InboundSequencer(client, server.workers, transport.readPause);
  }
  const previous = server.byIdentity.get(handshake.identity);
  if (previous) {
    // duplicateIdentity "replace": the newer, authenticated connection wins.
    server.securityEvent(
      "DUPLICATE_IDENTITY",
      handshake.identity,
      handshake.remoteAddress,
      "Replaced an existing connection with the same identity",
    );
    void previous.close({ code: 4001, reason: "Replaced by a new connection" });
  }
  logServerClientLifecycle(client);
  server.connected.add(client);
  server.byIdentity.set(handshake.identity, client);
  server.cluster.stationAdded(client);
  try {
    server.emit("client", client);
  } catch (err) {
    // A throwing 'client' listener is the application's bug; the connection is already
    // upgraded and registered, so report it rather than unwinding into the HTTP upgrade.
    if (server.listenerCount("error"))
      server.emit("error", err instanceof Error ? err : new Error(String(err)));
  }
}
