/**
 * Handshake refusals for load carry Retry-After (RFC 9110 §10.2.3): the per-address
 * connectionRateLimit (429) says when its window frees a slot, a closing server (503) says
 * when to come back. Checked on raw HTTP upgrade requests.
 */
import { once } from "node:events";
import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { OCPPServer, WebsocketUpgradeError, type UpgradeAbortedEvent } from "../../src/index.js";
import { CLOSING_RETRY_AFTER_SECONDS } from "../../src/server/upgrade-pipeline.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

interface UpgradeOutcome {
  status: number;
  retryAfter: string | undefined;
}

/** One upgrade request on its own TCP connection: the status and Retry-After it got. */
async function upgrade(port: number, identity: string): Promise<UpgradeOutcome> {
  const req = request({
    host: "127.0.0.1",
    port,
    path: `/${identity}`,
    agent: false,
    headers: {
      Connection: "Upgrade",
      Upgrade: "websocket",
      "Sec-WebSocket-Version": "13",
      "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
      "Sec-WebSocket-Protocol": "ocpp1.6",
    },
  });
  req.end();
  const outcome = await new Promise<UpgradeOutcome>((resolve, reject) => {
    req.once("upgrade", (res: IncomingMessage, socket: Socket) => {
      socket.destroy();
      resolve({ status: res.statusCode!, retryAfter: res.headers["retry-after"] });
    });
    req.once("response", (res: IncomingMessage) => {
      res.resume();
      resolve({ status: res.statusCode!, retryAfter: res.headers["retry-after"] });
    });
    req.once("error", reject);
  });
  return outcome;
}

describe("Retry-After on refusals for load", () => {
  it("connectionRateLimit: 429 with Retry-After in whole seconds up to the window's end; no header on an admitted upgrade", async () => {
    const { server, port } = await peers.server({
      protocols: ["ocpp1.6"],
      connectionRateLimit: { limit: 1, windowMs: 60_000 },
    });
    const aborted = waitFor<UpgradeAbortedEvent>(server, "upgradeAborted");
    expect(await upgrade(port, "CP-1")).toEqual({ status: 101, retryAfter: undefined });
    const refused = await upgrade(port, "CP-2");
    expect(refused.status).toBe(429);
    // The window opened at the first attempt and lasts 60 s: the slot frees within (59, 60] s.
    expect(refused.retryAfter).toMatch(/^\d+$/);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(59);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    const { error } = await aborted;
    expect(error).toBeInstanceOf(WebsocketUpgradeError);
    expect(error.retryAfterSeconds).toBe(Number(refused.retryAfter));
  });

  it("connectionRateLimit: a retry after Retry-After seconds is admitted", async () => {
    const { port } = await peers.server({
      protocols: ["ocpp1.6"],
      connectionRateLimit: { limit: 1, windowMs: 1000 },
    });
    expect((await upgrade(port, "CP-1")).status).toBe(101);
    const refused = await upgrade(port, "CP-2");
    expect(refused).toEqual({ status: 429, retryAfter: "1" });
    // The header is the promise under test: waiting what it says must be enough.
    await new Promise((resolve) => setTimeout(resolve, Number(refused.retryAfter) * 1000));
    expect(await upgrade(port, "CP-2")).toEqual({ status: 101, retryAfter: undefined });
  });

  it("a closing server refuses upgrades on an attached HTTP server with 503 and Retry-After", async () => {
    const http = createServer((_req, res) => res.writeHead(404).end());
    http.listen(0, "127.0.0.1");
    await once(http, "listening");
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    await server.listen(undefined, undefined, { server: http });
    try {
      expect((await upgrade((http.address() as AddressInfo).port, "CP-1")).status).toBe(101);
      await server.close();
      expect(await upgrade((http.address() as AddressInfo).port, "CP-2")).toEqual({
        status: 503,
        retryAfter: String(CLOSING_RETRY_AFTER_SECONDS),
      });
    } finally {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  it("refusals not about load carry no Retry-After", async () => {
    const { server, port } = await peers.server({ protocols: ["ocpp1.6"] });
    server.auth((_accept, reject) => reject(401));
    expect(await upgrade(port, "CP-1")).toEqual({ status: 401, retryAfter: undefined });
  });
});
