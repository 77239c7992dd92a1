import { afterEach, describe, expect, it } from "vitest";
import { OCPPServer, type OCPPServerClient, type ServerOptions } from "../../src/index.js";
import type { RateLimitExceededEvent } from "../../src/traffic/rate-limit.js";
import { waitFor } from "../helpers/events.js";
import { Peers, type BarePeer } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

const STOP = { transactionId: 1, meterStop: 10, timestamp: "2026-01-01T00:00:00Z" };

/** A server answering every CALL with {} and a bare station connected to it. */
async function limitedStation(
  rateLimit: ServerOptions["rateLimit"],
  identity = "CP1",
): Promise<{ server: OCPPServer; station: BarePeer; client: OCPPServerClient }> {
  const { server, url } = await peers.server({ protocols: ["ocpp1.6"], rateLimit });
  const accepted = waitFor<OCPPServerClient>(server, "client");
  server.on("client", (client) => client.handle(() => ({})));
  const station = await peers.bareClient(url, identity);
  return { server, station, client: await accepted };
}

describe("rateLimit", () => {
  it("refuses a CALL over its method's limit with CALLERROR GenericError and retryAfterMs", async () => {
    const { server, station } = await limitedStation({
      limit: 100,
      windowMs: 60_000,
      methods: { Heartbeat: { limit: 1, windowMs: 60_000 } },
    });
    const breach = waitFor<RateLimitExceededEvent>(server, "rateLimitExceeded");
    station.send([2, "h1", "Heartbeat", {}]);
    expect(await station.nextJson()).toEqual([3, "h1", {}]);
    station.send([2, "h2", "Heartbeat", {}]);
    const refused = await station.nextJson();
    expect(refused.slice(0, 4)).toEqual([4, "h2", "GenericError", "rate limit exceeded"]);
    const details = refused[4] as { retryAfterMs: number; method: string; limit: number };
    expect(details.retryAfterMs).toBeGreaterThan(0);
    expect(details).toMatchObject({ method: "Heartbeat", limit: 1, windowMs: 60_000 });
    expect(await breach).toMatchObject({
      identity: "CP1",
      method: "Heartbeat",
      limit: 1,
      windowMs: 60_000,
      outcome: "refused",
    });
    // Another method has its own budget (only the global one applies to it).
    station.send([2, "s1", "StatusNotification", {}]);
    expect(await station.nextJson()).toEqual([3, "s1", {}]);
  });

  it("applies the global limit across methods", async () => {
    const { station } = await limitedStation({ limit: 2, windowMs: 60_000 });
    station.send([2, "a", "Heartbeat", {}]);
    station.send([2, "b", "StatusNotification", {}]);
    station.send([2, "c", "Authorize", {}]);
    expect(await station.nextJson()).toEqual([3, "a", {}]);
    expect(await station.nextJson()).toEqual([3, "b", {}]);
    expect((await station.nextJson()).slice(0, 3)).toEqual([4, "c", "GenericError"]);
  });

  it("delays a transaction CALL instead of refusing it, keeping the order", async () => {
    const { server, station } = await limitedStation({ limit: 1, windowMs: 150 });
    const breach = waitFor<RateLimitExceededEvent>(server, "rateLimitExceeded");
    station.send([2, "h1", "Heartbeat", {}]);
    station.send([2, "stop", "StopTransaction", STOP]);
    station.send([2, "mv", "MeterValues", { connectorId: 1, transactionId: 1, meterValue: [] }]);
    station.send([2, "h2", "Heartbeat", {}]);
    expect(await station.nextJson()).toEqual([3, "h1", {}]);
    expect(await station.nextJson()).toEqual([3, "stop", {}]);
    expect(await station.nextJson()).toEqual([3, "mv", {}]);
    // The Heartbeat queued behind them is answered after them (refused or not).
    expect((await station.nextJson())[1]).toBe("h2");
    expect(await breach).toMatchObject({ method: "StopTransaction", outcome: "delayed" });
  });

  it("never limits CALLRESULTs answering the CSMS's own calls", async () => {
    const { station, client } = await limitedStation({ limit: 1, windowMs: 60_000 });
    const calls = [1, 2, 3].map(() => client.call("ClearCache", {}));
    for (let i = 0; i < 3; i++) {
      const call = await station.nextJson();
      station.send([3, call[1], { status: "Accepted" }]);
    }
    await expect(Promise.all(calls)).resolves.toEqual([
      { status: "Accepted" },
      { status: "Accepted" },
      { status: "Accepted" },
    ]);
  });

  it('"disconnect" answers the CALL, then closes with 1008 and a close frame', async () => {
    const { station } = await limitedStation({
      limit: 1,
      windowMs: 60_000,
      onLimitExceeded: "disconnect",
    });
    station.send([2, "h1", "Heartbeat", {}]);
    station.send([2, "h2", "Heartbeat", {}]);
    expect(await station.nextJson()).toEqual([3, "h1", {}]);
    expect((await station.nextJson()).slice(0, 3)).toEqual([4, "h2", "GenericError"]);
    // 1006 would mean the TCP connection was dropped without a close frame.
    expect((await station.closed).code).toBe(1008);
  });

  it("lets a policy function decide, with the client and the limit", async () => {
    const seen: Array<{ identity: string; method: string; limit: number; windowMs: number }> = [];
    const { station } = await limitedStation({
      limit: 1,
      windowMs: 60_000,
      onLimitExceeded: (client, breach) => {
        seen.push({ identity: client.identity, ...breach });
        return breach.method === "Authorize" ? "disconnect" : "ignore";
      },
    });
    station.send([2, "h1", "Heartbeat", {}]);
    station.send([2, "h2", "Heartbeat", {}]);
    expect(await station.nextJson()).toEqual([3, "h1", {}]);
    expect((await station.nextJson()).slice(0, 3)).toEqual([4, "h2", "GenericError"]);
    expect(station.ws.readyState).toBe(station.ws.OPEN);
    station.send([2, "a1", "Authorize", { idTag: "X" }]);
    expect((await station.nextJson()).slice(0, 3)).toEqual([4, "a1", "GenericError"]);
    expect((await station.closed).code).toBe(1008);
    expect(seen).toEqual([
      { identity: "CP1", method: "Heartbeat", limit: 1, windowMs: 60_000 },
      { identity: "CP1", method: "Authorize", limit: 1, windowMs: 60_000 },
    ]);
  });

  it("keeps buckets per connection", async () => {
    const { server, url } = await peers.server({
      protocols: ["ocpp1.6"],
      rateLimit: { limit: 1, windowMs: 60_000 },
    });
    server.on("client", (client) => client.handle(() => ({})));
    const a = await peers.bareClient(url, "A");
    const b = await peers.bareClient(url, "B");
    a.send([2, "1", "Heartbeat", {}]);
    b.send([2, "1", "Heartbeat", {}]);
    expect(await a.nextJson()).toEqual([3, "1", {}]);
    expect(await b.nextJson()).toEqual([3, "1", {}]);
  });

  it("refuses bad options by name", () => {
    expect(() => new OCPPServer({ rateLimit: { limit: 0, windowMs: 1000 } })).toThrow(
      "option 'rateLimit.limit' must be an integer >= 1, got 0",
    );
    expect(() => new OCPPServer({ rateLimit: { limit: 1, windowMs: Infinity } })).toThrow(
      "option 'rateLimit.windowMs' must be finite, got Infinity",
    );
    expect(
      () =>
        new OCPPServer({
          rateLimit: {
            limit: 1,
            windowMs: 1000,
            methods: { Heartbeat: { limit: 1, windowMs: -1 } },
          },
        }),
    ).toThrow("option 'rateLimit.methods.Heartbeat.windowMs' must be a number >= 1, got -1");
    expect(
      () =>
        new OCPPServer({
          // @ts-expect-error not a policy
          rateLimit: { limit: 1, windowMs: 1000, onLimitExceeded: "drop" },
        }),
    ).toThrow(`option 'rateLimit.onLimitExceeded' must be "ignore", "disconnect" or a function`);
  });
});
