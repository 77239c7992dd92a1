import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ConnectionClosedError,
  RPCError,
  RPCGenericError,
  RPCNotSupportedError,
  TimeoutError,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { barrier, clientAndBareServer, expectCallIsNextFrame, record } from "./wire.js";

const peers = new Peers();
afterEach(async () => {
  vi.useRealTimers();
  await peers.closeAll();
});

const NOW = { currentTime: "2024-01-01T00:00:00.000Z" };

describe("OCPPClient#call", () => {
  it("sends [2, id, method, params] with a string id of at most 36 characters", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const result = client.call("BootNotification", {
      chargePointVendor: "V",
      chargePointModel: "M",
    });
    const frame = await peer.nextJson();
    expect(frame).toEqual([
      2,
      expect.any(String),
      "BootNotification",
      { chargePointVendor: "V", chargePointModel: "M" },
    ]);
    expect((frame[1] as string).length).toBeGreaterThan(0);
    expect((frame[1] as string).length).toBeLessThanOrEqual(36);
    peer.send([3, frame[1], { status: "Accepted", currentTime: NOW.currentTime, interval: 300 }]);
    await expect(result).resolves.toEqual({
      status: "Accepted",
      currentTime: NOW.currentTime,
      interval: 300,
    });
  });

  it("sends {} when params are undefined", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const result = client.call("Heartbeat");
    const frame = await peer.nextJson();
    expect(frame).toEqual([2, expect.any(String), "Heartbeat", {}]);
    peer.send([3, frame[1], NOW]);
    await expect(result).resolves.toEqual(NOW);
  });

  it("uses a new id for every call", async () => {
    const { client, peer } = await clientAndBareServer(peers, { callConcurrency: 5 });
    const calls = Array.from({ length: 5 }, () => client.call("Heartbeat", {}));
    const frames = await Promise.all(calls.map(() => peer.nextJson()));
    expect(new Set(frames.map((f) => f[1])).size).toBe(5);
    for (const f of frames) peer.send([3, f[1], NOW]);
    await Promise.all(calls);
  });

  it("matches results to calls by id whatever the order of the answers", async () => {
    const { client, peer } = await clientAndBareServer(peers, { callConcurrency: 3 });
    const calls = [1, 2, 3].map((n) =>
      client.call("DataTransfer", { vendorId: "v", data: `${n}` }),
    );
    const frames = [await peer.nextJson(), await peer.nextJson(), await peer.nextJson()];
    for (const frame of [...frames].reverse()) {
      const params = frame[3] as { data: string };
      peer.send([3, frame[1], { status: "Accepted", data: `answer ${params.data}` }]);
    }
    await expect(Promise.all(calls)).resolves.toEqual([
      { status: "Accepted", data: "answer 1" },
      { status: "Accepted", data: "answer 2" },
      { status: "Accepted", data: "answer 3" },
    ]);
  });

  it("rejects with the RPCError subclass of the CALLERROR's code, with message and details", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const result = client.call("Authorize", { idTag: "TAG1" });
    const frame = await peer.nextJson();
    peer.send([4, frame[1], "NotSupported", "Hard reset not supported", { reason: "hw" }]);
    const error: unknown = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RPCNotSupportedError);
    expect(error).toBeInstanceOf(RPCError);
    expect(error).toMatchObject({
      rpcErrorCode: "NotSupported",
      message: "Hard reset not supported",
      details: { reason: "hw" },
    });
  });

  it("rejects with an RPCGenericError carrying an unknown CALLERROR code", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const result = client.call("Heartbeat", {});
    const frame = await peer.nextJson();
    peer.send([4, frame[1], "VendorOops", "strange", {}]);
    const error: unknown = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RPCGenericError);
    expect(error).toMatchObject({ rpcErrorCode: "VendorOops", message: "strange", details: {} });
  });

  it("rejects with TimeoutError after callTimeoutMs", async () => {
    const { client, peer } = await clientAndBareServer(peers, { callTimeoutMs: 1000 });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let settled = false;
    const result = client.call("Heartbeat", {});
    result.catch(() => undefined).finally(() => (settled = true));
    vi.advanceTimersByTime(999);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    vi.advanceTimersByTime(1);
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
    vi.useRealTimers();
    expect(await peer.nextJson()).toEqual([2, expect.any(String), "Heartbeat", {}]);
  });

  it.each(["timeoutMs", "callTimeoutMs"] as const)(
    "takes the timeout of one call from its %s option",
    async (option) => {
      const { client } = await clientAndBareServer(peers, { callTimeoutMs: 60_000 });
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      const result = client.call("Heartbeat", {}, { [option]: 50 });
      vi.advanceTimersByTime(50);
      await expect(result).rejects.toBeInstanceOf(TimeoutError);
    },
  );

  it("sends the next queued call once the previous one timed out", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const first = client.call("Heartbeat", {}, { timeoutMs: 30 });
    const second = client.call("StatusNotification", {
      connectorId: 1,
      errorCode: "NoError",
      status: "Available",
    });
    await peer.nextJson();
    await expect(first).rejects.toBeInstanceOf(TimeoutError);
    const frame = await peer.nextJson();
    expect(frame[2]).toBe("StatusNotification");
    peer.send([3, frame[1], {}]);
    await expect(second).resolves.toEqual({});
  });

  it("rejects a call whose params cannot be serialised and sends nothing", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    await expect(client.call("VendorCall", { n: 1n })).rejects.toBeInstanceOf(TypeError);
    await expectCallIsNextFrame(client, peer);
  });

  it("rejects at once with the reason of an already aborted signal and sends nothing", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const reason = new Error("not wanted");
    const signal = AbortSignal.abort(reason);
    await expect(client.call("Heartbeat", {}, { signal })).rejects.toBe(reason);
    await expectCallIsNextFrame(client, peer);
  });

  it("rejects with signal.reason when aborted in flight and frees the slot", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const controller = new AbortController();
    const aborted = client.call("Heartbeat", {}, { signal: controller.signal });
    await peer.nextJson();
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    await expectCallIsNextFrame(client, peer);
  });

  it("sends the next call only after the previous one is answered (callConcurrency 1)", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const first = client.call("Heartbeat", {});
    const second = client.call("StatusNotification", {
      connectorId: 1,
      errorCode: "NoError",
      status: "Available",
    });
    const f1 = await peer.nextJson();
    expect(f1[2]).toBe("Heartbeat");
    await barrier(peer);
    expect(peer.received).toHaveLength(1);
    peer.send([3, f1[1], NOW]);
    await expect(first).resolves.toEqual(NOW);
    const f2 = await peer.nextJson();
    expect(f2[2]).toBe("StatusNotification");
    peer.send([3, f2[1], {}]);
    await expect(second).resolves.toEqual({});
  });

  it("sends queued calls in the order they were made", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const methods = ["A", "B", "C", "D"];
    const calls = methods.map((m) => client.call(m, {}));
    const seen: string[] = [];
    for (let i = 0; i < methods.length; i++) {
      const frame = await peer.nextJson();
      seen.push(frame[2] as string);
      peer.send([3, frame[1], { n: i }]);
    }
    expect(seen).toEqual(methods);
    await expect(Promise.all(calls)).resolves.toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("queues calls made while CONNECTING and sends them once open", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP1", protocols: ["ocpp1.6"] });
    const connecting = client.connect();
    expect(client.state).toBe(0);
    const result = client.call("Heartbeat", {});
    const peer = await bare.nextConnection();
    await connecting;
    const frame = await peer.nextJson();
    expect(frame).toEqual([2, expect.any(String), "Heartbeat", {}]);
    peer.send([3, frame[1], NOW]);
    await expect(result).resolves.toEqual(NOW);
  });

  it("rejects with ConnectionClosedError when CLOSED", async () => {
    const bare = await peers.bareServer();
    const client = peers.client({ endpoint: bare.url, identity: "CP1", protocols: ["ocpp1.6"] });
    expect(client.state).toBe(3);
    await expect(client.call("Heartbeat", {})).rejects.toBeInstanceOf(ConnectionClosedError);
    await client.connect();
    await client.close();
    await expect(client.call("Heartbeat", {})).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("rejects with ConnectionClosedError when CLOSING", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const closing = client.close();
    expect(client.state).toBe(2);
    await expect(client.call("Heartbeat", {})).rejects.toBeInstanceOf(ConnectionClosedError);
    await closing;
    expect((await peer.closed).code).toBe(1000);
    expect(peer.received).toEqual([]);
  });

  it("resolves a noReply call with undefined at once and takes a later answer as no bad message", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const bad = record(client, "badMessage");
    await expect(client.call("Heartbeat", {}, { noReply: true })).resolves.toBeUndefined();
    const frame = await peer.nextJson();
    expect(frame).toEqual([2, expect.any(String), "Heartbeat", {}]);
    peer.send([3, frame[1], NOW]);
    await expectCallIsNextFrame(client, peer);
    expect(bad.map((e) => e.message)).toEqual([]);
  });

  it("takes the late answer to a timed-out call as no bad message", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const bad = record(client, "badMessage");
    const late = client.call("Heartbeat", {}, { timeoutMs: 30 });
    const frame = await peer.nextJson();
    await expect(late).rejects.toBeInstanceOf(TimeoutError);
    peer.send([3, frame[1], NOW]);
    await expectCallIsNextFrame(client, peer);
    expect(bad.map((e) => e.message)).toEqual([]);
  });

  it("takes the late answer to an aborted call as no bad message", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const bad = record(client, "badMessage");
    const controller = new AbortController();
    const aborted = client.call("Heartbeat", {}, { signal: controller.signal });
    const frame = await peer.nextJson();
    controller.abort();
    await expect(aborted).rejects.toBeDefined();
    peer.send([4, frame[1], "GenericError", "late", {}]);
    await expectCallIsNextFrame(client, peer);
    expect(bad.map((e) => e.message)).toEqual([]);
  });

  it("accepts the protocol form call('ocpp1.6', method, params)", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const result = client.call("ocpp1.6", "Heartbeat", {});
    const frame = await peer.nextJson();
    expect(frame).toEqual([2, expect.any(String), "Heartbeat", {}]);
    peer.send([3, frame[1], NOW]);
    await expect(result).resolves.toEqual(NOW);
  });

  it("rejects a call for a protocol the connection did not negotiate and sends nothing", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    await expect(client.call("ocpp2.0.1", "Heartbeat", {})).rejects.toBeInstanceOf(Error);
    await expectCallIsNextFrame(client, peer);
  });
});

describe("OCPPClient call events", () => {
  it("emits 'call' and 'message' before sending, with the frame's payload", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const calls = record(client, "call");
    const messages = record(client, "message");
    const result = client.call("VendorCall", { x: 1 });
    expect(calls).toEqual([
      {
        outbound: true,
        messageId: expect.any(String),
        method: "VendorCall",
        params: { x: 1 },
        payload: [2, calls[0]?.messageId, "VendorCall", { x: 1 }],
      },
    ]);
    const text = await peer.next();
    expect(messages).toEqual([{ message: text, outbound: true }]);
    const answer = JSON.stringify([3, calls[0]!.messageId, NOW]);
    peer.send(answer);
    await result;
    expect(messages[1]).toEqual({ message: answer, outbound: false });
  });

  it("emits 'response' and 'callResult' for a received CALLRESULT", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const responses = record(client, "response");
    const results = record(client, "callResult");
    const result = client.call("Heartbeat", {});
    const frame = await peer.nextJson();
    peer.send([3, frame[1], NOW]);
    await result;
    expect(responses).toEqual([{ outbound: false, payload: [3, frame[1], NOW] }]);
    expect(results).toEqual([
      {
        outbound: true,
        messageId: frame[1],
        method: "Heartbeat",
        params: {},
        result: NOW,
        // From the CALL's writing to its answer (a callResult listener was there first).
        durationMs: expect.any(Number),
      },
    ]);
    expect(results[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("emits 'response' and 'callError' for a received CALLERROR", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const responses = record(client, "response");
    const errors = record(client, "callError");
    const result = client.call("Authorize", { idTag: "TAG2" });
    const frame = await peer.nextJson();
    peer.send([4, frame[1], "NotSupported", "no", { a: 1 }]);
    await expect(result).rejects.toBeInstanceOf(RPCNotSupportedError);
    expect(responses).toEqual([
      { outbound: false, payload: [4, frame[1], "NotSupported", "no", { a: 1 }] },
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      outbound: true,
      messageId: frame[1],
      method: "Authorize",
      params: { idTag: "TAG2" },
    });
    expect(errors[0]?.error).toBeInstanceOf(RPCNotSupportedError);
  });

  it("emits no 'callError' when a call times out", async () => {
    const { client } = await clientAndBareServer(peers);
    const errors = record(client, "callError");
    await expect(client.call("Heartbeat", {}, { timeoutMs: 20 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(errors).toEqual([]);
  });
});

describe("OCPPClient#call (protocol form, queued)", () => {
  it("rejects a call queued for one protocol when the connection settles on another", async () => {
    const bare = await peers.bareServer({ protocol: "ocpp1.6" });
    const client = peers.client({
      endpoint: bare.url,
      identity: "CP1",
      protocols: ["ocpp2.0.1", "ocpp1.6"],
    });
    const connecting = client.connect();
    const queued = client.call("ocpp2.0.1", "Heartbeat", {}).catch((err: unknown) => err);
    await connecting;
    expect(client.protocol).toBe("ocpp1.6");
    const error = await queued;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/negotiated 'ocpp1\.6'/);
  });
});
