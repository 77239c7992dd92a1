/**
 * Shared pieces of the framework integration tests: the lifecycle of a test file (stations,
 * what its tests start, the PKI), stations that connect to a framework's server and exchange
 * calls both ways, an HTTP(S) GET, and the TLS material for security profiles 2 and 3 served
 * by the framework's own HTTPS server.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo, Server } from "node:net";
import { afterEach, expect } from "vitest";
import {
  OCPPClient,
  SecurityProfile,
  safeEqual,
  type ClientOptions,
  type OCPPServer,
  type ServerOptions,
} from "../../src/index.js";
import type { TestPki } from "../helpers/certs.js";
import { useTestPki } from "../helpers/test-pki.js";
import { waitFor } from "../helpers/events.js";

export const PASSWORD = "integration-secret-0123";

/** The base URL of a listening server. */
export function baseUrl(server: Server, scheme: "http" | "https" = "http"): string {
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The CSMS side of the exchange: answers BootNotification from every station. */
export function answerBoot(ocpp: OCPPServer): void {
  ocpp.on("client", (client) =>
    client.handle("ocpp1.6", "BootNotification", () => ({
      status: "Accepted",
      currentTime: new Date().toISOString(),
      interval: 60,
    })),
  );
}

/** Stations (OCPPClient, ocpp1.6) created by a test; closeAll() in afterEach. */
export class Stations {
  private readonly clients: OCPPClient[] = [];

  /** A station connected to `wsUrl`/`identity`; it answers GetConfiguration. */
  async connect(
    wsUrl: string,
    identity: string,
    extra: Partial<ClientOptions> = {},
  ): Promise<OCPPClient> {
    const client = new OCPPClient({
      endpoint: `${wsUrl}/ocpp`,
      identity,
      protocols: ["ocpp1.6"],
      reconnect: false,
      ...extra,
    });
    this.clients.push(client);
    client.handle("GetConfiguration", ({ params }) => ({
      configurationKey: (params.key ?? []).map((key) => ({ key, readonly: true, value: identity })),
    }));
    await client.connect();
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close({ force: true })));
  }
}

/** What one framework's test file shares (see integrationSuite). */
export interface IntegrationSuite<T> {
  readonly stations: Stations;
  /** The servers or apps the tests started, closed after each test; one closed by its test is taken out. */
  readonly started: T[];
  /** The test PKI, made once per file (from beforeAll on). */
  readonly pki: TestPki;
}

/**
 * Registers the hooks of a framework's test file (call it at the top level): after each test
 * the stations close, then everything in `started` through `close`; the PKI is made before
 * the first test and removed after the last.
 */
export function integrationSuite<T>(close: (started: T) => Promise<unknown>): IntegrationSuite<T> {
  const suite: IntegrationSuite<T> = { stations: new Stations(), started: [], pki: useTestPki() };
  afterEach(async () => {
    await suite.stations.closeAll();
    await Promise.all(suite.started.splice(0).map(close));
  });
  return suite;
}

/** Closes an HTTP(S) server, resolving once it has (for integrationSuite). */
export function closeServer(server: { close(done: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Calls both ways over the framework's server: the station boots (the CSMS answers), then
 * the CSMS asks the station for its configuration through `ocpp`.
 */
export async function exchangeBothWays(ocpp: OCPPServer, station: OCPPClient): Promise<void> {
  const boot = await station.call("BootNotification", {
    chargePointVendor: "Integration",
    chargePointModel: "Test",
  });
  expect(boot.status).toBe("Accepted");
  const config = await ocpp.sendToClient(station.identity, "ocpp1.6", "GetConfiguration", {
    key: ["Identity"],
  });
  expect(config.configurationKey).toEqual([
    { key: "Identity", readonly: true, value: station.identity },
  ]);
}

/** TLS material of an HTTPS request: the CA to trust, and a client certificate for profile 3. */
export interface RequestTls {
  ca: string;
  cert?: string;
  key?: string;
}

/** GET `url` (over HTTPS with `tls`): status and body. */
export function get(url: string, tls?: RequestTls): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = tls
      ? httpsRequest(url, { ...tls, agent: false })
      : httpRequest(url, { agent: false });
    req.setTimeout(3000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * After the app's close: the station was told "going away" (1001), the OCPP server closed,
 * and nothing listens on the port any more.
 */
export async function expectClosedWithApp(
  closing: Promise<unknown>,
  ocpp: OCPPServer,
  station: OCPPClient,
  url: string,
): Promise<void> {
  const [, stationClosed] = await Promise.all([
    closing,
    waitFor<{ code: number }>(station, "close", 5000),
    waitFor(ocpp, "close", 5000),
  ]);
  expect(stationClosed.code).toBe(1001);
  expect(ocpp.clients.size).toBe(0);
  await expect(get(url)).rejects.toMatchObject({ code: "ECONNREFUSED" });
}

/** Everything one security profile needs on both sides, from the test PKI. */
export interface ProfileSetup {
  /** For the framework's HTTPS server (none for profile 1). */
  https: { cert: string; key: string; ca?: string; requestCert?: boolean } | undefined;
  /** "http" or "https". */
  scheme: "http" | "https";
  /** For the OCPPServer (profiles 2 and 3 require `tls`). */
  server: ServerOptions;
  /** For each station. */
  client: Partial<ClientOptions>;
  /** For a plain HTTPS request to the app (profile 3 asks it for a certificate too). */
  request: RequestTls | undefined;
}

/**
 * Profile 1 (Basic auth over plain HTTP), 2 (TLS + Basic auth) or 3 (mutual TLS), with the
 * certificates of `pki`.
 */
export function securityProfile(pki: TestPki, profile: 1 | 2 | 3): ProfileSetup {
  const serverCert = { cert: pki.serverRsa.cert, key: pki.serverRsa.key };
  if (profile === 1) {
    return {
      https: undefined,
      scheme: "http",
      server: { protocols: ["ocpp1.6"], securityProfile: SecurityProfile.BASIC_AUTH },
      client: { securityProfile: SecurityProfile.BASIC_AUTH, password: PASSWORD },
      request: undefined,
    };
  }
  if (profile === 2) {
    return {
      https: serverCert,
      scheme: "https",
      server: {
        protocols: ["ocpp1.6"],
        securityProfile: SecurityProfile.TLS_BASIC_AUTH,
        tls: serverCert,
      },
      client: {
        securityProfile: SecurityProfile.TLS_BASIC_AUTH,
        password: PASSWORD,
        tls: { ca: pki.ca.cert },
      },
      request: { ca: pki.ca.cert },
    };
  }
  return {
    https: { ...serverCert, ca: pki.ca.cert, requestCert: true },
    scheme: "https",
    server: {
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.TLS_CLIENT_CERT,
      tls: { ...serverCert, ca: pki.ca.cert },
    },
    client: {
      securityProfile: SecurityProfile.TLS_CLIENT_CERT,
      tls: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key },
    },
    request: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key },
  };
}

/** auth() for a profile: the Basic-auth password (1, 2) or the certificate's CN (3). */
export function checkCredentials(ocpp: OCPPServer, profile: 1 | 2 | 3): void {
  ocpp.auth((accept, reject, handshake) => {
    const ok =
      profile === 3
        ? handshake.clientCertificate?.subject?.CN === handshake.identity
        : safeEqual(handshake.password, PASSWORD);
    if (!ok) return reject(401, "Bad credentials");
    accept();
  });
}
