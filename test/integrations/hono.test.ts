/**
 * ocpp-ws-io/hono with a real Hono app on @hono/node-server at 127.0.0.1: OCPP upgrades beside
 * routes, calls both ways, the node server's close() closing the OCPP server, and security
 * profiles 1–3 through the server @hono/node-server creates (HTTPS for 2 and 3).
 */
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { once } from "node:events";
import { createServer as createHttpsServer } from "node:https";
import type { Server } from "node:net";
import { describe, expect, it } from "vitest";
import { OCPPServer } from "../../src/index.js";
import { attachOcpp } from "../../src/integrations/hono.js";
import {
  answerBoot,
  baseUrl,
  checkCredentials,
  closeServer,
  exchangeBothWays,
  expectClosedWithApp,
  get,
  integrationSuite,
  securityProfile,
} from "./support.js";

const suite = integrationSuite<ServerType>(closeServer);
const { stations, started: servers } = suite;

function app(ocpp: OCPPServer): Hono {
  return new Hono().get("/health", (c) => c.json({ stations: ocpp.clients.size }));
}

async function listening(server: ServerType): Promise<Server> {
  servers.push(server);
  if (!server.listening) await once(server, "listening");
  return server;
}

describe("ocpp-ws-io/hono attachOcpp", () => {
  it("serves OCPP upgrades beside the app's routes, with calls both ways", async () => {
    const ocpp = new OCPPServer({ protocols: ["ocpp1.6"] });
    answerBoot(ocpp);
    const server = await listening(
      attachOcpp(serve({ fetch: app(ocpp).fetch, port: 0, hostname: "127.0.0.1" }), ocpp),
    );
    const url = baseUrl(server);

    const station = await stations.connect(url.replace("http", "ws"), "CP-HONO");
    await exchangeBothWays(ocpp, station);
    expect(await get(`${url}/health`)).toEqual({ status: 200, body: '{"stations":1}' });
    expect((await get(`${url}/missing`)).status).toBe(404);
  });

  it("closes the OCPP server and its stations when the node server closes", async () => {
    const ocpp = new OCPPServer({ protocols: ["ocpp1.6"] });
    const server = await listening(
      attachOcpp(serve({ fetch: app(ocpp).fetch, port: 0, hostname: "127.0.0.1" }), ocpp),
    );
    const url = baseUrl(server);
    const station = await stations.connect(url.replace("http", "ws"), "CP-CLOSE");
    const closed = new Promise<void>((resolve, reject) =>
      server.close((err) => (err ? reject(err) : resolve())),
    );
    await expectClosedWithApp(closed, ocpp, station, `${url}/health`);
  });

  for (const profile of [1, 2, 3] as const) {
    it(`runs security profile ${profile} through @hono/node-server's server (HTTPS for 2 and 3)`, async () => {
      const setup = securityProfile(suite.pki, profile);
      const ocpp = new OCPPServer(setup.server);
      checkCredentials(ocpp, profile);
      answerBoot(ocpp);
      const server = await listening(
        attachOcpp(
          serve({
            fetch: app(ocpp).fetch,
            port: 0,
            hostname: "127.0.0.1",
            ...(setup.https && { createServer: createHttpsServer, serverOptions: setup.https }),
          }),
          ocpp,
        ),
      );
      const url = baseUrl(server, setup.scheme);

      const station = await stations.connect(url.replace(/^http/, "ws"), "CP001", setup.client);
      await exchangeBothWays(ocpp, station);
      expect(await get(`${url}/health`, setup.request)).toEqual({
        status: 200,
        body: '{"stations":1}',
      });
    });
  }
});
