/**
 * `ocpp-ws-io/express`: an Express 5 app and an OCPPServer on one port. Ordinary requests go
 * to the app, WebSocket upgrades to the OCPP server; closing the HTTP server closes both.
 */
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from "node:https";
import type { OCPPServer } from "../server/ocpp-server.js";
import { attachOcpp } from "./attach.js";

export { attachOcpp };

export interface OcppHttpServerOptions {
  /**
   * Serve HTTPS with these TLS options (security profiles 2 and 3); for profile 3 set
   * `requestCert: true` and the CA that signs the stations' certificates.
   */
  https?: HttpsOptions;
}

/**
 * Creates the HTTP server (HTTPS with `options.https`) for `app`, with `ocpp` attached
 * ({@link attachOcpp}). It is not started: call `listen()` on it.
 *
 * @example
 * const app = express();
 * app.get("/health", (_req, res) => res.json({ stations: ocpp.clients.size }));
 * const ocpp = new OCPPServer({ protocols: ["ocpp1.6"] });
 * const server = createOcppHttpServer(app, ocpp);
 * server.listen(3000);
 * // later: server.close() closes the stations, then the HTTP server
 */
export function createOcppHttpServer(
  app: RequestListener,
  ocpp: OCPPServer<string>,
  options: OcppHttpServerOptions = {},
): Server {
  const server = options.https ? createHttpsServer(options.https, app) : createHttpServer(app);
  return attachOcpp(server, ocpp);
}
