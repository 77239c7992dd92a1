/**
 * ocpp-ws-io/nestjs with a real Nest application (@nestjs/core, @nestjs/common,
 * @nestjs/platform-express) on 127.0.0.1: the OCPPServer injected by its class, gateway
 * handlers registered on every station, calls both ways, a controller beside the OCPP server,
 * app.close() closing it, forRootAsync, and security profiles 1–3 through Nest's server (HTTPS
 * for 2 and 3).
 */
import "reflect-metadata";
import { Injectable, Module, type INestApplication, type LoggerService } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import type { NestApplicationOptions } from "@nestjs/common";
import type { Server } from "node:net";
import { describe, expect, it } from "vitest";
import { OCPPClient, OCPPServer, type OCPPServerClient } from "../../../src/index.js";
import { OcppGateway, OcppMessageEvent, OcppModule } from "../../../src/integrations/nestjs.js";
import {
  baseUrl,
  checkCredentials,
  exchangeBothWays,
  expectClosedWithApp,
  get,
  integrationSuite,
  securityProfile,
} from "../support.js";
import { StationRegistry, appModule } from "./app.js";

const suite = integrationSuite<INestApplication>((app) => app.close());
const { stations, started: apps } = suite;

async function start(
  module: new () => object,
  options: NestApplicationOptions = {},
): Promise<{ app: INestApplication; ocpp: OCPPServer; url: string }> {
  const app = await NestFactory.create(module, { logger: false, ...options });
  apps.push(app);
  await app.listen(0, "127.0.0.1");
  const scheme = options.httpsOptions ? "https" : "http";
  return { app, ocpp: app.get(OCPPServer), url: baseUrl(app.getHttpServer() as Server, scheme) };
}

describe("ocpp-ws-io/nestjs OcppModule", () => {
  it("routes station calls to the gateway and calls stations through the injected server", async () => {
    const { app, ocpp, url } = await start(
      appModule(OcppModule.forRoot({ protocols: ["ocpp1.6"] })),
    );
    const station = await stations.connect(url.replace("http", "ws"), "CP-NEST");

    await exchangeBothWays(ocpp, station);
    expect(await station.call("Heartbeat")).toEqual({ currentTime: "2025-01-01T00:00:00.000Z" });
    const registry = app.get(StationRegistry);
    expect(registry.booted).toEqual(["CP-NEST:Test"]);
    expect(registry.connected).toEqual(["CP-NEST"]);
    // The controller beside it, with the same OCPPServer injected.
    expect(await get(`${url}/health`)).toEqual({ status: 200, body: '{"stations":1}' });
  });

  it("closes the OCPP server and its stations with app.close()", async () => {
    const { app, ocpp, url } = await start(
      appModule(OcppModule.forRoot({ protocols: ["ocpp1.6"] })),
    );
    const station = await stations.connect(url.replace("http", "ws"), "CP-CLOSE");
    apps.splice(apps.indexOf(app), 1);
    await expectClosedWithApp(app.close(), ocpp, station, `${url}/health`);
  });

  it("builds the server from forRootAsync's factory with injected providers", async () => {
    @Injectable()
    class OcppConfig {
      readonly protocols = ["ocpp1.6"] as const;
    }
    @Module({ providers: [OcppConfig], exports: [OcppConfig] })
    class ConfigModule {}

    const { ocpp, url } = await start(
      appModule(
        OcppModule.forRootAsync({
          imports: [ConfigModule],
          inject: [OcppConfig],
          useFactory: (config: OcppConfig) => Promise.resolve({ protocols: config.protocols }),
        }),
      ),
    );
    const station = await stations.connect(url.replace("http", "ws"), "CP-ASYNC");
    expect(station.protocol).toBe("ocpp1.6");
    await exchangeBothWays(ocpp, station);
  });

  it("refuses a forRootAsync without useFactory, and bad server options at startup", async () => {
    expect(() => OcppModule.forRootAsync({} as never)).toThrow(
      "OcppModule.forRootAsync(): useFactory must be a function",
    );
    await expect(
      NestFactory.create(appModule(OcppModule.forRoot({ bogus: true } as never)), {
        logger: false,
        abortOnError: false,
      }),
    ).rejects.toThrow("OCPPServer: unknown option 'bogus'");
  });

  it("fails the application's start for a handler of a method no station sends", async () => {
    // As plain JavaScript would call it: the typed form refuses "Reset" at compile time.
    const untypedEvent = OcppMessageEvent as unknown as (p: string, m: string) => MethodDecorator;
    @OcppGateway()
    class WrongGateway {
      @untypedEvent("ocpp1.6", "Reset")
      reset(): object {
        return {};
      }
    }
    @Module({
      imports: [OcppModule.forRoot({ protocols: ["ocpp1.6"] })],
      providers: [WrongGateway],
    })
    class WrongModule {}
    const app = await NestFactory.create(WrongModule, { logger: false, abortOnError: false });
    apps.push(app);
    await expect(app.init()).rejects.toThrow(
      `@OcppMessageEvent("ocpp1.6", "Reset") on WrongGateway.reset: handle('Reset'): Reset is never sent by a station in ocpp1.6; this side sends it`,
    );
  });

  it("logs a failing handleConnection through Nest's logger; the station stays connected", async () => {
    @OcppGateway()
    class FailingGateway {
      handleConnection(client: OCPPServerClient): Promise<void> {
        return Promise.reject(new Error(`no record of ${client.identity}`));
      }
    }
    @Module({
      imports: [OcppModule.forRoot({ protocols: ["ocpp1.6"] })],
      providers: [FailingGateway],
    })
    class FailingModule {}
    const errors: unknown[][] = [];
    let logged: () => void;
    const loggedOnce = new Promise<void>((resolve) => (logged = resolve));
    const logger: LoggerService = {
      log: () => undefined,
      warn: () => undefined,
      error: (...args: unknown[]) => {
        errors.push(args);
        logged();
      },
    };
    const { url } = await start(FailingModule, { logger });
    const station = await stations.connect(url.replace("http", "ws"), "CP-UNKNOWN");
    await loggedOnce;
    expect(errors[0]?.[0]).toBe("handleConnection(CP-UNKNOWN) failed: no record of CP-UNKNOWN");
    expect(errors[0]).toContain("OcppModule");
    expect(station.state).toBe(OCPPClient.OPEN);
  });

  for (const profile of [1, 2, 3] as const) {
    it(`runs security profile ${profile} through Nest's server (HTTPS for 2 and 3)`, async () => {
      const setup = securityProfile(suite.pki, profile);
      const { ocpp, url } = await start(appModule(OcppModule.forRoot(setup.server)), {
        httpsOptions: setup.https,
      });
      checkCredentials(ocpp, profile);

      const station = await stations.connect(url.replace(/^http/, "ws"), "CP001", setup.client);
      await exchangeBothWays(ocpp, station);
      expect(await get(`${url}/health`, setup.request)).toEqual({
        status: 200,
        body: '{"stations":1}',
      });
    });
  }
});
