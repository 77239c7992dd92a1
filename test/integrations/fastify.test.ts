/**
 * ocpp-ws-io/fastify with a real Fastify 5 app on 127.0.0.1: the plugin's `app.ocpp`,
 * OCPP upgrades beside routes, calls both ways, app.close() closing the OCPP server, errors
 * through Fastify's logger, and security profiles 1–3 through Fastify's server (HTTPS for 2 and 3).
 */
import Fastify, { type FastifyInstance } from "fastify";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { OCPPServer } from "../../src/index.js";
import { ocppPlugin } from "../../src/integrations/fastify.js";
import {
  answerBoot,
  checkCredentials,
  exchangeBothWays,
  expectClosedWithApp,
  get,
  integrationSuite,
  securityProfile,
} from "./support.js";

const suite = integrationSuite<FastifyInstance>((app) => app.close());
const { stations, started: apps } = suite;

function track(app: FastifyInstance): FastifyInstance {
  apps.push(app);
  app.get("/health", () => ({ stations: app.ocpp.clients.size }));
  return app;
}

/** A pino destination that keeps every log line, parsed. */
function logLines(): { lines: Array<Record<string, unknown>>; stream: Writable } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe("ocpp-ws-io/fastify ocppPlugin", () => {
  it("decorates app.ocpp and serves OCPP upgrades beside routes, with calls both ways", async () => {
    const app = track(Fastify());
    await app.register(ocppPlugin, { protocols: ["ocpp1.6"] });
    expect(app.ocpp).toBeInstanceOf(OCPPServer);
    answerBoot(app.ocpp);
    const url = await app.listen({ port: 0, host: "127.0.0.1" });

    const station = await stations.connect(url.replace("http", "ws"), "CP-FASTIFY");
    await exchangeBothWays(app.ocpp, station);
    expect(await get(`${url}/health`)).toEqual({ status: 200, body: '{"stations":1}' });
    // Routes still answer through Fastify's own light-my-request injection.
    expect((await app.inject({ url: "/health" })).json()).toEqual({ stations: 1 });
  });

  it("uses an existing OCPPServer given as `server`", async () => {
    const ocpp = new OCPPServer({ protocols: ["ocpp1.6"] });
    answerBoot(ocpp);
    const app = track(Fastify());
    await app.register(ocppPlugin, { server: ocpp });
    expect(app.ocpp).toBe(ocpp);
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    await exchangeBothWays(ocpp, await stations.connect(url.replace("http", "ws"), "CP-OWN"));
  });

  it("closes the OCPP server and its stations with app.close()", async () => {
    const app = track(Fastify());
    await app.register(ocppPlugin, { protocols: ["ocpp1.6"] });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const station = await stations.connect(url.replace("http", "ws"), "CP-CLOSE");
    await expectClosedWithApp(app.close(), app.ocpp, station, `${url}/health`);
  });

  it("refuses bad options at register() with the option named", async () => {
    const app = track(Fastify());
    await expect(
      app.register(ocppPlugin, { protocols: ["ocpp1.6"], bogus: 1 } as never),
    ).rejects.toThrow("OCPPServer: unknown option 'bogus'");
    const other = track(Fastify());
    await expect(
      other.register(ocppPlugin, { server: new OCPPServer(), protocols: ["ocpp1.6"] }),
    ).rejects.toThrow(
      "ocpp-ws-io/fastify: with 'server', pass no OCPPServer options (got protocols)",
    );
  });

  it("reports the OCPP server's errors and security events through Fastify's logger", async () => {
    const { lines, stream } = logLines();
    const app = track(Fastify({ logger: { level: "info", stream } }));
    await app.register(ocppPlugin, { protocols: ["ocpp1.6"] });
    app.ocpp.auth(() => {
      throw new Error("auth backend down");
    });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const err = await stations.connect(url.replace("http", "ws"), "CP-ERR").then(
      () => undefined,
      (e: unknown) => e as { statusCode?: number },
    );
    expect(err?.statusCode).toBe(500);
    const failure = lines.find((l) => l.msg === "OCPP upgrade failed");
    expect(failure?.level).toBe(50);
    expect((failure?.err as { message?: string }).message).toBe("auth backend down");
  });

  for (const profile of [1, 2, 3] as const) {
    it(`runs security profile ${profile} through Fastify's server (HTTPS for 2 and 3)`, async () => {
      const setup = securityProfile(suite.pki, profile);
      const app = track(setup.https ? Fastify({ https: setup.https }) : Fastify());
      await app.register(ocppPlugin, setup.server);
      checkCredentials(app.ocpp, profile);
      answerBoot(app.ocpp);
      const url = await app.listen({ port: 0, host: "127.0.0.1" });

      const station = await stations.connect(url.replace(/^http/, "ws"), "CP001", setup.client);
      await exchangeBothWays(app.ocpp, station);
      expect(await get(`${url}/health`, setup.request)).toEqual({
        status: 200,
        body: '{"stations":1}',
      });
    });
  }
});
