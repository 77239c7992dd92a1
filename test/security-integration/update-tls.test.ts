/**
 * updateTLS(): certificate hot-swap on a running TLS server (seed 002), and TLS_ERROR events
 * for connections that never manage a TLS handshake.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { connect as netConnect } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ConnectionState,
  OCPPServer,
  OCPPServerClient,
  SecurityProfile,
  type ServerOptions,
} from "../../src/index.js";
import { makeTestPki, type CertAndKey, type TestPki } from "../helpers/certs.js";
import { Peers } from "../helpers/peers.js";
import { EventLog, barrier, issueServerCert, rejectionOf } from "./support.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

let pki: TestPki;
/** A server certificate for 127.0.0.1 from a CA the clients do not trust by default. */
let otherServer: CertAndKey;
beforeAll(async () => {
  pki = await makeTestPki();
  otherServer = await issueServerCert(pki.untrustedCa);
}, 60_000);
afterAll(() => pki.cleanup());

const PASSWORD = "hot-swap-pass-01234";

async function tlsServer(options: ServerOptions = {}) {
  const started = await peers.server({
    protocols: ["ocpp1.6"],
    securityProfile: SecurityProfile.TLS_BASIC_AUTH,
    tls: {
      cert: [pki.serverRsa.cert, pki.serverEcdsa.cert],
      key: [pki.serverRsa.key, pki.serverEcdsa.key],
    },
    ...options,
  });
  started.server.on("client", (c) =>
    c.handle("Heartbeat", () => ({ currentTime: "2024-01-01T00:00:00Z" })),
  );
  const log = new EventLog(started.server);
  return { ...started, log, wssUrl: started.url.replace(/^ws:/, "wss:") };
}

function station(url: string, ca: string, identity = "CP001") {
  return peers.client({
    endpoint: url,
    identity,
    protocols: ["ocpp1.6"],
    securityProfile: SecurityProfile.TLS_BASIC_AUTH,
    password: PASSWORD,
    tls: { ca },
  });
}

function issuerCN(response: unknown): string {
  const socket = (response as IncomingMessage).socket as TLSSocket;
  return String(socket.getPeerCertificate().issuer?.CN);
}

describe("OCPPServer#updateTLS", () => {
  it("keeps open connections, and new handshakes get the new certificate", async () => {
    const { server, wssUrl, port, log } = await tlsServer();
    const connected = new Promise<OCPPServerClient>((r) => server.once("client", r));
    const before = station(wssUrl, pki.ca.cert);
    const { response } = await before.connect();
    expect(issuerCN(response)).toBe("ocpp-ws-io Test CA");
    const serverSide = await connected;
    let closed = false;
    before.on("close", () => (closed = true));

    server.updateTLS({ cert: otherServer.cert, key: otherServer.key });

    // The connection made before the swap still works both ways.
    await expect(before.call("Heartbeat", {})).resolves.toEqual({
      currentTime: "2024-01-01T00:00:00Z",
    });
    before.handle("Reset", () => ({ status: "Accepted" }));
    await expect(serverSide.call("Reset", { type: "Soft" })).resolves.toEqual({
      status: "Accepted",
    });
    expect(before.state).toBe(ConnectionState.OPEN);

    // A station that trusts only the old CA cannot verify the new certificate.
    const oldTrust = station(wssUrl, pki.ca.cert, "CP002");
    const err = (await rejectionOf(oldTrust.connect())) as Error & { code?: string };
    expect(err.code).toMatch(/UNABLE_TO_(VERIFY|GET)|SELF_SIGNED/);

    // One that trusts the new CA connects and sees the new issuer.
    const newTrust = station(wssUrl, pki.untrustedCa.cert, "CP003");
    const opened = await newTrust.connect();
    expect(issuerCN(opened.response)).toBe("Untrusted CA");
    await expect(newTrust.call("Heartbeat", {})).resolves.toBeDefined();

    expect(closed).toBe(false);
    expect(server.getClient("CP001")).toBe(serverSide);
    expect(server.clients.size).toBe(2);
    // Only the refused handshake of the station trusting the old CA shows up.
    await log.waitFor("TLS_ERROR");
    expect(await barrier(port, { ca: pki.untrustedCa.cert })).toBe(404);
    expect(log.types()).toEqual(["TLS_ERROR"]);
  });

  it("a listen() after updateTLS() also serves the new certificate", async () => {
    const { server } = await tlsServer();
    server.updateTLS({ cert: otherServer.cert, key: otherServer.key });
    const second = await server.listen(0, "127.0.0.1");
    const port = (second.address() as AddressInfo).port;
    const client = station(`wss://127.0.0.1:${port}`, pki.untrustedCa.cert);
    const { response } = await client.connect();
    expect(issuerCN(response)).toBe("Untrusted CA");
  });

  it("on a profile-3 server keeps tls.ca: station certificates still verify after a swap", async () => {
    const { server, wssUrl } = await tlsServer({
      securityProfile: SecurityProfile.TLS_CLIENT_CERT,
      tls: { cert: pki.serverRsa.cert, key: pki.serverRsa.key, ca: pki.ca.cert },
    });
    server.updateTLS({ cert: otherServer.cert, key: otherServer.key });
    const connected = new Promise<OCPPServerClient>((r) => server.once("client", r));
    const client = peers.client({
      endpoint: wssUrl,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.TLS_CLIENT_CERT,
      tls: { ...pki.client, ca: pki.untrustedCa.cert },
    });
    await client.connect();
    expect((await connected).handshake.clientCertificate?.subject.CN).toBe("CP001");
  });

  it("throws on a profile-0 server, and on a profile-1 server", async () => {
    const plain = await peers.server({ protocols: ["ocpp1.6"] });
    expect(() => plain.server.updateTLS({ cert: otherServer.cert, key: otherServer.key })).toThrow(
      /securityProfile 0/,
    );
    const basic = new OCPPServer({ securityProfile: SecurityProfile.BASIC_AUTH });
    expect(() => basic.updateTLS({ cert: otherServer.cert, key: otherServer.key })).toThrow();
    await basic.close();
  });

  it("a certificate without its key is refused and the old certificate stays in force", async () => {
    const { server, wssUrl } = await tlsServer();
    expect(() => server.updateTLS({ cert: otherServer.cert, key: "" })).toThrow();
    const { response } = await station(wssUrl, pki.ca.cert).connect();
    expect(issuerCN(response)).toBe("ocpp-ws-io Test CA");
  });
});

describe("TLS_ERROR", () => {
  function rawTcp(port: number, payload: string | Buffer): Promise<void> {
    return new Promise<void>((resolve) => {
      const socket = netConnect(port, "127.0.0.1", () => socket.write(payload));
      socket.on("error", () => undefined);
      socket.on("close", () => resolve());
      socket.resume();
    });
  }

  it.each([
    ["a plain HTTP request", "GET /CP001 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"],
    ["random bytes", randomBytes(64)],
  ])("%s on the TLS port: the server drops it and emits one TLS_ERROR", async (_, payload) => {
    const { server, port, log } = await tlsServer();
    let clients = 0;
    server.on("client", () => clients++);
    await rawTcp(port, payload);
    const event = await log.waitFor("TLS_ERROR");
    expect(event).toMatchObject({ type: "TLS_ERROR", identity: undefined });
    expect(event.remoteAddress).toBe("127.0.0.1");
    expect(event.reason.length).toBeGreaterThan(0);
    expect(event.timestamp).toBeInstanceOf(Date);
    expect(await barrier(port, { ca: pki.ca.cert })).toBe(404);
    expect(log.types()).toEqual(["TLS_ERROR"]);
    expect(clients).toBe(0);
  });
});
