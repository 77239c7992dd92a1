/**
 * ocpp-ws-io/express with a real Express 5 app on 127.0.0.1: OCPP upgrades beside ordinary
 * routes, calls both ways, close() of the HTTP server closing the OCPP server, and security
 * profiles 1–3 through the app's server (HTTPS for 2 and 3).
 */
import express from "express";
import { once } from "node:events";
import type { Server } from "node:http";
import { describe, expect, it } from "vitest";
import { OCPPServer, UnexpectedHttpResponse } from "../../src/index.js";
import { createOcppHttpServer } from "../../src/integrations/express.js";
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

const suite = integrationSuite<Server>(closeServer);
const { stations, started: servers } = suite;

function appWithRoutes(ocpp: OCPPServer): express.Express {
  const app = express();
  app.get("/health", (_req, res) => {
    res.json({ stations: ocpp.clients.size });
  });
  return app;
}

async function start(server: Server): Promise<Server> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server;
}

describe("ocpp-ws-io/express createOcppHttpServer", () => {
  it("serves OCPP upgrades beside the app's routes, with calls both ways", async () => {
    const ocpp = new OCPPServer({ protocols: ["ocpp1.6"] });
    answerBoot(ocpp);
    const server = await start(createOcppHttpServer(appWithRoutes(ocpp), ocpp));
    const url = baseUrl(server);

    const station = await stations.connect(url.replace("http", "ws"), "CP-EXPRESS");
    await exchangeBothWays(ocpp, station);
    expect(await get(`${url}/health`)).toEqual({ status: 200, body: '{"stations":1}' });
    // Express answers what it has no route for; the OCPP server answers only upgrades.
    expect((await get(`${url}/missing`)).status).toBe(404);
  });

  it("closes the OCPP server and its stations when the HTTP server closes", async () => {
    const ocpp = new OCPPServer({ protocols: ["ocpp1.6"] });
    const server = await start(createOcppHttpServer(appWithRoutes(ocpp), ocpp));
    const url = baseUrl(server);
    const station = await stations.connect(url.replace("http", "ws"), "CP-CLOSE");

    const closed = new Promise<void>((resolve, reject) =>
      server.close((err) => (err ? reject(err) : resolve())),
    );
    await expectClosedWithApp(closed, ocpp, station, `${url}/health`);
  });

  it("refuses upgrades through the app with the OCPP server's auth()", async () => {
    const ocpp = new OCPPServer({ protocols: ["ocpp1.6"] });
    ocpp.auth((accept, reject, handshake) =>
      handshake.identity === "BLOCKED" ? reject(403, "Blocked") : accept(),
    );
    const server = await start(createOcppHttpServer(appWithRoutes(ocpp), ocpp));
    const err = await stations.connect(baseUrl(server).replace("http", "ws"), "BLOCKED").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnexpectedHttpResponse);
    expect((err as UnexpectedHttpResponse).statusCode).toBe(403);
  });

  for (const profile of [1, 2, 3] as const) {
    it(`runs security profile ${profile} through the app's server (HTTPS for 2 and 3)`, async () => {
      const setup = securityProfile(suite.pki, profile);
      const ocpp = new OCPPServer(setup.server);
      checkCredentials(ocpp, profile);
      answerBoot(ocpp);
      const server = await start(
        createOcppHttpServer(appWithRoutes(ocpp), ocpp, { https: setup.https }),
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
