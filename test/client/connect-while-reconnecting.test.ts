import { afterEach, describe, expect, it } from "vitest";
import { ConnectionClosedError, ConnectionState, type OCPPClient } from "../../src/index.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

async function connected(options: Partial<Parameters<Peers["client"]>[0]> = {}) {
  const bare = await peers.bareServer();
  const client: OCPPClient = peers.client({
    endpoint: bare.url,
    identity: "CP001",
    protocols: ["ocpp1.6"],
    reconnect: true,
    pingIntervalMs: 0,
    ...options,
  });
  await client.connect();
  const peer = await bare.nextConnection();
  return { bare, client, peer };
}

describe("OCPPClient#connect while reconnecting", () => {
  it("during the back-off, tries at once and resolves only once connected again", async () => {
    // A back-off far longer than the test: only connect() can bring the client back in time.
    const { bare, client, peer } = await connected({ backoffMin: 60_000, backoffMax: 60_000 });
    const reconnecting = waitFor(client, "reconnect");
    peer.ws.terminate();
    await reconnecting;
    expect(client.state).toBe(ConnectionState.CONNECTING);
    const reconnected = client.connect();
    const again = await bare.nextConnection();
    await reconnected;
    expect(client.state).toBe(ConnectionState.OPEN);
    // The new connection carries calls.
    const call = client.call("Heartbeat");
    const frame = await again.nextJson();
    again.send([3, frame[1], { currentTime: "t" }]);
    await expect(call).resolves.toEqual({ currentTime: "t" });
  });

  it("rejects with ConnectionClosedError when close() ends the reconnecting", async () => {
    const { client, peer } = await connected({ backoffMin: 60_000, backoffMax: 60_000 });
    const reconnecting = waitFor(client, "reconnect");
    peer.ws.terminate();
    await reconnecting;
    // Not started: the server is gone, so the attempt cannot succeed before close().
    const pending = client.connect();
    const outcome = expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    await client.close();
    await outcome;
  });
});

describe("OCPPClient offlineQueue: false", () => {
  it("rejects a call made while reconnecting at once, and documents why", async () => {
    const { client, peer } = await connected({ backoffMin: 60_000, backoffMax: 60_000 });
    const reconnecting = waitFor(client, "reconnect");
    peer.ws.terminate();
    await reconnecting;
    const error = await client.call("Heartbeat").catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).message).toMatch(/offlineQueue/);
  });

  it("rejects a call made while closed at once", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP002", protocols: ["ocpp1.6"] });
    await expect(client.call("Heartbeat")).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("lets a call made during an explicit connect() wait for that attempt", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP003", protocols: ["ocpp1.6"] });
    const connecting = client.connect();
    const call = client.call("Heartbeat");
    const peer = await bare.nextConnection();
    await connecting;
    const frame = await peer.nextJson();
    peer.send([3, frame[1], { currentTime: "t" }]);
    await expect(call).resolves.toEqual({ currentTime: "t" });
  });

  it("with offlineQueue: true, keeps a call made while reconnecting and sends it once back", async () => {
    const { bare, client, peer } = await connected({
      offlineQueue: true,
      backoffMin: 60_000,
      backoffMax: 60_000,
    });
    const reconnecting = waitFor(client, "reconnect");
    peer.ws.terminate();
    await reconnecting;
    const call = client.call("Heartbeat");
    void client.connect();
    const again = await bare.nextConnection();
    const frame = await again.nextJson();
    again.send([3, frame[1], { currentTime: "t" }]);
    await expect(call).resolves.toEqual({ currentTime: "t" });
  });
});
