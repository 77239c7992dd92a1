import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionClosedError,
  ConnectionState,
  type CloseResult,
  type HandlerContext,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { bareClientAndServer, clientAndBareServer, deferred, nextEvent } from "./wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

const NOW = { currentTime: "2024-01-01T00:00:00.000Z" };

describe("OCPPClient#close", () => {
  it("closes with 1000 and '' by default, as the peer sees it", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    await expect(client.close()).resolves.toEqual({ code: 1000, reason: "" });
    await expect(peer.closed).resolves.toEqual({ code: 1000, reason: "" });
    expect(client.state).toBe(ConnectionState.CLOSED);
  });

  it("closes with the code and reason given", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    await expect(client.close({ code: 4000, reason: "bye" })).resolves.toEqual({
      code: 4000,
      reason: "bye",
    });
    await expect(peer.closed).resolves.toEqual({ code: 4000, reason: "bye" });
  });

  it("returns the first close()'s result from a second close()", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const first = client.close({ code: 4001, reason: "first" });
    const second = client.close({ code: 4002, reason: "second" });
    await expect(first).resolves.toEqual({ code: 4001, reason: "first" });
    await expect(second).resolves.toEqual({ code: 4001, reason: "first" });
    await expect(client.close({ code: 4003 })).resolves.toEqual({ code: 4001, reason: "first" });
    expect((await peer.closed).code).toBe(4001);
  });

  it("rejects pending outbound calls with ConnectionClosedError", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const pending = client.call("Heartbeat", {});
    await peer.nextJson();
    const closed = client.close();
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    await closed;
  });

  it("rejects queued calls that were never sent with ConnectionClosedError", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const first = client.call("Heartbeat", {});
    const queued = client.call("Heartbeat", {});
    await peer.nextJson();
    void client.close();
    await expect(first).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(queued).rejects.toBeInstanceOf(ConnectionClosedError);
    await peer.closed;
    expect(peer.received).toHaveLength(1);
  });

  it("aborts inbound handlers' signal, waits for them and sends their answer before closing", async () => {
    const started = deferred<AbortSignal>();
    const { client, peer } = await clientAndBareServer(peers);
    client.handle("GetConfiguration", ({ signal }: HandlerContext) => {
      started.resolve(signal);
      return new Promise<{ configurationKey: never[] }>((resolve) => {
        signal.addEventListener("abort", () => resolve({ configurationKey: [] }));
      });
    });
    peer.send([2, "in-1", "GetConfiguration", {}]);
    const signal = await started.promise;
    expect(signal.aborted).toBe(false);
    const result = await client.close();
    expect(signal.aborted).toBe(true);
    expect(result).toEqual({ code: 1000, reason: "" });
    await peer.closed;
    // The answer arrived before the close frame.
    expect(peer.received.map((f) => JSON.parse(f))).toEqual([
      [3, "in-1", { configurationKey: [] }],
    ]);
  });

  it("with awaitPending, waits for in-flight calls both ways and rejects new calls", async () => {
    const handlerDone = deferred<{ configurationKey: never[] }>();
    const started = deferred<AbortSignal>();
    const { client, peer } = await clientAndBareServer(peers);
    client.handle("GetConfiguration", ({ signal }: HandlerContext) => {
      started.resolve(signal);
      return handlerDone.promise;
    });
    const outbound = client.call("Heartbeat", {});
    const callFrame = await peer.nextJson();
    peer.send([2, "in-2", "GetConfiguration", {}]);
    const signal = await started.promise;

    let closedAt: CloseResult | undefined;
    const closing = client.close({ awaitPending: true }).then((r) => (closedAt = r));
    await expect(client.call("Heartbeat", {})).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(signal.aborted).toBe(false);

    peer.send([3, callFrame[1], NOW]);
    await expect(outbound).resolves.toEqual(NOW);
    expect(closedAt).toBeUndefined();

    handlerDone.resolve({ configurationKey: [] });
    expect(await peer.nextJson()).toEqual([3, "in-2", { configurationKey: [] }]);
    await closing;
    expect(closedAt).toEqual({ code: 1000, reason: "" });
    expect((await peer.closed).code).toBe(1000);
  });

  it("with force, terminates at once (peer sees 1006) and rejects pending calls", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const pending = client.call("Heartbeat", {});
    await peer.nextJson();
    const closed = client.close({ force: true });
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    expect((await peer.closed).code).toBe(1006);
    await closed;
    expect(client.state).toBe(ConnectionState.CLOSED);
  });

  it("during CONNECTING resolves {code: 1001, reason: 'Connection aborted'}", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP1", protocols: ["ocpp1.6"] });
    const connecting = client.connect();
    connecting.catch(() => undefined);
    expect(client.state).toBe(ConnectionState.CONNECTING);
    await expect(client.close({ code: 4000, reason: "ignored" })).resolves.toEqual({
      code: 1001,
      reason: "Connection aborted",
    });
    await expect(connecting).rejects.toBeInstanceOf(Error);
    expect(client.state).toBe(ConnectionState.CLOSED);
  });

  it.each([1005, 999, 1006, 2999, 5000, 1000.5])(
    "rejects the invalid close code %s with RangeError and stays open",
    async (code) => {
      const { client } = await clientAndBareServer(peers);
      await expect(client.close({ code })).rejects.toBeInstanceOf(RangeError);
      expect(client.state).toBe(ConnectionState.OPEN);
    },
  );

  it("rejects a reason longer than 123 bytes with RangeError", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    await expect(client.close({ reason: "é".repeat(62) })).rejects.toBeInstanceOf(RangeError);
    expect(client.state).toBe(ConnectionState.OPEN);
    await expect(client.close({ reason: "r".repeat(123) })).resolves.toEqual({
      code: 1000,
      reason: "r".repeat(123),
    });
    expect((await peer.closed).reason).toBe("r".repeat(123));
  });

  it("emits 'closing', 'disconnect' and 'close' in that order", async () => {
    const { client } = await clientAndBareServer(peers);
    const order: string[] = [];
    client.on("closing", () => order.push("closing"));
    client.on("disconnect", (e) => order.push(`disconnect ${e.code}`));
    client.on("close", (e) => order.push(`close ${e.code}`));
    await client.close({ code: 4000 });
    expect(order).toEqual(["closing", "disconnect 4000", "close 4000"]);
  });
});

describe("OCPPClient when the peer drops the connection", () => {
  it("rejects pending calls, emits 'close' and ends CLOSED (reconnect: false)", async () => {
    const { client, peer } = await clientAndBareServer(peers, { reconnect: false });
    const pending = client.call("Heartbeat", {});
    await peer.nextJson();
    const closeEvent = nextEvent(client, "close");
    peer.ws.terminate();
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    const [event] = await closeEvent;
    expect(event.code).toBe(1006);
    expect(client.state).toBe(ConnectionState.CLOSED);
    expect(ConnectionState.CLOSED).toBe(3);
  });

  it("rejects pending calls when the peer closes cleanly", async () => {
    const { client, peer } = await clientAndBareServer(peers, { reconnect: false });
    const pending = client.call("Heartbeat", {});
    await peer.nextJson();
    const closeEvent = nextEvent(client, "close");
    peer.ws.close(4010, "server says bye");
    await expect(pending).rejects.toMatchObject({ name: "ConnectionClosedError", closeCode: 4010 });
    expect((await closeEvent)[0]).toEqual({ code: 4010, reason: "server says bye" });
  });
});

describe("OCPPServerClient#close", () => {
  it("closes the station's connection with the code and reason given", async () => {
    const { client, peer } = await bareClientAndServer(peers, "ocpp2.0.1");
    await expect(client.close({ code: 4000, reason: "bye" })).resolves.toEqual({
      code: 4000,
      reason: "bye",
    });
    await expect(peer.closed).resolves.toEqual({ code: 4000, reason: "bye" });
  });

  it("aborts an inbound handler's signal when the station drops the connection", async () => {
    const started = deferred<AbortSignal>();
    const { client, peer } = await bareClientAndServer(peers, "ocpp2.0.1", {}, (c) =>
      c.handle("Slow", ({ signal }: HandlerContext) => {
        started.resolve(signal);
        return new Promise(() => undefined);
      }),
    );
    peer.send([2, "slow-1", "Slow", {}]);
    const signal = await started.promise;
    const closed = nextEvent(client, "close");
    peer.ws.terminate();
    await closed;
    expect(signal.aborted).toBe(true);
    expect(client.state).toBe(ConnectionState.CLOSED);
  });
});

describe("OCPPClient#sendRaw", () => {
  it("sends a frame as it is", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const raw = '[2,"raw-1","Heartbeat",{ }]';
    client.sendRaw(raw);
    expect(await peer.next()).toBe(raw);
  });

  it("queues a frame sent while CONNECTING until open", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP1", protocols: ["ocpp1.6"] });
    const connecting = client.connect();
    client.sendRaw("early frame");
    const peer = await bare.nextConnection();
    await connecting;
    expect(await peer.next()).toBe("early frame");
  });

  it("throws ConnectionClosedError when CLOSED", async () => {
    const { client } = await clientAndBareServer(peers);
    await client.close();
    expect(() => client.sendRaw("[]")).toThrow(ConnectionClosedError);
  });
});
