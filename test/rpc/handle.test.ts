import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createRPCError,
  NOREPLY,
  type HandlerContext,
  type OCPPServerClient,
} from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { bareClientAndServer, deferred, expectHeartbeatRoundTrip, heartbeat } from "./wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

/** A 2.0.1 server whose client gets `setup` (plus a Heartbeat handler), and a bare client. */
function serve(setup: (client: OCPPServerClient) => void, protocol = "ocpp2.0.1", options = {}) {
  return bareClientAndServer(peers, protocol, options, (client) => {
    client.handle("Heartbeat", heartbeat);
    setup(client);
  });
}

describe("OCPPServerClient#handle", () => {
  it("answers a call with the handler's return value as CALLRESULT", async () => {
    const { peer } = await serve((c) => c.handle("Echo", ({ params }: HandlerContext) => params));
    peer.send([2, "m1", "Echo", { a: [1, 2], b: "x" }]);
    expect(await peer.nextJson()).toEqual([3, "m1", { a: [1, 2], b: "x" }]);
  });

  it("answers with the value a returned promise resolves to", async () => {
    const { peer } = await serve((c) =>
      c.handle("Later", async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return { later: true };
      }),
    );
    peer.send([2, "m2", "Later", {}]);
    expect(await peer.nextJson()).toEqual([3, "m2", { later: true }]);
  });

  it("sends {} when the handler returns undefined", async () => {
    const { peer } = await serve((c) => c.handle("Nothing", () => undefined));
    peer.send([2, "m3", "Nothing", {}]);
    expect(await peer.nextJson()).toEqual([3, "m3", {}]);
  });

  it("gives the handler method, params, messageId, protocol, signal and reply", async () => {
    const seen = deferred<HandlerContext>();
    const { peer } = await serve((c) =>
      c.handle("Inspect", (ctx: HandlerContext) => {
        seen.resolve(ctx);
        return {};
      }),
    );
    peer.send([2, "ctx-1", "Inspect", { k: "v" }]);
    const ctx = await seen.promise;
    expect(ctx).toMatchObject({
      method: "Inspect",
      params: { k: "v" },
      messageId: "ctx-1",
      protocol: "ocpp2.0.1",
    });
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
    expect(ctx.signal.aborted).toBe(false);
    expect(typeof ctx.reply).toBe("function");
    expect(await peer.nextJson()).toEqual([3, "ctx-1", {}]);
  });

  it("passes (method, context) to the wildcard handler for methods without a handler", async () => {
    const { peer } = await serve((c) =>
      c.handle((method: string, ctx: HandlerContext) => ({ method, id: ctx.messageId })),
    );
    peer.send([2, "w1", "AnyMethod", {}]);
    expect(await peer.nextJson()).toEqual([3, "w1", { method: "AnyMethod", id: "w1" }]);
    // A specific handler wins over the wildcard.
    await expectHeartbeatRoundTrip(peer);
  });

  it("applies handle(protocol, method) only on connections of that protocol", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6", "ocpp2.0.1"] });
    server.on("client", (client) => {
      client.handle("ocpp2.0.1", "Heartbeat", () => ({ currentTime: "v201" }));
    });
    const v16 = await peers.bareClient(url, "CP16", ["ocpp1.6"]);
    const v201 = await peers.bareClient(url, "CP201", ["ocpp2.0.1"]);
    v16.send([2, "p1", "Heartbeat", {}]);
    v201.send([2, "p2", "Heartbeat", {}]);
    expect(await v201.nextJson()).toEqual([3, "p2", { currentTime: "v201" }]);
    expect(await v16.nextJson()).toEqual([4, "p1", "NotImplemented", expect.any(String), {}]);
  });

  it("replaces an earlier handler for the same method", async () => {
    const { peer } = await serve((c) => {
      c.handle("Twice", () => ({ n: 1 }));
      c.handle("Twice", () => ({ n: 2 }));
    });
    peer.send([2, "t1", "Twice", {}]);
    expect(await peer.nextJson()).toEqual([3, "t1", { n: 2 }]);
  });

  it("answers NotImplemented for a method without a handler", async () => {
    const { peer } = await serve(() => undefined);
    peer.send([2, "ni", "Unknown", {}]);
    expect(await peer.nextJson()).toEqual([4, "ni", "NotImplemented", expect.any(String), {}]);
  });

  it("removeHandler(method) removes that method's handler", async () => {
    const { client, peer } = await serve((c) => c.handle("Gone", () => ({})));
    client.removeHandler("Gone");
    peer.send([2, "g1", "Gone", {}]);
    expect(await peer.nextJson()).toEqual([4, "g1", "NotImplemented", expect.any(String), {}]);
    await expectHeartbeatRoundTrip(peer);
  });

  it("removeHandler() removes the wildcard handler only", async () => {
    const { client, peer } = await serve((c) => c.handle(() => ({ wild: true })));
    peer.send([2, "r1", "X", {}]);
    expect(await peer.nextJson()).toEqual([3, "r1", { wild: true }]);
    client.removeHandler();
    peer.send([2, "r2", "X", {}]);
    expect(await peer.nextJson()).toEqual([4, "r2", "NotImplemented", expect.any(String), {}]);
    await expectHeartbeatRoundTrip(peer);
  });

  it("removeAllHandlers() removes specific and wildcard handlers", async () => {
    const { client, peer } = await serve((c) => c.handle(() => ({ wild: true })));
    client.removeAllHandlers();
    peer.send([2, "a1", "Heartbeat", {}]);
    peer.send([2, "a2", "X", {}]);
    expect(await peer.nextJson()).toEqual([4, "a1", "NotImplemented", expect.any(String), {}]);
    expect(await peer.nextJson()).toEqual([4, "a2", "NotImplemented", expect.any(String), {}]);
  });
});

describe("OCPPServerClient#handle errors", () => {
  it("answers a thrown RPCError with its code, message and details", async () => {
    const { peer } = await serve((c) =>
      c.handle("Refuse", () => {
        throw createRPCError("NotSupported", "Hard reset not supported", { hint: "soft" });
      }),
    );
    peer.send([2, "e1", "Refuse", { type: "Hard" }]);
    expect(await peer.nextJson()).toEqual([
      4,
      "e1",
      "NotSupported",
      "Hard reset not supported",
      { hint: "soft" },
    ]);
  });

  it("answers a rejected promise's RPCError the same way", async () => {
    const { peer } = await serve((c) =>
      c.handle("Refuse", () => Promise.reject(createRPCError("SecurityError", "nope"))),
    );
    peer.send([2, "e2", "Refuse", {}]);
    expect(await peer.nextJson()).toEqual([4, "e2", "SecurityError", "nope", {}]);
  });

  it("answers an RPCError whose details cannot be serialised with details {}", async () => {
    const { peer } = await serve((c) =>
      c.handle("Odd", () => {
        throw createRPCError("GenericError", "odd details", { n: 1n });
      }),
    );
    peer.send([2, "e7", "Odd", {}]);
    expect(await peer.nextJson()).toEqual([4, "e7", "GenericError", "odd details", {}]);
    await expectHeartbeatRoundTrip(peer);
  });

  it("answers a plain Error with InternalError under 1.6 too", async () => {
    const { peer } = await serve(
      (c) =>
        c.handle("Boom", () => {
          throw new Error("boom16");
        }),
      "ocpp1.6",
    );
    peer.send([2, "e8", "Boom", {}]);
    expect(await peer.nextJson()).toEqual([4, "e8", "InternalError", "boom16", {}]);
  });

  it("answers a plain Error with InternalError, its message and no details", async () => {
    const { peer } = await serve((c) =>
      c.handle("Boom", () => {
        throw new Error("boom");
      }),
    );
    peer.send([2, "e3", "Boom", {}]);
    const frame = await peer.nextJson();
    expect(frame).toEqual([4, "e3", "InternalError", "boom", {}]);
    expect(JSON.stringify(frame)).not.toContain("at ");
  });

  it("puts message and stack into details with respondWithDetailedErrors", async () => {
    const { peer } = await serve(
      (c) =>
        c.handle("Boom", () => {
          throw new Error("detailed boom");
        }),
      "ocpp2.0.1",
      { respondWithDetailedErrors: true },
    );
    peer.send([2, "e4", "Boom", {}]);
    const frame = await peer.nextJson();
    expect(frame.slice(0, 4)).toEqual([4, "e4", "InternalError", "detailed boom"]);
    expect(frame[4]).toMatchObject({ message: "detailed boom", stack: expect.any(String) });
    expect((frame[4] as { stack: string }).stack).toContain("detailed boom");
  });

  it("cuts an errorDescription longer than 255 characters to 255", async () => {
    const { peer } = await serve((c) =>
      c.handle("Long", () => {
        throw createRPCError("GenericError", "x".repeat(400));
      }),
    );
    peer.send([2, "e5", "Long", {}]);
    const frame = await peer.nextJson();
    expect(frame[2]).toBe("GenericError");
    expect(frame[3]).toBe("x".repeat(255));
  });

  it("answers InternalError when the result cannot be serialised", async () => {
    const { peer } = await serve((c) => c.handle("Big", () => ({ n: 10n })));
    peer.send([2, "e6", "Big", {}]);
    expect(await peer.nextJson()).toEqual([4, "e6", "InternalError", expect.any(String), {}]);
    await expectHeartbeatRoundTrip(peer);
  });
});

describe("HandlerContext#reply", () => {
  it("sends exactly one response: later reply() calls and the return value are ignored", async () => {
    const { peer } = await serve((c) =>
      c.handle("Once", (ctx: HandlerContext) => {
        ctx.reply({ first: true });
        ctx.reply({ second: true });
        ctx.reply(new Error("third"));
        return { returned: true };
      }),
    );
    peer.send([2, "o1", "Once", {}]);
    expect(await peer.nextJson()).toEqual([3, "o1", { first: true }]);
    await expectHeartbeatRoundTrip(peer);
  });

  it("ignores a later throw after reply()", async () => {
    const { peer } = await serve((c) =>
      c.handle("Once", (ctx: HandlerContext) => {
        ctx.reply({ ok: 1 });
        throw new Error("after reply");
      }),
    );
    peer.send([2, "o2", "Once", {}]);
    expect(await peer.nextJson()).toEqual([3, "o2", { ok: 1 }]);
    await expectHeartbeatRoundTrip(peer);
  });

  it("sends nothing for reply(NOREPLY)", async () => {
    const { peer } = await serve((c) =>
      c.handle("Quiet", (ctx: HandlerContext) => {
        ctx.reply(NOREPLY);
        return { ignored: true };
      }),
    );
    peer.send([2, "q1", "Quiet", {}]);
    await expectHeartbeatRoundTrip(peer);
  });

  it("sends nothing when the handler returns NOREPLY (or a promise of it)", async () => {
    const { peer } = await serve((c) => {
      c.handle("Quiet", () => NOREPLY);
      c.handle("QuietLater", () => Promise.resolve(NOREPLY));
    });
    peer.send([2, "q2", "Quiet", {}]);
    peer.send([2, "q3", "QuietLater", {}]);
    await expectHeartbeatRoundTrip(peer);
  });

  it("sends an async reply() made after the handler returned a promise", async () => {
    const context = deferred<HandlerContext>();
    const result = deferred<unknown>();
    const { peer } = await serve((c) =>
      c.handle("Async", (ctx: HandlerContext) => {
        context.resolve(ctx);
        return result.promise;
      }),
    );
    peer.send([2, "as1", "Async", {}]);
    const ctx = await context.promise;
    ctx.reply({ fromReply: true });
    expect(await peer.nextJson()).toEqual([3, "as1", { fromReply: true }]);
    result.resolve({ fromPromise: true });
    await expectHeartbeatRoundTrip(peer);
  });

  it("answers a reply() given an Error with CALLERROR", async () => {
    const { peer } = await serve((c) =>
      c.handle("Err", (ctx: HandlerContext) => ctx.reply(createRPCError("ProtocolError", "bad"))),
    );
    peer.send([2, "re", "Err", {}]);
    expect(await peer.nextJson()).toEqual([4, "re", "ProtocolError", "bad", {}]);
  });

  it("answers a reply() given a promise with its outcome", async () => {
    const { peer } = await serve((c) =>
      c.handle("P", (ctx: HandlerContext) => ctx.reply(Promise.resolve({ viaPromise: 1 }))),
    );
    peer.send([2, "rp", "P", {}]);
    expect(await peer.nextJson()).toEqual([3, "rp", { viaPromise: 1 }]);
  });

  it("calls the handler once per call", async () => {
    const handler = vi.fn(() => ({}));
    const { peer } = await serve((c) => c.handle("Count", handler));
    peer.send([2, "c1", "Count", {}]);
    peer.send([2, "c2", "Count", {}]);
    expect(await peer.nextJson()).toEqual([3, "c1", {}]);
    expect(await peer.nextJson()).toEqual([3, "c2", {}]);
    expect(handler).toHaveBeenCalledTimes(2);
  });
});
