import { afterEach, describe, expect, it } from "vitest";
import { createRPCError, type MessageContext, type OCPPServerClient } from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { bareClientAndServer, clientAndBareServer, deferred, heartbeat } from "./wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

describe("middleware (use)", () => {
  it("sees every inbound and outbound message of every station, in order", async () => {
    const seen: string[] = [];
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], pingIntervalMs: 0 });
    server.use(async (ctx, next) => {
      seen.push(`${ctx.direction} ${ctx.message[0]} ${ctx.client.identity}`);
      await next();
    });
    server.on("client", (c) => c.handle("Heartbeat", heartbeat));
    const peer = await peers.bareClient(url, "CP-A", ["ocpp1.6"]);
    peer.send([2, "1", "Heartbeat", {}]);
    expect((await peer.nextJson())[0]).toBe(3);
    expect(seen).toEqual(["inbound 2 CP-A", "outbound 3 CP-A"]);
  });

  it("keeps inbound order behind an asynchronous middleware", async () => {
    const gate = deferred<void>();
    const { peer } = await bareClientAndServer(peers, "ocpp1.6", {}, (client) => {
      client.handle("Heartbeat", heartbeat);
      client.use(async (ctx, next) => {
        if (ctx.direction === "inbound" && ctx.message[1] === "slow") await gate.promise;
        await next();
      });
    });
    peer.send([2, "slow", "Heartbeat", {}]);
    peer.send([2, "fast", "Heartbeat", {}]);
    gate.resolve();
    expect((await peer.nextJson())[1]).toBe("slow");
    expect((await peer.nextJson())[1]).toBe("fast");
  });

  it("refuse() answers the CALL with the error and the handler never runs", async () => {
    let ran = 0;
    const { peer } = await bareClientAndServer(peers, "ocpp2.0.1", {}, (client) => {
      client.handle("Heartbeat", () => {
        ran++;
        return heartbeat();
      });
      client.use((ctx, next) => {
        if (ctx.direction === "inbound" && ctx.message[0] === 2) {
          ctx.refuse(createRPCError("GenericError", "rate limit exceeded", { retryAfterMs: 10 }));
          return;
        }
        return next();
      });
    });
    peer.send([2, "r1", "Heartbeat", {}]);
    expect(await peer.nextJson()).toEqual([
      4,
      "r1",
      "GenericError",
      "rate limit exceeded",
      { retryAfterMs: 10 },
    ]);
    expect(ran).toBe(0);
  });

  it("a throwing middleware: the CALL gets InternalError, 'error' carries the cause", async () => {
    const errors: Error[] = [];
    let client: OCPPServerClient | undefined;
    const { peer } = await bareClientAndServer(peers, "ocpp1.6", {}, (c) => {
      client = c;
      c.handle("Heartbeat", heartbeat);
      c.on("error", (e) => errors.push(e));
      c.use((ctx) => {
        if (ctx.direction === "inbound") throw new Error("middleware bug");
      });
    });
    peer.send([2, "t1", "Heartbeat", {}]);
    const answer = await peer.nextJson();
    expect(answer.slice(0, 3)).toEqual([4, "t1", "InternalError"]);
    expect(errors.map((e) => e.message)).toEqual(["middleware bug"]);
    expect(client!.state).toBe(1);
  });

  it("onAnswer() gets the CALL's answer frame as written", async () => {
    const answers: (string | undefined)[] = [];
    const { peer } = await bareClientAndServer(peers, "ocpp1.6", {}, (client) => {
      client.handle("Heartbeat", heartbeat);
      client.use((ctx, next) => {
        if (ctx.direction === "inbound") ctx.onAnswer((frame) => answers.push(frame));
        return next();
      });
    });
    peer.send([2, "h1", "Heartbeat", {}]);
    const written = await peer.next();
    expect(answers).toEqual([written]);
  });

  it("replay() answers with a given frame, later for a promise, without holding the next message", async () => {
    const later = deferred<string>();
    let ran = 0;
    const { peer } = await bareClientAndServer(peers, "ocpp1.6", {}, (client) => {
      client.handle("Heartbeat", () => {
        ran++;
        return heartbeat();
      });
      client.use((ctx, next) => {
        if (ctx.direction === "inbound" && ctx.message[1] === "r1")
          return ctx.replay(later.promise);
        if (ctx.direction === "inbound" && ctx.message[1] === "bad")
          return ctx.replay('[3,"other",{}]');
        return next();
      });
    });
    peer.send([2, "r1", "Heartbeat", {}]);
    peer.send([2, "h2", "Heartbeat", {}]);
    expect((await peer.nextJson())[1]).toBe("h2");
    later.resolve('[3,"r1",{"replayed":true}]');
    expect(await peer.nextJson()).toEqual([3, "r1", { replayed: true }]);
    peer.send([2, "bad", "Heartbeat", {}]);
    expect((await peer.nextJson()).slice(0, 3)).toEqual([4, "bad", "InternalError"]);
    expect(ran).toBe(1);
  });

  it("a CALL that middleware neither passes on nor refuses is still answered", async () => {
    const { peer } = await bareClientAndServer(peers, "ocpp1.6", {}, (c) => {
      c.handle("Heartbeat", heartbeat);
      c.use(() => undefined);
    });
    peer.send([2, "d1", "Heartbeat", {}]);
    expect((await peer.nextJson()).slice(0, 3)).toEqual([4, "d1", "InternalError"]);
  });

  it("outbound middleware may delay a frame but never drops it (a CALLRESULT to our call gets through)", async () => {
    const { client, peer } = await clientAndBareServer(peers, { pingIntervalMs: 0 });
    const directions: MessageContext["direction"][] = [];
    client.use(async (ctx, next) => {
      directions.push(ctx.direction);
      if (ctx.direction === "outbound") throw new Error("observer bug");
      await next();
    });
    const call = client.call("Heartbeat");
    const frame = await peer.nextJson();
    peer.send([3, frame[1], { currentTime: "t" }]);
    await expect(call).resolves.toEqual({ currentTime: "t" });
    expect(directions).toEqual(["outbound", "inbound"]);
  });

  it("a server-side client's own middleware runs after the server's and only for it", async () => {
    const order: string[] = [];
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], pingIntervalMs: 0 });
    server.use((ctx, next) => {
      if (ctx.direction === "inbound") order.push(`server ${ctx.client.identity}`);
      return next();
    });
    server.on("client", (c) => {
      c.handle("Heartbeat", heartbeat);
      if (c.identity === "A") {
        c.use((ctx, next) => {
          if (ctx.direction === "inbound") order.push("own A");
          return next();
        });
      }
    });
    const a = await peers.bareClient(url, "A", ["ocpp1.6"]);
    const b = await peers.bareClient(url, "B", ["ocpp1.6"]);
    a.send([2, "1", "Heartbeat", {}]);
    await a.nextJson();
    b.send([2, "1", "Heartbeat", {}]);
    await b.nextJson();
    expect(order).toEqual(["server A", "own A", "server B"]);
  });

  it("refuses a middleware that is not a function", async () => {
    const { server } = await peers.server({ protocols: ["ocpp1.6"] });
    expect(() => server.use("nope" as never)).toThrow(TypeError);
  });
});
