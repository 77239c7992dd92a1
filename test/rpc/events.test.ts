import { afterEach, describe, expect, it } from "vitest";
import {
  createRPCError,
  NOREPLY,
  RPCNotSupportedError,
  TimeoutError,
  type CallErrorEvent,
  type CallEvent,
  type CallResultEvent,
  type MessageEvent,
  type ResponseEvent,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import {
  bareClientAndServer,
  clientAndBareServer,
  expectHeartbeatRoundTrip,
  heartbeat,
  nextEvent,
  record,
} from "./wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

/** A 2.0.1 server-side client recording its events, with a few handlers. */
async function serve() {
  const seen = {
    call: [] as CallEvent[],
    callResult: [] as CallResultEvent[],
    callError: [] as CallErrorEvent[],
    response: [] as ResponseEvent[],
    message: [] as MessageEvent[],
  };
  const setup = await bareClientAndServer(peers, "ocpp2.0.1", {}, (client) => {
    client.handle("Heartbeat", heartbeat);
    client.handle("Echo", ({ params }) => params);
    client.handle("Fail", () => {
      throw createRPCError("NotSupported", "not here", { a: 1 });
    });
    client.handle("Silent", () => NOREPLY);
    seen.call = record(client, "call");
    seen.callResult = record(client, "callResult");
    seen.callError = record(client, "callError");
    seen.response = record(client, "response");
    seen.message = record(client, "message");
  });
  return { ...setup, seen };
}

describe("OCPPServerClient events for inbound calls", () => {
  it("emits 'call' (outbound: false) before handling, then 'response' and 'callResult'", async () => {
    const { peer, seen } = await serve();
    peer.send([2, "i1", "Echo", { v: 1 }]);
    expect(await peer.nextJson()).toEqual([3, "i1", { v: 1 }]);
    expect(seen.call).toEqual([
      {
        outbound: false,
        messageId: "i1",
        method: "Echo",
        params: { v: 1 },
        payload: [2, "i1", "Echo", { v: 1 }],
      },
    ]);
    expect(seen.response).toEqual([{ outbound: true, payload: [3, "i1", { v: 1 }] }]);
    expect(seen.callResult).toEqual([
      {
        outbound: false,
        messageId: "i1",
        method: "Echo",
        params: { v: 1 },
        result: { v: 1 },
        durationMs: expect.any(Number),
      },
    ]);
    expect(seen.callError).toEqual([]);
  });

  it("emits 'message' for every frame in and out, with its text", async () => {
    const { peer, seen } = await serve();
    const inbound = JSON.stringify([2, "i2", "Echo", {}]);
    peer.send(inbound);
    const outbound = await peer.next();
    expect(seen.message).toEqual([
      { message: inbound, outbound: false },
      { message: outbound, outbound: true },
    ]);
  });

  it("emits 'response' and 'callError' (outbound: false) for a CALLERROR sent back", async () => {
    const { peer, seen } = await serve();
    peer.send([2, "i3", "Fail", { p: 1 }]);
    expect(await peer.nextJson()).toEqual([4, "i3", "NotSupported", "not here", { a: 1 }]);
    expect(seen.response).toEqual([
      { outbound: true, payload: [4, "i3", "NotSupported", "not here", { a: 1 }] },
    ]);
    expect(seen.callError).toHaveLength(1);
    expect(seen.callError[0]).toMatchObject({
      outbound: false,
      messageId: "i3",
      method: "Fail",
      params: { p: 1 },
    });
    expect(seen.callError[0]?.error).toBeInstanceOf(RPCNotSupportedError);
    expect(seen.callResult).toEqual([]);
  });

  it("emits neither 'response' nor 'callResult' nor 'callError' for NOREPLY", async () => {
    const { peer, seen } = await serve();
    peer.send([2, "i4", "Silent", {}]);
    await expectHeartbeatRoundTrip(peer);
    expect(seen.call.map((c) => c.messageId)).toEqual(["i4", "probe"]);
    expect(seen.response.map((r) => r.payload[1])).toEqual(["probe"]);
    expect(seen.callResult.map((r) => r.messageId)).toEqual(["probe"]);
    expect(seen.callError).toEqual([]);
  });
});

describe("crossing calls", () => {
  it("answers an inbound call while its own outbound call waits (concurrency is outbound only)", async () => {
    const { client, peer } = await clientAndBareServer(peers, { callConcurrency: 1 });
    client.handle("GetConfiguration", () => ({ configurationKey: [] }));
    const outbound = client.call("Heartbeat", {});
    const frame = await peer.nextJson();
    peer.send([2, "cross-1", "GetConfiguration", {}]);
    expect(await peer.nextJson()).toEqual([3, "cross-1", { configurationKey: [] }]);
    peer.send([3, frame[1], { currentTime: "2024-01-01T00:00:00.000Z" }]);
    await expect(outbound).resolves.toEqual({ currentTime: "2024-01-01T00:00:00.000Z" });
  });

  it("does not confuse an inbound CALL with the id of its own pending call", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    client.handle("GetConfiguration", () => ({ configurationKey: [] }));
    const outbound = client.call("Heartbeat", {});
    const frame = await peer.nextJson();
    // Ids are unique per sender only: the peer may use the same id for its own call.
    peer.send([2, frame[1], "GetConfiguration", {}]);
    expect(await peer.nextJson()).toEqual([3, frame[1], { configurationKey: [] }]);
    peer.send([3, frame[1], { currentTime: "2024-01-01T00:00:00.000Z" }]);
    await expect(outbound).resolves.toEqual({ currentTime: "2024-01-01T00:00:00.000Z" });
  });

  it("emits 'callTimeout' (not 'callError') for a call that rejects with TimeoutError", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const errors = record(client, "callError");
    const timedOut = nextEvent(client, "callTimeout");
    const call = client.call("Heartbeat", {}, { timeoutMs: 30 });
    const frame = await peer.nextJson();
    const [event] = await timedOut;
    expect(event).toEqual({
      messageId: frame[1],
      method: "Heartbeat",
      params: {},
      timeoutMs: 30,
      durationMs: expect.any(Number),
    });
    // Measured from the CALL's writing: at least its timeout (timers may fire a little early).
    expect((event as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(25);
    await expect(call).rejects.toBeInstanceOf(TimeoutError);
    expect(errors).toEqual([]);
  });
});
