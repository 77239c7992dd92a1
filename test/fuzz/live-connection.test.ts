import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConnectionState, type OCPPServerClient, type ServerOptions } from "../../src/index.js";
import { Peers, type BarePeer } from "../helpers/peers.js";

/**
 * Property: whatever a station sends, the server neither throws nor stops serving. Every
 * non-empty frame is accounted for, as a handled message ('call', 'send', 'callResultError')
 * or a 'badMessage' event; after each batch the same connection still answers a Heartbeat.
 */

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

const processErrors: unknown[] = [];
const onProcessError = (err: unknown) => processErrors.push(err);
beforeAll(() => {
  process.on("unhandledRejection", onProcessError);
  process.on("uncaughtException", onProcessError);
});
afterAll(() => {
  process.off("unhandledRejection", onProcessError);
  process.off("uncaughtException", onProcessError);
});

/** A frame as sent by the bare station: text, or binary bytes. */
type Frame = { text: string } | { bytes: Uint8Array };

const stringify = (value: unknown): string => JSON.stringify(value) ?? "null";

const textFrames: fc.Arbitrary<Frame> = fc
  .oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme" }),
    fc.json(),
    fc.array(fc.anything()).map(stringify),
    fc.anything().map(stringify),
  )
  .map((text) => ({ text }));

/** Arrays shaped like OCPP-J frames: a message type, an id, then anything. */
const frameShaped: fc.Arbitrary<Frame> = fc
  .tuple(
    fc.oneof(fc.integer({ min: -1, max: 8 }), fc.integer(), fc.anything()),
    fc.oneof(fc.string(), fc.string({ minLength: 30, maxLength: 40 }), fc.anything()),
    fc.oneof(
      fc.constantFrom("Heartbeat", "BootNotification", "Reset", ""),
      fc.string(),
      fc.anything(),
    ),
    fc.oneof(fc.constant({}), fc.dictionary(fc.string(), fc.jsonValue()), fc.anything()),
    fc.array(fc.anything(), { maxLength: 3 }),
  )
  .map(([type, id, method, params, rest]) => ({
    text: stringify([type, id, method, params, ...rest]),
  }));

/** Well-formed calls and responses with arbitrary content: the dispatch paths, not the decoder. */
const wellFormed: fc.Arbitrary<Frame> = fc
  .oneof(
    fc.tuple(
      fc.constant(2),
      fc.string({ minLength: 1, maxLength: 36 }),
      fc.constantFrom("Heartbeat", "DataTransfer", "X"),
      fc.jsonValue(),
    ),
    fc.tuple(fc.constant(3), fc.string({ minLength: 1, maxLength: 36 }), fc.jsonValue()),
    fc.tuple(
      fc.constant(4),
      fc.string({ minLength: 1, maxLength: 36 }),
      fc.string(),
      fc.string(),
      fc.jsonValue(),
    ),
    fc.tuple(
      fc.constantFrom(5, 6),
      fc.string({ minLength: 1, maxLength: 36 }),
      fc.string(),
      fc.jsonValue(),
      fc.jsonValue(),
    ),
  )
  .map((frame) => ({ text: stringify(frame) }));

const binaryFrames: fc.Arbitrary<Frame> = fc
  .uint8Array({ maxLength: 64 })
  .map((bytes) => ({ bytes }));

interface Harness {
  peer: BarePeer;
  serverClient: OCPPServerClient;
  counts: { handled: number; bad: number; serverErrors: number };
}

async function harness(options: ServerOptions, protocol: string): Promise<Harness> {
  const { server, url } = await peers.server({
    ...options,
    protocols: [protocol],
    pingIntervalMs: 0,
    // Unhandled CALLs are answered at once, so a probe's answer comes after theirs.
    handlerGraceMs: 0,
  });
  const counts = { handled: 0, bad: 0, serverErrors: 0 };
  server.on("error", () => counts.serverErrors++);
  const connected = new Promise<OCPPServerClient>((resolve) => server.once("client", resolve));
  const peer = await peers.bareClient(url, "FUZZ", [protocol]);
  const serverClient = await connected;
  serverClient.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
  serverClient.on("call", (e) => !e.outbound && counts.handled++);
  serverClient.on("send", (e) => !e.outbound && counts.handled++);
  serverClient.on("callResultError", () => counts.handled++);
  serverClient.on("badMessage", () => counts.bad++);
  serverClient.on("error", () => counts.serverErrors++);
  return { peer, serverClient, counts };
}

let probeCounter = 0;

/** Sends a good Heartbeat CALL and waits for its CALLRESULT, skipping answers to fuzz frames. */
async function probe(h: Harness): Promise<void> {
  const id = `probe-${++probeCounter}-${Math.random().toString(36).slice(2, 10)}`;
  h.peer.send([2, id, "Heartbeat", {}]);
  for (;;) {
    const frame = JSON.parse(await h.peer.next(2000)) as unknown[];
    if (frame[1] !== id) continue;
    expect(frame[0]).toBe(3);
    expect(typeof (frame[2] as { currentTime?: unknown }).currentTime).toBe("string");
    return;
  }
}

async function runBatches(h: Harness, frames: fc.Arbitrary<Frame>, numRuns: number): Promise<void> {
  let expected = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(frames, { minLength: 1, maxLength: 5 }), async (batch) => {
      for (const frame of batch) {
        if ("bytes" in frame) {
          h.peer.ws.send(frame.bytes, { binary: true });
          expected++;
        } else {
          h.peer.send(frame.text);
          // An empty text frame is a keep-alive some stations send; the library ignores it by design.
          if (frame.text.length > 0) expected++;
        }
      }
      await probe(h);
      expected++;
      expect(h.counts.handled + h.counts.bad).toBe(expected);
      expect(h.serverClient.state).toBe(ConnectionState.OPEN);
      expect(h.counts.serverErrors).toBe(0);
      expect(processErrors).toEqual([]);
    }),
    { numRuns },
  );
}

describe("OCPPServer under arbitrary frames from a live station", () => {
  it("survives arbitrary text: strings, full unicode, JSON and JSON-ified values (ocpp1.6)", async () => {
    const h = await harness({}, "ocpp1.6");
    await runBatches(h, textFrames, 200);
  });

  it("survives frame-shaped arrays (ocpp1.6)", async () => {
    const h = await harness({}, "ocpp1.6");
    await runBatches(h, frameShaped, 200);
  });

  it("survives frame-shaped arrays and well-formed frames with strict mode on (ocpp2.0.1)", async () => {
    const h = await harness({ strictMode: true }, "ocpp2.0.1");
    await runBatches(h, fc.oneof(frameShaped, wellFormed), 150);
  });

  it("survives well-formed frames of every type, SEND and CALLRESULTERROR included (ocpp2.1)", async () => {
    const h = await harness({}, "ocpp2.1");
    await runBatches(h, fc.oneof(wellFormed, frameShaped), 150);
  });

  it("closes with 1003 on any binary frame and keeps serving other stations", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], pingIntervalMs: 0 });
    let serverErrors = 0;
    server.on("error", () => serverErrors++);
    await fc.assert(
      fc.asyncProperty(binaryFrames, async (frame) => {
        const peer = await peers.bareClient(url, "BIN", ["ocpp1.6"]);
        peer.ws.send("bytes" in frame ? frame.bytes : frame.text, { binary: true });
        expect((await peer.closed).code).toBe(1003);
      }),
      { numRuns: 25 },
    );
    const h = await harness({}, "ocpp1.6");
    await runBatches(h, textFrames, 20);
    expect(serverErrors).toBe(0);
    expect(processErrors).toEqual([]);
  });

  it("answers every CALL with a readable id exactly once", async () => {
    const h = await harness({}, "ocpp1.6");
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 36 }),
        fc.jsonValue(),
        async (id, params) => {
          const start = h.peer.received.length;
          h.peer.send([2, id, "DataTransfer", params]);
          await probe(h);
          const answers = h.peer.received
            .slice(start)
            .map((f) => JSON.parse(f) as unknown[])
            .filter((f) => f[1] === id);
          expect(answers).toHaveLength(1);
          expect([3, 4]).toContain(answers[0]![0]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
