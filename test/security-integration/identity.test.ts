/**
 * Identities on the server: duplicateIdentity ("replace" / "reject"), getClient, clients,
 * sendToClient / safeSendToClient, and the securityEvent payload (never a password).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionClosedError,
  OCPPServerClient,
  SecurityProfile,
  UnexpectedHttpResponse,
  safeEqual,
  type CloseResult,
  type OCPPServer,
  type ServerOptions,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { EventLog, barrier, bareUpgrade, rejectionOf } from "./support.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

async function startServer(options: ServerOptions = {}) {
  const started = await peers.server({ protocols: ["ocpp1.6"], ...options });
  started.server.on("client", (c) =>
    c.handle("Heartbeat", () => ({ currentTime: "2024-01-01T00:00:00Z" })),
  );
  return { ...started, log: new EventLog(started.server) };
}

function station(url: string, identity = "CP001") {
  return peers.client({ endpoint: url, identity, protocols: ["ocpp1.6"] });
}

function nextClient(server: OCPPServer) {
  return new Promise<OCPPServerClient>((resolve) => server.once("client", resolve));
}

function closeOf(emitter: { once(e: "close", fn: (r: CloseResult) => void): unknown }) {
  return new Promise<CloseResult>((resolve) => emitter.once("close", resolve));
}

describe('duplicateIdentity: "replace" (default)', () => {
  it("accepts the second connection and closes the first with 4001; one DUPLICATE_IDENTITY", async () => {
    const { server, url, port, log } = await startServer();
    const firstSide = nextClient(server);
    const first = station(url);
    await first.connect();
    const s1 = await firstSide;
    const firstClosed = closeOf(first);
    const s1Closed = closeOf(s1);

    const secondSide = nextClient(server);
    const second = station(url);
    await second.connect();
    const s2 = await secondSide;

    expect((await firstClosed).code).toBe(4001);
    await s1Closed;
    const event = await log.waitFor("DUPLICATE_IDENTITY");
    expect(event).toMatchObject({ identity: "CP001", remoteAddress: "127.0.0.1" });
    expect(server.getClient("CP001")).toBe(s2);
    expect(server.clients.size).toBe(1);
    expect([...server.clients]).toEqual([s2]);
    await expect(second.call("Heartbeat", {})).resolves.toBeDefined();
    expect(await barrier(port)).toBe(404);
    expect(log.types()).toEqual(["DUPLICATE_IDENTITY"]);
  });
});

describe('duplicateIdentity: "reject"', () => {
  it("refuses the second connection with 409 (one DUPLICATE_IDENTITY); the first stays up", async () => {
    const { server, url, port, log } = await startServer({ duplicateIdentity: "reject" });
    const firstSide = nextClient(server);
    const first = station(url);
    await first.connect();
    const s1 = await firstSide;
    let firstClosed = false;
    first.on("close", () => (firstClosed = true));

    const err = await rejectionOf(station(url).connect());
    expect(err).toBeInstanceOf(UnexpectedHttpResponse);
    expect((err as UnexpectedHttpResponse).statusCode).toBe(409);
    const event = await log.waitFor("DUPLICATE_IDENTITY");
    expect(event).toMatchObject({ identity: "CP001", status: 409 });
    expect(await barrier(port)).toBe(404);
    expect(log.types()).toEqual(["DUPLICATE_IDENTITY"]);

    await expect(first.call("Heartbeat", {})).resolves.toBeDefined();
    expect(firstClosed).toBe(false);
    expect(server.getClient("CP001")).toBe(s1);
    expect(server.clients.size).toBe(1);
  });

  it("lets the identity in again once the first connection has gone", async () => {
    const { server, url } = await startServer({ duplicateIdentity: "reject" });
    const firstSide = nextClient(server);
    const first = station(url);
    await first.connect();
    const s1Closed = closeOf(await firstSide);
    await first.close();
    await s1Closed;
    expect(server.getClient("CP001")).toBeUndefined();
    const again = station(url);
    await again.connect();
    await expect(again.call("Heartbeat", {})).resolves.toBeDefined();
  });
});

describe("sendToClient / safeSendToClient", () => {
  it('sendToClient("CP001", "ocpp1.6", "Reset", { type: "Soft" }) reaches the station handler', async () => {
    const { server, url } = await startServer();
    const connected = nextClient(server);
    const cp = station(url);
    const received: unknown[] = [];
    cp.handle("Reset", ({ params }) => {
      received.push(params);
      return { status: "Accepted" };
    });
    await cp.connect();
    await connected;
    await expect(
      server.sendToClient("CP001", "ocpp1.6", "Reset", { type: "Soft" }),
    ).resolves.toEqual({ status: "Accepted" });
    expect(received).toEqual([{ type: "Soft" }]);
    await expect(
      server.safeSendToClient("CP001", "ocpp1.6", "Reset", { type: "Hard" }),
    ).resolves.toEqual({ status: "Accepted" });
    expect(received).toEqual([{ type: "Soft" }, { type: "Hard" }]);
  });

  it("to an unknown identity: sendToClient rejects ConnectionClosedError, safeSendToClient gives undefined", async () => {
    const { server, url } = await startServer();
    const connected = nextClient(server);
    await station(url, "CP001").connect();
    await connected;
    const err = await rejectionOf(
      server.sendToClient("CP404", "ocpp1.6", "Reset", { type: "Soft" }),
    );
    expect(err).toBeInstanceOf(ConnectionClosedError);
    expect(err.message).toContain("CP404");
    await expect(
      server.safeSendToClient("CP404", "ocpp1.6", "Reset", { type: "Soft" }),
    ).resolves.toBeUndefined();
  });

  it("after the station disconnects, sendToClient to it rejects ConnectionClosedError", async () => {
    const { server, url } = await startServer();
    const connected = nextClient(server);
    const cp = station(url);
    await cp.connect();
    const gone = closeOf(await connected);
    await cp.close();
    await gone;
    await expect(
      server.sendToClient("CP001", "ocpp1.6", "Reset", { type: "Soft" }),
    ).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});

describe("securityEvent payload", () => {
  it("has type, identity, remoteAddress, reason, status, a Date timestamp, and never a password", async () => {
    const password = "correct-horse-0123456";
    const wrong = "wrong-battery-6543210";
    const { server, url, port, log } = await startServer({
      securityProfile: SecurityProfile.BASIC_AUTH,
      duplicateIdentity: "reject",
    });
    server.cors({ allowedOrigins: ["https://dashboard.example.com"] });
    server.auth((accept, reject, handshake) =>
      safeEqual(handshake.password, password) ? accept() : reject(401, "Invalid credentials"),
    );
    const basic = (pw: string) => "Basic " + Buffer.from(`CP001:${pw}`).toString("base64");
    const opts = (pw: string) => ({
      endpoint: url,
      identity: "CP001",
      protocols: ["ocpp1.6"],
      securityProfile: SecurityProfile.BASIC_AUTH,
      password: pw,
    });

    await rejectionOf(peers.client(opts(wrong)).connect()); // AUTH_FAILED
    await log.waitFor("AUTH_FAILED");
    const origin = await bareUpgrade(url, "CP001", {
      headers: { Authorization: basic(password), Origin: "https://evil.example" },
    });
    expect(origin.status).toBe(403);
    await log.waitFor("CORS_ORIGIN_REJECTED");
    await peers.client(opts(password)).connect();
    await rejectionOf(peers.client(opts(password)).connect()); // duplicate, 409
    await log.waitFor("DUPLICATE_IDENTITY");
    expect(await barrier(port)).toBe(404);

    expect(log.types()).toEqual(["AUTH_FAILED", "CORS_ORIGIN_REJECTED", "DUPLICATE_IDENTITY"]);
    expect(log.events.map((e) => e.status)).toEqual([401, 403, 409]);
    for (const event of log.events) {
      expect(Object.keys(event).sort()).toEqual(
        ["identity", "reason", "remoteAddress", "status", "timestamp", "type"].sort(),
      );
      expect(event.remoteAddress).toBe("127.0.0.1");
      expect(typeof event.reason).toBe("string");
      expect(event.reason.length).toBeGreaterThan(0);
      expect(event.timestamp).toBeInstanceOf(Date);
      expect(Math.abs(Date.now() - event.timestamp.getTime())).toBeLessThan(10_000);
      const json = JSON.stringify(event);
      for (const secret of [password, wrong, basic(password), basic(wrong)]) {
        expect(json).not.toContain(secret);
      }
    }
    expect(log.events[0]!.identity).toBe("CP001");
    expect(log.events[2]!.identity).toBe("CP001");
  });
});
