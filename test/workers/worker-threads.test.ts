import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
// The pool loads its worker module from the build: these tests run on dist/ (npm test builds it).
import { OCPPServer, createValidator, type ServerOptions } from "../../dist/index.js";
import { BarePeer } from "../helpers/peers.js";
import { bigMeterValuesCall, meterValues } from "./big-frames.js";

const BIG = 20_000;
const servers: OCPPServer[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(servers.splice(0).map((s) => s.close({ force: true })));
});

async function startServer(options: ServerOptions): Promise<{ server: OCPPServer; url: string }> {
  const server = new OCPPServer({ logging: false, ...options });
  servers.push(server);
  const http = await server.listen(0, "127.0.0.1");
  return { server, url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

async function station(url: string, identity: string, protocol = "ocpp2.0.1"): Promise<BarePeer> {
  const ws = new WebSocket(`${url}/${identity}`, [protocol]);
  sockets.push(ws);
  const peer = new BarePeer(ws);
  await once(ws, "open");
  return peer;
}

const STRICT: ServerOptions = {
  protocols: ["ocpp2.0.1"],
  strictMode: true,
  workerThreads: { poolSize: 2, minFrameBytes: 4096 },
};

/** The server-side validator's count of compiled schemas (internal: shows who validated). */
function compiledCount(server: OCPPServer): number {
  const [client] = [...server.clients];
  return (client as unknown as { validator: { compiledCount: number } }).validator.compiledCount;
}

/** Counts the times reading pauses on the server's connections (internal: the transport's ReadPause). */
function countHolds(server: OCPPServer): () => number {
  let holds = 0;
  server.on("client", (client) => {
    const reading = (client as unknown as { transport: { readPause: { hold(): void } } }).transport
      .readPause;
    const hold = reading.hold.bind(reading);
    reading.hold = () => {
      holds++;
      hold();
    };
  });
  return () => holds;
}

describe("OCPPServer workerThreads", () => {
  it("checks a big CALL in a worker: the handler runs and the main thread never validates it", async () => {
    const { server, url } = await startServer(STRICT);
    const seen: string[] = [];
    server.on("client", (client) =>
      client.handle("MeterValues", ({ messageId }) => {
        seen.push(messageId);
        return {};
      }),
    );
    const peer = await station(url, "CP1");
    peer.send(bigMeterValuesCall("big-1", BIG));
    expect(JSON.parse(await peer.next())).toEqual([3, "big-1", {}]);
    // The answer was checked (and its schema compiled) here; the request's schema was not.
    const afterBig = compiledCount(server);
    peer.send(JSON.stringify([2, "small-1", "MeterValues", meterValues(1)]));
    await peer.next();
    expect(seen).toEqual(["big-1", "small-1"]);
    // The small frame stayed inline: its request schema is compiled on the main thread now.
    expect(compiledCount(server)).toBe(afterBig + 1);
  });

  it("answers an invalid big CALL with the same CALLERROR as the main thread would", async () => {
    const frame = bigMeterValuesCall("bad-1", BIG, "not-a-number");
    const answers: unknown[] = [];
    for (const workerThreads of [STRICT.workerThreads, false] as const) {
      const { server, url } = await startServer({ ...STRICT, workerThreads });
      let ran = false;
      server.on("client", (client) =>
        client.handle("MeterValues", () => {
          ran = true;
          return {};
        }),
      );
      const peer = await station(url, `CP-${String(!!workerThreads)}`);
      peer.send(frame);
      answers.push(JSON.parse(await peer.next()));
      expect(ran).toBe(false);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect((answers[0] as unknown[]).slice(0, 3)).toEqual([4, "bad-1", "TypeConstraintViolation"]);
  });

  it("applies a worker's verdict only to its own message, not to a call made meanwhile", async () => {
    const { server, url } = await startServer(STRICT);
    let outbound: Promise<unknown> | undefined;
    server.use((ctx, next) => {
      if (ctx.direction === "inbound" && ctx.message[1] === "dt-big") {
        // A call of the same method made while the verified frame is being routed: strict
        // mode must check it itself (vendorId must be a string).
        const client = ctx.client as unknown as { call(m: string, p: unknown): Promise<unknown> };
        outbound = client.call("DataTransfer", { vendorId: 42 }).catch((err: Error) => err);
      }
      return next();
    });
    server.on("client", (client) => client.handle("DataTransfer", () => ({ status: "Accepted" })));
    const peer = await station(url, "DT");
    peer.send([2, "dt-big", "DataTransfer", { vendorId: "V", data: "x".repeat(BIG) }]);
    expect(JSON.parse(await peer.next())).toEqual([3, "dt-big", { status: "Accepted" }]);
    expect(outbound).toBeDefined();
    expect(await outbound).toMatchObject({ rpcErrorCode: "TypeConstraintViolation" });
  });

  it("keeps each connection's order with big and small frames mixed", async () => {
    const { server, url } = await startServer(STRICT);
    const order = new Map<string, string[]>();
    server.on("client", (client) => {
      const seen: string[] = [];
      order.set(client.identity, seen);
      client.handle("MeterValues", ({ messageId }) => (seen.push(messageId), {}));
      client.handle("Heartbeat", ({ messageId }) => {
        seen.push(messageId);
        return { currentTime: new Date().toISOString() };
      });
    });
    const peers = await Promise.all(["A", "B", "C"].map((id) => station(url, id)));
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = `m${i}`;
      sent.push(id);
      for (const peer of peers) {
        // Big frames of varying size (workers finish out of order), small ones in between.
        if (i % 3 === 2) peer.send([2, id, "Heartbeat", {}]);
        else peer.send(bigMeterValuesCall(id, 5000 + ((i * 7919) % 30_000)));
      }
    }
    for (const peer of peers) for (let i = 0; i < 30; i++) await peer.next();
    for (const id of ["A", "B", "C"]) expect(order.get(id)).toEqual(sent);
  });

  it("pauses reading when maxQueueSize is reached and still answers every call", async () => {
    const { server, url } = await startServer({
      ...STRICT,
      workerThreads: { poolSize: 1, maxQueueSize: 1, minFrameBytes: 4096 },
    });
    const holds = countHolds(server);
    server.on("client", (client) => client.handle("MeterValues", () => ({})));
    const peers = await Promise.all(["Q1", "Q2", "Q3", "Q4"].map((id) => station(url, id)));
    const frame = bigMeterValuesCall("x", 40_000);
    for (let i = 0; i < 25; i++) {
      for (const peer of peers) peer.send(frame.replace('"x"', `"q${i}"`));
    }
    for (const peer of peers) {
      const ids = [];
      for (let i = 0; i < 25; i++) ids.push((JSON.parse(await peer.next(10_000)) as unknown[])[1]);
      expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `q${i}`));
    }
    expect(holds()).toBeGreaterThan(0);
  });

  it("pauses reading while a connection holds too many frames behind one in the pool", async () => {
    const { server, url } = await startServer(STRICT);
    const holds = countHolds(server);
    const seen: string[] = [];
    server.on("client", (client) => {
      client.handle("MeterValues", ({ messageId }) => (seen.push(messageId), {}));
      client.handle("Heartbeat", ({ messageId }) => {
        seen.push(messageId);
        return { currentTime: new Date().toISOString() };
      });
    });
    const peer = await station(url, "FLOOD");
    // One write: the frames arrive together, behind the big one, before its verdict can.
    const frames = [bigMeterValuesCall("big", BIG)];
    for (let i = 0; i < 1000; i++) frames.push(JSON.stringify([2, `h${i}`, "Heartbeat", {}]));
    for (const frame of frames) peer.send(frame);
    for (let i = 0; i < frames.length; i++) await peer.next();
    expect(seen).toEqual(frames.map((f) => (JSON.parse(f) as string[])[1]));
    expect(holds()).toBeGreaterThan(0);
  });

  it("keeps frames of a custom validator's subprotocol on the main thread", async () => {
    let validated = 0;
    const custom = createValidator("echo1.0", [
      { $id: "urn:Echo.req", type: "object", properties: { text: { type: "string" } } },
      { $id: "urn:Echo.conf", type: "object" },
    ]);
    const counting = {
      subprotocol: "echo1.0",
      hasSchema: custom.hasSchema.bind(custom),
      validate: (...args: Parameters<typeof custom.validate>) => {
        validated++;
        return custom.validate(...args);
      },
    };
    const { server, url } = await startServer({
      protocols: ["echo1.0"],
      strictMode: true,
      strictModeValidators: [counting],
      workerThreads: { poolSize: 1, minFrameBytes: 1024 },
    });
    server.on("client", (client) => client.handle("Echo", ({ params }) => params as object));
    const peer = await station(url, "E1", "echo1.0");
    peer.send([2, "e1", "Echo", { text: "x".repeat(5000) }]);
    expect((JSON.parse(await peer.next()) as unknown[])[0]).toBe(3);
    expect(validated).toBe(2); // request and response, both here
  });

  it("refuses bad workerThreads options with a message naming them", () => {
    const base = { protocols: ["ocpp2.0.1"], strictMode: true, logging: false } as const;
    expect(() => new OCPPServer({ ...base, workerThreads: "yes" as never })).toThrow(
      /option 'workerThreads' must be a boolean or an object/,
    );
    expect(() => new OCPPServer({ ...base, workerThreads: { poolSize: 0 } })).toThrow(
      /option 'workerThreads.poolSize' must be an integer >= 1, got 0/,
    );
    expect(() => new OCPPServer({ ...base, workerThreads: { maxQueueSize: Infinity } })).toThrow(
      /'workerThreads.maxQueueSize' must be finite/,
    );
    expect(() => new OCPPServer({ ...base, workerThreads: { pool: 2 } as never })).toThrow(
      /option 'workerThreads': unknown key 'pool'/,
    );
    expect(
      () => new OCPPServer({ protocols: ["ocpp2.0.1"], logging: false, workerThreads: true }),
    ).toThrow(/'workerThreads' .* needs 'strictMode'/);
    const server = new OCPPServer({ ...base, workerThreads: { poolSize: 1 } });
    servers.push(server);
    expect(() => server.reconfigure({ workerThreads: false })).toThrow(
      "reconfigure(): option 'workerThreads' is fixed at construction",
    );
  });
});
