import type { Server as NetServer } from "node:net";
import type { OCPPServer } from "../server/ocpp-server.js";

/**
 * Attaches `ocpp` to a Node HTTP(S) server that some framework (Express, Hono, ...) created:
 * WebSocket upgrades go to the OCPP server, every other request stays the framework's. From
 * then on `server.close()` also closes `ocpp` (its stations with code 1001), and calls back once
 * both are closed.
 *
 * Why close() is wrapped: net.Server#close() waits for every open socket, upgraded ones
 * included, and announces nothing before it does, so without closing the stations first it
 * would never call back while a station is connected.
 *
 * @example
 * const server = attachOcpp(app.listen(3000), new OCPPServer({ protocols: ["ocpp1.6"] }));
 */
export function attachOcpp<S extends NetServer>(server: S, ocpp: OCPPServer<string>): S {
  server.on("upgrade", ocpp.handleUpgrade);
  const closeServer = server.close.bind(server);
  server.close = (callback?: (err?: Error) => void): S => {
    // The OCPP server refuses new upgrades (503) and closes its stations; the HTTP server stops
    // accepting and calls back once the last socket, upgraded or not, has ended.
    const closing = ocpp.close();
    closeServer((err) => {
      closing.then(
        () => callback?.(err),
        (closeErr: Error) => callback?.(err ?? closeErr),
      );
    });
    return server;
  };
  return server;
}
