/**
 * Security profiles 2 (TLS + Basic auth) and 3 (mutual TLS) with real certificates on
 * 127.0.0.1: SWP A00.FR.312–324 (TLS ≥ 1.2, RSA and ECDSA server certificates),
 * A00.FR.403–407 (client certificate chain, CN, refusal of invalid certificates).
 */
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import {
  OCPPClient,
  OCPPServer,
  OCPPServerClient,
  SecurityProfile,
  UnexpectedHttpResponse,
  safeEqual,
  type ClientOptions,
  type ServerOptions,
} from "../../src/index.js";
import { useTestPki } from "../helpers/test-pki.js";
import { Peers } from "../helpers/peers.js";
import { EventLog, barrier, rejectionOf } from "./support.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

const pki = useTestPki();

const PASSWORD = "tls-basic-pass-0123";

function serverTls() {
  return {
    cert: [pki.serverRsa.cert, pki.serverEcdsa.cert],
    key: [pki.serverRsa.key, pki.serverEcdsa.key],
  };
}

function onClient(server: OCPPServer) {
  return new Promise<OCPPServerClient>((resolve) => server.once("client", resolve));
}

async function tlsServer(options: ServerOptions) {
  const started = await peers.server({ protocols: ["ocpp1.6"], ...options });
  started.server.on("client", (c) =>
    c.handle("Heartbeat", () => ({ currentTime: "2024-01-01T00:00:00Z" })),
  );
  const log = new EventLog(started.server);
  return { ...started, log, wssUrl: started.url.replace(/^ws:/, "wss:") };
}

function profile2Server() {
  return tlsServer({ securityProfile: SecurityProfile.TLS_BASIC_AUTH, tls: serverTls() });
}

async function profile3Server() {
  const started = await tlsServer({
    securityProfile: SecurityProfile.TLS_CLIENT_CERT,
    tls: { ...serverTls(), ca: pki.ca.cert },
  });
  let authCalls = 0;
  // The README's example (seed 000): the certificate CN must equal the identity.
  started.server.auth((accept, reject, handshake) => {
    authCalls++;
    const cert = handshake.clientCertificate;
    if (!cert || cert.subject?.CN !== handshake.identity) {
      return reject(401, "Certificate identity mismatch");
    }
    accept();
  });
  return { ...started, authCalls: () => authCalls };
}

function p2Client(url: string, extra: Partial<ClientOptions> = {}): OCPPClient {
  return peers.client({
    endpoint: url,
    identity: "CP001",
    protocols: ["ocpp1.6"],
    securityProfile: SecurityProfile.TLS_BASIC_AUTH,
    password: PASSWORD,
    tls: { ca: pki.ca.cert },
    ...extra,
  });
}

/**
 * The server saw exactly one failed TLS handshake, and its event names the peer (issue 9
 * item 13); `barrier` shows the server still serves, so no later event was missed.
 */
async function expectOneTlsError(
  log: EventLog,
  port: number,
  tls: Parameters<typeof barrier>[1],
): Promise<void> {
  expect((await log.waitFor("TLS_ERROR")).remoteAddress).toBe("127.0.0.1");
  expect(await barrier(port, tls)).toBe(404);
  expect(log.types()).toEqual(["TLS_ERROR"]);
}

function serverKeyType(response: unknown): string | undefined {
  const socket = (response as IncomingMessage).socket as TLSSocket;
  return socket.getPeerX509Certificate()?.publicKey.asymmetricKeyType;
}

describe("Profile 2: TLS + Basic auth", () => {
  it("connects over wss:// with the CA; handshake.securityProfile is 2; TLS ≥ 1.2", async () => {
    const { server, wssUrl, log } = await profile2Server();
    server.auth((accept, reject, handshake) =>
      safeEqual(handshake.password, PASSWORD) ? accept() : reject(401),
    );
    const connected = onClient(server);
    const client = p2Client(wssUrl);
    const { response } = await client.connect();
    const serverClient = await connected;
    expect(serverClient.handshake.securityProfile).toBe(2);
    expect(serverClient.handshake.password?.toString()).toBe(PASSWORD);
    expect(serverClient.handshake.clientCertificate).toBeUndefined();
    const socket = (response as IncomingMessage).socket as TLSSocket;
    expect(socket.encrypted).toBe(true);
    expect(["TLSv1.2", "TLSv1.3"]).toContain(socket.getProtocol());
    await expect(client.call("Heartbeat", {})).resolves.toEqual({
      currentTime: "2024-01-01T00:00:00Z",
    });
    expect(log.events).toEqual([]);
  });

  it.each([
    ["ECDHE-ECDSA-AES128-GCM-SHA256", "ec"],
    ["AES128-GCM-SHA256", "rsa"], // TLS_RSA_WITH_AES_128_GCM_SHA256
    ["AES256-GCM-SHA384", "rsa"], // TLS_RSA_WITH_AES_256_GCM_SHA384
  ])("serves both certificates: TLS 1.2 suite %s gets the %s one", async (ciphers, keyType) => {
    const { wssUrl } = await profile2Server();
    const client = p2Client(wssUrl, { wsOpts: { maxVersion: "TLSv1.2", ciphers } });
    const { response } = await client.connect();
    expect(serverKeyType(response)).toBe(keyType);
  });

  it("a plain ws:// client to the TLS port fails, with one TLS_ERROR", async () => {
    const { port, log } = await profile2Server();
    const client = peers.client({
      endpoint: `ws://127.0.0.1:${port}`,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.BASIC_AUTH,
      password: PASSWORD,
    });
    await rejectionOf(client.connect());
    expect(client.state).toBe(3);
    await expectOneTlsError(log, port, { ca: pki.ca.cert });
  });

  it("securityProfile 2 with a ws:// endpoint is a TypeError from the constructor", () => {
    expect(
      () =>
        new OCPPClient({
          endpoint: "ws://127.0.0.1:1",
          identity: "CP001",
          securityProfile: SecurityProfile.TLS_BASIC_AUTH,
          password: PASSWORD,
        }),
    ).toThrow(TypeError);
  });

  it("a client that does not trust the server's CA is refused (verification on by default)", async () => {
    const { server, wssUrl, port, log } = await profile2Server();
    let clients = 0;
    server.on("client", () => clients++);
    const client = p2Client(wssUrl, { tls: {} });
    const err = (await rejectionOf(client.connect())) as Error & { code?: string };
    expect(err).not.toBeInstanceOf(UnexpectedHttpResponse);
    expect(err.code).toMatch(/SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/);
    // The server sees the client's alert as a failed TLS handshake.
    await expectOneTlsError(log, port, { ca: pki.ca.cert });
    expect(clients).toBe(0);
  });

  it("a client limited to TLS 1.1 is refused by the server (TLS 1.2 floor), one TLS_ERROR", async () => {
    const { port, wssUrl, log } = await profile2Server();
    const client = p2Client(wssUrl, { wsOpts: { maxVersion: "TLSv1.1", minVersion: "TLSv1" } });
    const err = (await rejectionOf(client.connect())) as Error & { code?: string };
    expect(err.message).toMatch(/alert protocol version/);
    const event = await log.waitFor("TLS_ERROR");
    expect(event.reason).toMatch(/unsupported protocol/);
    expect(event.remoteAddress).toBe("127.0.0.1");
    expect(event.identity).toBeUndefined();
    expect(await barrier(port, { ca: pki.ca.cert })).toBe(404);
    expect(log.types()).toEqual(["TLS_ERROR"]);
  });
});

describe("Profile 3: mutual TLS", () => {
  function p3Client(url: string, identity = "CP001", cert = pki.client): OCPPClient {
    return peers.client({
      endpoint: url,
      identity,
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.TLS_CLIENT_CERT,
      tls: { cert: cert.cert, key: cert.key, ca: pki.ca.cert },
    });
  }

  it("a valid station certificate connects; handshake.clientCertificate describes it", async () => {
    const { server, wssUrl, log, authCalls } = await profile3Server();
    const connected = onClient(server);
    const client = p3Client(wssUrl);
    await client.connect();
    const { handshake } = await connected;
    expect(authCalls()).toBe(1);
    expect(handshake.securityProfile).toBe(3);
    const cert = handshake.clientCertificate!;
    expect(cert.subject.CN).toBe("CP001");
    expect(cert.subject.O).toBe("Test CPO");
    expect(cert.issuer.CN).toBe("ocpp-ws-io Test CA");
    expect(cert.serialNumber).toMatch(/^[0-9A-F]+$/);
    expect(cert.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.validTo.getTime()).toBeGreaterThan(Date.now());
    await expect(client.call("Heartbeat", {})).resolves.toBeDefined();
    expect(log.events).toEqual([]);
  });

  it("the README auth refuses identity CP002 presenting the CP001 certificate: 401, one AUTH_FAILED", async () => {
    const { wssUrl, port, log } = await profile3Server();
    const err = await rejectionOf(p3Client(wssUrl, "CP002").connect());
    expect(err).toBeInstanceOf(UnexpectedHttpResponse);
    expect((err as UnexpectedHttpResponse).statusCode).toBe(401);
    const event = await log.waitFor("AUTH_FAILED");
    expect(event.identity).toBe("CP002");
    expect(await barrier(port, { ca: pki.ca.cert, ...pki.client })).toBe(404);
    expect(log.types()).toEqual(["AUTH_FAILED"]);
  });

  it("a certificate issued for CP002 by the trusted CA connects as CP002", async () => {
    const { server, wssUrl } = await profile3Server();
    const cp002 = await pki.issueClientCert("CP002");
    const connected = onClient(server);
    await p3Client(wssUrl, "CP002", cp002).connect();
    expect((await connected).handshake.clientCertificate?.subject.CN).toBe("CP002");
  });

  it.each([
    [
      "a certificate from an untrusted CA",
      (url: string) => p3Client(url, "CP001", pki.untrustedClient),
    ],
    ["a certificate that expired", (url: string) => p3Client(url, "CP001", pki.expiredClient)],
    ["no certificate", (url: string) => p2Client(url)],
  ])(
    "a client presenting %s is refused during TLS, before auth(), one TLS_ERROR",
    async (_, client) => {
      const { server, wssUrl, port, log, authCalls } = await profile3Server();
      let clients = 0;
      server.on("client", () => clients++);
      const err = await rejectionOf(client(wssUrl).connect());
      expect(err).not.toBeInstanceOf(UnexpectedHttpResponse);
      await expectOneTlsError(log, port, { ca: pki.ca.cert, ...pki.client });
      expect(authCalls()).toBe(0);
      expect(clients).toBe(0);
    },
  );

  it("with tls.rejectUnauthorized false, bad certificates reach auth(), which can refuse them", async () => {
    const { server, wssUrl, port, log } = await tlsServer({
      securityProfile: SecurityProfile.TLS_CLIENT_CERT,
      tls: { ...serverTls(), ca: pki.ca.cert, rejectUnauthorized: false },
    });
    const seen: Array<{ cn: string | undefined; authorized: boolean }> = [];
    server.auth((accept, reject, handshake) => {
      const socket = handshake.request.socket as TLSSocket;
      seen.push({ cn: handshake.clientCertificate?.subject.CN, authorized: socket.authorized });
      if (!socket.authorized) return reject(403, "Certificate not valid");
      accept();
    });
    const expired = await rejectionOf(p3Client(wssUrl, "CP001", pki.expiredClient).connect());
    expect((expired as UnexpectedHttpResponse).statusCode).toBe(403);
    const none = await rejectionOf(p2Client(wssUrl).connect());
    expect((none as UnexpectedHttpResponse).statusCode).toBe(403);
    await p3Client(wssUrl).connect();
    expect(seen).toEqual([
      { cn: "CP001", authorized: false },
      { cn: undefined, authorized: false },
      { cn: "CP001", authorized: true },
    ]);
    expect(await barrier(port, { ca: pki.ca.cert, ...pki.client })).toBe(404);
    expect(log.types()).toEqual(["AUTH_FAILED", "AUTH_FAILED"]);
  });

  it("securityProfile 3 without a client certificate is a TypeError from the constructor", () => {
    expect(
      () =>
        new OCPPClient({
          endpoint: "wss://127.0.0.1:1",
          identity: "CP001",
          securityProfile: SecurityProfile.TLS_CLIENT_CERT,
          tls: { ca: pki.ca.cert },
        }),
    ).toThrow(TypeError);
  });

  it("a profile-3 server without tls.ca is a TypeError from the constructor", () => {
    expect(
      () => new OCPPServer({ securityProfile: SecurityProfile.TLS_CLIENT_CERT, tls: serverTls() }),
    ).toThrow(TypeError);
  });

  it("without securityProfile, a wss:// endpoint and tls.cert infer profile 3 and connect", async () => {
    const { server, wssUrl } = await profile3Server();
    const connected = onClient(server);
    const client = peers.client({
      endpoint: wssUrl,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      tls: { cert: pki.client.cert, key: pki.client.key, ca: pki.ca.cert },
    });
    expect(client.securityProfile).toBe(SecurityProfile.TLS_CLIENT_CERT);
    await client.connect();
    expect((await connected).handshake.clientCertificate?.subject.CN).toBe("CP001");
  });
});
