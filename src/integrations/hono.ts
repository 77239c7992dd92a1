/**
 * `ocpp-ws-io/hono`: a Hono app served by `@hono/node-server` and an OCPPServer on one port.
 * `serve()` returns the Node server it created; {@link attachOcpp} hands that server's
 * WebSocket upgrades to the OCPP server, and makes its close() close both.
 *
 * @example
 * import { serve } from "@hono/node-server";
 * const app = new Hono().get("/health", (c) => c.json({ stations: ocpp.clients.size }));
 * const ocpp = new OCPPServer({ protocols: ["ocpp2.0.1"] });
 * const server = attachOcpp(serve({ fetch: app.fetch, port: 3000 }), ocpp);
 */
export { attachOcpp } from "./attach.js";
