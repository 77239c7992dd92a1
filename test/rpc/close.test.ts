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
    const closed = client.close({ awaitPending: false });
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    await closed;
  });

  it("rejects queued calls that were never sent with ConnectionClosedError", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const first = client.call("Heartbeat", {});
    const queued = client.call("Heartbeat", {});
    await peer.nextJson();
    void client.close({ awaitPending: false });
    await expect(first).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(queued).rejects.toBeInstanceOf(ConnectionClosedError);
    await peer.closed;
    expect(peer.received).toHaveLength(1);
  });

  it("with awaitPending: false, aborts inbound handlers' signal and closes without their answer", async () => {
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
    const result = await client.close({ awaitPending: false });
    expect(signal.aborted).toBe(true);
    expect(result).toEqual({ code: 1000, reason: "" });
    await peer.closed;
    // The answer came after the close frame: dropped, not written to a closing socket.
    expect(peer.received).toEqual([]);
  });

  it("by default waits for an inbound handler and sends its answer before the close frame", async () => {
    const handlerDone = deferred<{ configurationKey: never[] }>();
    const started = deferred<void>();
    const { client, peer } = await clientAndBareServer(peers);
    client.handle("GetConfiguration", () => {
      started.resolve();
      return handlerDone.promise;
    });
    peer.send([2, "in-1", "GetConfiguration", {}]);
    await started.promise;
    const closing = client.close();
    expect(client.state).toBe(ConnectionState.CLOSING);
    handlerDone.resolve({ configurationKey: [] });
    await expect(closing).resolves.toEqual({ code: 1000, reason: "" });
    await peer.closed;
    expect(peer.received.map((f) => JSON.parse(f))).toEqual([
      [3, "in-1", { configurationKey: [] }],
    ]);
  });

  it("returns within closeTimeoutMs when handlers never answer, and the late answer is dropped", async () => {
    let late: ((v: { configurationKey: never[] }) => void) | undefined;
    const { client, peer } = await clientAndBareServer(peers, { closeTimeoutMs: 50 });
    const started = deferred<AbortSignal>();
    client.handle("GetConfiguration", ({ signal }: HandlerContext) => {
      started.resolve(signal);
      return new Promise<{ configurationKey: never[] }>((resolve) => (late = resolve));
    });
    const outbound = client.call("Heartbeat", {});
    await peer.nextJson();
    peer.send([2, "in-1", "GetConfiguration", {}]);
    const signal = await started.promise;
    const outboundFails = expect(outbound).rejects.toBeInstanceOf(ConnectionClosedError);
    const result = await client.close();
    expect(result).toEqual({ code: 1000, reason: "" });
    expect(signal.aborted).toBe(true);
    await outboundFails;
    late!({ configurationKey: [] });
    await peer.closed;
    // Only the outbound Heartbeat: no answer to in-1 after the close frame.
    expect(peer.received.map((f) => (JSON.parse(f) as unknown[])[0])).toEqual([2]);
  });

  it("terminates a peer that never answers the close frame after closeTimeoutMs", async () => {
    const { client, peer } = await clientAndBareServer(peers, { closeTimeoutMs: 50 });
    // A peer whose socket stops reading never sees (nor answers) the close frame.
    (peer.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await expect(client.close({ awaitPending: false })).resolves.toMatchObject({ code: 1006 });
    expect(client.state).toBe(ConnectionState.CLOSED);
  });

  it("force: true during a close that waits for pending calls terminates at once", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const started = deferred<void>();
    client.handle("GetConfiguration", () => {
      started.resolve();
      return new Promise<{ configurationKey: never[] }>(() => undefined);
    });
    peer.send([2, "in-1", "GetConfiguration", {}]);
    await started.promise;
    const waiting = client.close();
    const forced = client.close({ force: true });
    await expect(forced).resolves.toMatchObject({ code: 1006 });
    await expect(waiting).resolves.toMatchObject({ code: 1006 });
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
    "refuses the invalid close code %s with RangeError and closes with 1000 all the same",
    async (code) => {
      const { client, peer } = await clientAndBareServer(peers);
      await expect(client.close({ code })).rejects.toBeInstanceOf(RangeError);
      expect(client.state).toBe(ConnectionState.CLOSED);
      expect((await peer.closed).code).toBe(1000);
    },
  );

  it("refuses a reason longer than 123 bytes with RangeError and closes with 1000", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    await expect(client.close({ reason: "é".repeat(62) })).rejects.toBeInstanceOf(RangeError);
    expect(client.state).toBe(ConnectionState.CLOSED);
    expect(await peer.closed).toEqual({ code: 1000, reason: "" });
  });

  it("accepts a reason of exactly 123 bytes", async () => {
    const { client, peer } = await clientAndBareServer(peers);
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
