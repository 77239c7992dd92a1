/**
 * Security profiles 0 (plain ws) and 1 (Basic auth over ws), on the wire: SWP A00.FR.202–204,
 * J16 §6.2.2 (user name = identity, server validates before upgrading).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  OCPPServerClient,
  SecurityProfile,
  UnexpectedHttpResponse,
  safeEqual,
  type HandshakeInfo,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { EventLog, barrier, bareUpgrade, rejectionOf } from "./support.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

const PASSWORD = "s3cret-Pass-0123456";

function onClient(server: { once(e: "client", fn: (c: OCPPServerClient) => void): unknown }) {
  return new Promise<OCPPServerClient>((resolve) => server.once("client", resolve));
}

async function profile1Server(passwords: Record<string, string> = { CP001: PASSWORD }) {
  const started = await peers.server({
    protocols: ["ocpp1.6"],
    securityProfile: SecurityProfile.BASIC_AUTH,
  });
  const log = new EventLog(started.server);
  const authCalls: HandshakeInfo[] = [];
  started.server.auth((accept, reject, handshake) => {
    authCalls.push(handshake);
    const expected = passwords[handshake.identity];
    if (expected === undefined || !safeEqual(handshake.password, expected)) {
      return reject(401, "Invalid credentials");
    }
    accept({ session: { station: handshake.identity } });
  });
  started.server.on("client", (c) =>
    c.handle("Heartbeat", () => ({ currentTime: new Date(0).toISOString() })),
  );
  return { ...started, log, authCalls };
}

describe("Profile 0: no security", () => {
  it("a plain ws:// client connects and calls; handshake.securityProfile is 0", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    const log = new EventLog(server);
    server.on("client", (c) =>
      c.handle("Heartbeat", () => ({ currentTime: "2024-01-01T00:00:00Z" })),
    );
    const connected = onClient(server);
    const client = peers.client({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.NONE,
    });
    await client.connect();
    const serverClient = await connected;
    expect(client.securityProfile).toBe(0);
    expect(serverClient.handshake.securityProfile).toBe(0);
    expect(serverClient.handshake.password).toBeUndefined();
    expect(serverClient.handshake.clientCertificate).toBeUndefined();
    await expect(client.call("Heartbeat", {})).resolves.toEqual({
      currentTime: "2024-01-01T00:00:00Z",
    });
    expect(log.events).toEqual([]);
  });
});

describe("Profile 1: Basic auth over ws://", () => {
  it("the right password connects; auth sees the identity and the password bytes", async () => {
    const { server, url, authCalls, log } = await profile1Server();
    const connected = onClient(server);
    const client = peers.client({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.BASIC_AUTH,
      password: PASSWORD,
    });
    await client.connect();
    const serverClient = await connected;
    expect(client.securityProfile).toBe(SecurityProfile.BASIC_AUTH);
    expect(authCalls).toHaveLength(1);
    expect(serverClient.handshake.securityProfile).toBe(1);
    expect(serverClient.handshake.password?.toString("utf8")).toBe(PASSWORD);
    expect(serverClient.session).toEqual({ station: "CP001" });
    await expect(client.call("Heartbeat", {})).resolves.toEqual({
      currentTime: "1970-01-01T00:00:00.000Z",
    });
    expect(log.events).toEqual([]);
  });

  it("a wrong password: auth rejects 401, connect() rejects UnexpectedHttpResponse 401, one AUTH_FAILED", async () => {
    const { server, url, port, authCalls, log } = await profile1Server();
    let clients = 0;
    server.on("client", () => clients++);
    const client = peers.client({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.BASIC_AUTH,
      password: "wrong-password-0000",
    });
    const err = await rejectionOf(client.connect());
    expect(err).toBeInstanceOf(UnexpectedHttpResponse);
    expect((err as UnexpectedHttpResponse).statusCode).toBe(401);
    expect(authCalls).toHaveLength(1);
    const event = await log.waitFor("AUTH_FAILED");
    expect(event).toMatchObject({ identity: "CP001", remoteAddress: "127.0.0.1", status: 401 });
    expect(await barrier(port)).toBe(404);
    expect(log.types()).toEqual(["AUTH_FAILED"]);
    expect(clients).toBe(0);
    expect(server.clients.size).toBe(0);
  });

  it("no Authorization header: 401 (with WWW-Authenticate) before auth() is called", async () => {
    const { url, port, authCalls, log } = await profile1Server();
    const outcome = await bareUpgrade(url, "CP001");
    expect(outcome.status).toBe(401);
    expect(outcome.ws).toBeUndefined();
    const event = await log.waitFor("AUTH_FAILED");
    expect(event.identity).toBe("CP001");
    expect(await barrier(port)).toBe(404);
    expect(authCalls).toHaveLength(0);
    expect(log.types()).toEqual(["AUTH_FAILED"]);
  });

  it("Basic credentials naming another user count as no password: 401 before auth()", async () => {
    const { url, port, authCalls, log } = await profile1Server();
    const header = "Basic " + Buffer.from(`CP999:${PASSWORD}`).toString("base64");
    const outcome = await bareUpgrade(url, "CP001", { headers: { Authorization: header } });
    expect(outcome.status).toBe(401);
    await log.waitFor("AUTH_FAILED");
    expect(await barrier(port)).toBe(404);
    expect(authCalls).toHaveLength(0);
    expect(log.events).toHaveLength(1);
  });

  it("colons in both identity and password survive the Basic header", async () => {
    const identity = "this:is:ok";
    const password = "as:is:this:too-0123";
    const { server, url } = await profile1Server({ [identity]: password });
    const connected = onClient(server);
    const client = peers.client({
      endpoint: url,
      identity,
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.BASIC_AUTH,
      password,
    });
    await client.connect();
    const serverClient = await connected;
    expect(serverClient.identity).toBe(identity);
    expect(serverClient.handshake.password?.toString("utf8")).toBe(password);
    expect(server.getClient(identity)).toBe(serverClient);
  });

  it("a binary (non-UTF-8) Buffer password reaches auth() byte for byte", async () => {
    const password = Buffer.from([0x00, 0xff, 0x3a, 0x80, 0x10, 0x20, 0xfe, 0x01]);
    const { server, url } = await peers.server({
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.BASIC_AUTH,
    });
    server.auth((accept, reject, handshake) =>
      safeEqual(handshake.password, password) ? accept() : reject(401),
    );
    const connected = onClient(server);
    await peers
      .client({
        endpoint: url,
        identity: "CP-BIN",
        protocols: ["ocpp1.6"],
        securityProfile: SecurityProfile.BASIC_AUTH,
        password,
      })
      .connect();
    expect((await connected).handshake.password).toEqual(password);
  });

  it("the profile is inferred as BASIC_AUTH from a password on a ws:// endpoint", async () => {
    const { url } = await profile1Server();
    const client = peers.client({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      password: PASSWORD,
    });
    expect(client.securityProfile).toBe(SecurityProfile.BASIC_AUTH);
    await client.connect();
    expect(client.protocol).toBe("ocpp1.6");
  });

  it("securityEvents of a refused password never contain it (plain or base64)", async () => {
    const { url, port, log } = await profile1Server();
    const wrong = "leaky-password-XYZ-987";
    const client = peers.client({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.BASIC_AUTH,
      password: wrong,
    });
    await rejectionOf(client.connect());
    const event = await log.waitFor("AUTH_FAILED");
    expect(await barrier(port)).toBe(404);
    expect(log.events).toHaveLength(1);
    expect(event.timestamp).toBeInstanceOf(Date);
    expect(typeof event.reason).toBe("string");
    const json = JSON.stringify(log.events);
    expect(json).not.toContain(wrong);
    expect(json).not.toContain(Buffer.from(`CP001:${wrong}`).toString("base64"));
  });
});
