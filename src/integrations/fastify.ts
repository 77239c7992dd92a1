/**
 * `ocpp-ws-io/fastify`: a Fastify 5 plugin that puts an OCPPServer on the app's own HTTP(S)
 * server. WebSocket upgrades go to the OCPP server, routes stay Fastify's; `app.ocpp` is the
 * server; `app.close()` closes it; its errors go to Fastify's logger.
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { OCPPServer } from "../server/ocpp-server.js";
import type { ServerOptions } from "../server/server-options.js";

export interface OcppPluginOptions<P extends string = string> extends ServerOptions<P> {
  /** Use this OCPPServer instead of creating one (then pass no other option). */
  server?: OCPPServer<P>;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The OCPPServer registered by `ocpp-ws-io/fastify`. */
    ocpp: OCPPServer;
  }
}

function registerOcpp(
  app: FastifyInstance,
  options: OcppPluginOptions,
  done: (err?: Error) => void,
): void {
  let ocpp: OCPPServer;
  try {
    ocpp = createServer(options);
  } catch (err) {
    // Fastify reports it from register()/ready(), naming the plugin.
    done(err as Error);
    return;
  }
  app.decorate("ocpp", ocpp);
  wire(app, ocpp);
  done();
}

function createServer(options: OcppPluginOptions): OCPPServer {
  const { server, ...serverOptions } = options;
  if (server !== undefined && !(server instanceof OCPPServer)) {
    throw new TypeError("ocpp-ws-io/fastify: option 'server' must be an OCPPServer");
  }
  if (server && Object.keys(serverOptions).length > 0) {
    throw new TypeError(
      `ocpp-ws-io/fastify: with 'server', pass no OCPPServer options (got ${Object.keys(serverOptions).join(", ")})`,
    );
  }
  return server ?? new OCPPServer(serverOptions);
}

function wire(app: FastifyInstance, ocpp: OCPPServer): void {
  ocpp.on("error", (err) => app.log.error({ err }, "OCPP server error"));
  ocpp.on("upgradeError", ({ error }) => app.log.error({ err: error }, "OCPP upgrade failed"));
  ocpp.on("securityEvent", (event) => app.log.warn({ securityEvent: event }, event.reason));

  app.server.on("upgrade", ocpp.handleUpgrade);
  // preClose, not onClose: Fastify's own onClose closes the HTTP server first, and its close()
  // waits for every socket, so it would wait forever for the stations'. preClose runs before
  // it, whether or not the app is listening.
  app.addHook("preClose", () => ocpp.close());
}

/**
 * The plugin, following fastify-plugin conventions (not encapsulated: `app.ocpp` is visible
 * to the whole app).
 *
 * @example
 * const app = Fastify({ logger: true });
 * await app.register(ocppPlugin, { protocols: ["ocpp2.0.1"] });
 * app.ocpp.on("client", (client) => client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() })));
 * await app.listen({ port: 3000 });
 */
export const ocppPlugin = fp(registerOcpp, { fastify: "5.x", name: "ocpp-ws-io" });
export default ocppPlugin;
