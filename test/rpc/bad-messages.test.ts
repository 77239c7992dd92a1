import { afterEach, describe, expect, it } from "vitest";
import { RPCError, type BadMessageEvent, type HandlerContext } from "../../src/index.js";
import type { BarePeer } from "../helpers/peers.js";
import { Peers } from "../helpers/peers.js";
import {
  bareClientAndServer,
  clientAndBareServer,
  deferred,
  expectCallIsNextFrame,
  expectHeartbeatRoundTrip,
  heartbeat,
  nextEvent,
  record,
  type OcppVersion,
} from "./wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

/** A server on `protocol` with a Heartbeat handler, a bare client, and the badMessage events. */
async function serve(protocol: OcppVersion, options = {}) {
  let events: BadMessageEvent[] = [];
  const setup = await bareClientAndServer(peers, protocol, options, (client) => {
    client.handle("Heartbeat", heartbeat);
    events = record(client, "badMessage");
  });
  return { ...setup, events: () => events };
}

const ID_37 = "x".repeat(37);

interface Case {
  name: string;
  protocol: OcppVersion;
  frame: string;
  /** The CALLERROR expected back, or null when none is owed. */
  answer: unknown[] | null;
  code: string;
}

const CASES: Case[] = [
  {
    name: "non-JSON is answered RpcFrameworkError with id -1 under 2.0.1",
    protocol: "ocpp2.0.1",
    frame: "[2, not json",
    answer: [4, "-1", "RpcFrameworkError", expect.any(String), {}],
    code: "RpcFrameworkError",
  },
  {
    name: "non-JSON is answered FormationViolation with id -1 under 1.6",
    protocol: "ocpp1.6",
    frame: "{{{",
    answer: [4, "-1", "FormationViolation", expect.any(String), {}],
    code: "RpcFrameworkError",
  },
  {
    name: "non-JSON is answered RpcFrameworkError with id -1 under 2.1",
    protocol: "ocpp2.1",
    frame: "nope",
    answer: [4, "-1", "RpcFrameworkError", expect.any(String), {}],
    code: "RpcFrameworkError",
  },
  {
    name: "JSON that is not an array is answered with id -1",
    protocol: "ocpp2.0.1",
    frame: JSON.stringify({ 0: 2, 1: "id", 2: "Heartbeat", 3: {} }),
    answer: [4, "-1", "RpcFrameworkError", expect.any(String), {}],
    code: "RpcFrameworkError",
  },
  {
    name: "a message type that is not a number is answered",
    protocol: "ocpp2.0.1",
    frame: JSON.stringify(["2", "t1", "Heartbeat", {}]),
    answer: [4, "t1", "RpcFrameworkError", expect.any(String), {}],
    code: "RpcFrameworkError",
  },
  {
    name: "unknown message type 7 is ignored under 1.6",
    protocol: "ocpp1.6",
    frame: JSON.stringify([7, "u7", "Heartbeat", {}]),
    answer: null,
    code: "MessageTypeNotSupported",
  },
  {
    name: "unknown message type 7 is ignored under 2.1",
    protocol: "ocpp2.1",
    frame: JSON.stringify([7, "u7", "Heartbeat", {}]),
    answer: null,
    code: "MessageTypeNotSupported",
  },
  {
    name: "unknown message type 7 is answered MessageTypeNotSupported under 2.0.1",
    protocol: "ocpp2.0.1",
    frame: JSON.stringify([7, "u7", "Heartbeat", {}]),
    answer: [4, "u7", "MessageTypeNotSupported", expect.any(String), {}],
    code: "MessageTypeNotSupported",
  },
  {
    name: "type 5 is unknown (ignored) under 1.6",
    protocol: "ocpp1.6",
    frame: JSON.stringify([5, "r5", "InternalError", "", {}]),
    answer: null,
    code: "MessageTypeNotSupported",
  },
  {
    name: "type 6 is unknown (ignored) under 1.6",
    protocol: "ocpp1.6",
    frame: JSON.stringify([6, "s6", "Heartbeat", {}]),
    answer: null,
    code: "MessageTypeNotSupported",
  },
  {
    name: "type 5 is unknown (answered MessageTypeNotSupported) under 2.0.1",
    protocol: "ocpp2.0.1",
    frame: JSON.stringify([5, "r5", "InternalError", "", {}]),
    answer: [4, "r5", "MessageTypeNotSupported", expect.any(String), {}],
    code: "MessageTypeNotSupported",
  },
  {
    name: "type 6 is unknown (answered MessageTypeNotSupported) under 2.0.1",
    protocol: "ocpp2.0.1",
    frame: JSON.stringify([6, "s6", "Heartbeat", {}]),
    answer: [4, "s6", "MessageTypeNotSupported", expect.any(String), {}],
    code: "MessageTypeNotSupported",
  },
  {
    name: "a CALLRESULT for an unknown id gets no answer",
    protocol: "ocpp2.0.1",
    frame: JSON.stringify([3, "never-called", {}]),
    answer: null,
    code: "RpcFrameworkError",
  },
  {
    name: "a CALLERROR for an unknown id gets no answer",
    protocol: "ocpp1.6",
    frame: JSON.stringify([4, "never-called", "GenericError", "", {}]),
    answer: null,
    code: "RpcFrameworkError",
  },
  {
    name: "a message id longer than 36 characters is answered with id -1 (2.0.1)",
    protocol: "ocpp2.0.1",
    frame: JSON.stringify([2, ID_37, "Heartbeat", {}]),
    answer: [4, "-1", "RpcFrameworkError", expect.any(String), {}],
    code: "RpcFrameworkError",
  },
  {
    name: "a message id longer than 36 characters is answered with id -1 (1.6)",
    protocol: "ocpp1.6",
    frame: JSON.stringify([2, ID_37, "Heartbeat", {}]),
    answer: [4, "-1", "FormationViolation", expect.any(String), {}],
    code: "RpcFrameworkError",
  },
  {
    name: "a CALL payload that is not an object is answered FormatViolation under 2.0.1",
    protocol: "ocpp2.0.1",
    frame: JSON.stringify([2, "p1", "Heartbeat", []]),
    answer: [4, "p1", "FormatViolation", expect.any(String), {}],
    code: "FormatViolation",
  },
  {
    name: "a CALL payload that is not an object is answered FormatViolation under 2.1",
    protocol: "ocpp2.1",
    frame: JSON.stringify([2, "p1", "Heartbeat", "text"]),
    answer: [4, "p1", "FormatViolation", expect.any(String), {}],
    code: "FormatViolation",
  },
  {
    name: "a CALL payload that is not an object is answered FormationViolation under 1.6",
    protocol: "ocpp1.6",
    frame: JSON.stringify([2, "p1", "Heartbeat", null]),
    answer: [4, "p1", "FormationViolation", expect.any(String), {}],
    code: "FormatViolation",
  },
  {
    name: "a CALL with a wrong number of elements is answered",
    protocol: "ocpp2.0.1",
    frame: JSON.stringify([2, "l1", "Heartbeat"]),
    answer: [4, "l1", "RpcFrameworkError", expect.any(String), {}],
    code: "RpcFrameworkError",
  },
];

describe("OCPPServerClient bad messages", () => {
  it.each(CASES)("$name", async ({ protocol, frame, answer, code }) => {
    const { peer, events } = await serve(protocol);
    peer.send(frame);
    if (answer) expect(await peer.nextJson()).toEqual(answer);
    // The connection still serves calls, and (without an answer owed) nothing came before.
    await expectHeartbeatRoundTrip(peer);
    expect(events()).toHaveLength(1);
    const event = events()[0]!;
    expect(event.message).toBe(frame);
    expect(Buffer.isBuffer(event.buffer)).toBe(true);
    expect(event.buffer.toString()).toBe(frame);
    expect(event.error).toBeInstanceOf(RPCError);
    expect(event.error.rpcErrorCode).toBe(code);
    expect(event.response).toEqual(answer);
  });

  it("closes with 1003 on a binary frame (OCPP-J is text only) and reports it", async () => {
    const { peer, events } = await serve("ocpp2.0.1");
    peer.ws.send(Buffer.from(JSON.stringify([2, "b1", "Heartbeat", {}])), { binary: true });
    expect((await peer.closed).code).toBe(1003);
    // Not answered: a CALLERROR for a frame whose id cannot be trusted could not be correlated.
    expect(peer.received).toEqual([]);
    expect(events()).toHaveLength(1);
    expect(events()[0]?.error.rpcErrorCode).toBe("RpcFrameworkError");
  });

  it("answers a CALL whose id is already being handled, and still answers the first once", async () => {
    const done = deferred<unknown>();
    const started = deferred<void>();
    let calls = 0;
    let events: BadMessageEvent[] = [];
    const { peer } = await bareClientAndServer(peers, "ocpp2.0.1", {}, (client) => {
      client.handle("Heartbeat", heartbeat);
      client.handle("Slow", (_ctx: HandlerContext) => {
        calls++;
        started.resolve();
        return done.promise;
      });
      events = record(client, "badMessage");
    });
    peer.send([2, "dup", "Slow", {}]);
    await started.promise;
    // Another frame under the same id (an identical one would be a repeat, see callDeduplication).
    peer.send([2, "dup", "Slow", { again: true }]);
    expect(await peer.nextJson()).toEqual([4, "dup", "RpcFrameworkError", expect.any(String), {}]);
    done.resolve({ slow: true });
    expect(await peer.nextJson()).toEqual([3, "dup", { slow: true }]);
    await expectHeartbeatRoundTrip(peer);
    expect(calls).toBe(1);
    expect(events).toHaveLength(1);
  });

  it("ignores empty text frames silently", async () => {
    const { peer, events } = await serve("ocpp2.0.1");
    peer.send("");
    await expectHeartbeatRoundTrip(peer);
    expect(events()).toEqual([]);
  });
});

describe("maxBadMessages", () => {
  async function sendBad(peer: BarePeer, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      peer.send(`bad ${i}`);
      expect(await peer.nextJson()).toEqual([4, "-1", "RpcFrameworkError", expect.any(String), {}]);
    }
  }

  it("tolerates maxBadMessages bad messages in a row and closes with 1002 on the next", async () => {
    const { peer, client, events } = await serve("ocpp2.0.1", { maxBadMessages: 3 });
    await sendBad(peer, 3);
    expect(client.state).toBe(1);
    peer.send("one too many");
    expect((await peer.closed).code).toBe(1002);
    expect(events()).toHaveLength(4);
  });

  it("resets the count after a good message", async () => {
    const { peer, client } = await serve("ocpp2.0.1", { maxBadMessages: 2 });
    await sendBad(peer, 2);
    await expectHeartbeatRoundTrip(peer, "good-1");
    await sendBad(peer, 2);
    expect(client.state).toBe(1);
    await expectHeartbeatRoundTrip(peer, "good-2");
    await sendBad(peer, 2);
    peer.send("third in a row");
    expect((await peer.closed).code).toBe(1002);
  });

  it("closes at the first bad message with maxBadMessages 0", async () => {
    const { peer } = await serve("ocpp1.6", { maxBadMessages: 0 });
    peer.send("bad");
    expect((await peer.closed).code).toBe(1002);
  });
});

describe("OCPPClient bad responses", () => {
  it("fails a pending call at once on a malformed CALLRESULT for its id", async () => {
    const { client, peer } = await clientAndBareServer(peers, { callTimeoutMs: 60_000 });
    const bad = nextEvent(client, "badMessage");
    const call = client.call("Heartbeat", {});
    const frame = await peer.nextJson();
    peer.send([3, frame[1]]);
    const error: unknown = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RPCError);
    expect((error as RPCError).rpcErrorCode).toBe("RpcFrameworkError");
    const [event] = await bad;
    expect(event.response).toBeNull();
    await expectCallIsNextFrame(client, peer);
  });

  it("fails a pending call at once on a CALLRESULT whose payload is not an object", async () => {
    const { client, peer } = await clientAndBareServer(peers, { callTimeoutMs: 60_000 });
    const call = client.call("Heartbeat", {});
    const frame = await peer.nextJson();
    peer.send([3, frame[1], "not an object"]);
    await expect(call).rejects.toMatchObject({ rpcErrorCode: "FormatViolation" });
    await expectCallIsNextFrame(client, peer);
  });

  it("fails a pending call at once on a malformed CALLERROR for its id", async () => {
    const { client, peer } = await clientAndBareServer(peers, { callTimeoutMs: 60_000 });
    const call = client.call("Heartbeat", {});
    const frame = await peer.nextJson();
    peer.send([4, frame[1], "GenericError"]);
    await expect(call).rejects.toBeInstanceOf(RPCError);
    await expectCallIsNextFrame(client, peer);
  });
});
