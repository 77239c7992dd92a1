import { afterEach, describe, expect, it } from "vitest";
import {
  RPCMessageTypeNotSupportedError,
  type BadMessageEvent,
  type HandlerContext,
} from "../../src/index.js";
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
} from "./wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

const STREAM = {
  id: 1,
  pending: 0,
  basetime: "2024-01-01T00:00:00.000Z",
  data: [{ t: 0, v: "230.1" }],
};

describe("OCPPClient#send (OCPP 2.1 SEND)", () => {
  it("puts [6, id, method, params] on the wire and expects no answer", async () => {
    const { client, peer } = await clientAndBareServer(peers, {}, "ocpp2.1");
    await expect(client.send("NotifyPeriodicEventStream", STREAM)).resolves.toBeUndefined();
    const frame = await peer.nextJson();
    expect(frame).toEqual([6, expect.any(String), "NotifyPeriodicEventStream", STREAM]);
    expect((frame[1] as string).length).toBeLessThanOrEqual(36);
  });

  it("is not held back by a call in flight (SEND is exempt from the one-call rule)", async () => {
    const { client, peer } = await clientAndBareServer(peers, { callConcurrency: 1 }, "ocpp2.1");
    const call = client.call("Heartbeat", {});
    const callFrame = await peer.nextJson();
    await client.send("NotifyPeriodicEventStream", STREAM);
    expect((await peer.nextJson())[0]).toBe(6);
    peer.send([3, callFrame[1], { currentTime: "2024-01-01T00:00:00.000Z" }]);
    await expect(call).resolves.toBeDefined();
  });

  it("rejects with RPCMessageTypeNotSupportedError under ocpp1.6 and sends nothing", async () => {
    const { client, peer } = await clientAndBareServer(peers, {}, "ocpp1.6");
    await expect(client.send("NotifyPeriodicEventStream", STREAM)).rejects.toBeInstanceOf(
      RPCMessageTypeNotSupportedError,
    );
    await expectCallIsNextFrame(client, peer);
  });

  it("rejects with RPCMessageTypeNotSupportedError under ocpp2.0.1", async () => {
    const { client } = await clientAndBareServer(peers, {}, "ocpp2.0.1");
    await expect(client.send("NotifyPeriodicEventStream", STREAM)).rejects.toBeInstanceOf(
      RPCMessageTypeNotSupportedError,
    );
  });
});

describe("OCPPServerClient receiving a SEND", () => {
  it("passes it to the handler and never answers it", async () => {
    const received = deferred<HandlerContext>();
    let bad: BadMessageEvent[] = [];
    const { peer } = await bareClientAndServer(peers, "ocpp2.1", {}, (client) => {
      client.handle("Heartbeat", heartbeat);
      client.handle("NotifyPeriodicEventStream", (ctx: HandlerContext) => {
        received.resolve(ctx);
        return {};
      });
      bad = record(client, "badMessage");
    });
    peer.send([6, "s1", "NotifyPeriodicEventStream", STREAM]);
    const ctx = await received.promise;
    expect(ctx).toMatchObject({
      method: "NotifyPeriodicEventStream",
      messageId: "s1",
      params: STREAM,
    });
    await expectHeartbeatRoundTrip(peer);
    expect(bad).toEqual([]);
  });

  it("does not answer a SEND whose handler throws or that has no handler", async () => {
    const { peer } = await bareClientAndServer(peers, "ocpp2.1", {}, (client) => {
      client.handle("Heartbeat", heartbeat);
      client.handle("NotifyPeriodicEventStream", () => {
        throw new Error("handler failed");
      });
      // Keep the handler's failure from becoming an unhandled 'error' event.
      client.on("error", () => undefined);
    });
    peer.send([6, "s2", "NotifyPeriodicEventStream", STREAM]);
    peer.send([6, "s3", "VendorStream", { any: 1 }]);
    await expectHeartbeatRoundTrip(peer);
  });

  it("does not answer a SEND that fails strict validation", async () => {
    let failures = 0;
    const { peer } = await bareClientAndServer(peers, "ocpp2.1", { strictMode: true }, (client) => {
      client.handle("Heartbeat", heartbeat);
      client.handle("NotifyPeriodicEventStream", () => ({}));
      client.on("strictValidationFailure", () => failures++);
    });
    peer.send([6, "s4", "NotifyPeriodicEventStream", { id: 1 }]);
    await expectHeartbeatRoundTrip(peer);
    expect(failures).toBe(1);
  });
});

describe("CALLRESULTERROR (OCPP 2.1)", () => {
  it("emits 'callResultError' for an inbound CALLRESULTERROR and answers nothing", async () => {
    const { client, peer } = await clientAndBareServer(peers, {}, "ocpp2.1");
    const bad = record(client, "badMessage");
    const event = nextEvent(client, "callResultError");
    peer.send([5, "res-1", "InternalError", "could not process", { why: "x" }]);
    const [payload] = await event;
    expect(payload).toMatchObject({
      messageId: "res-1",
      errorCode: "InternalError",
      errorDescription: "could not process",
      errorDetails: { why: "x" },
    });
    await expectCallIsNextFrame(client, peer);
    expect(bad).toEqual([]);
  });

  it("treats a malformed CALLRESULTERROR as a bad message without answering", async () => {
    const { client, peer } = await clientAndBareServer(peers, {}, "ocpp2.1");
    const bad = nextEvent(client, "badMessage");
    peer.send([5, "res-2", "InternalError"]);
    const [event] = await bad;
    expect(event.response).toBeNull();
    await expectCallIsNextFrame(client, peer);
  });
});
