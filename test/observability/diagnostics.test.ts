import diagnostics_channel from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import {
  DIAGNOSTICS_CHANNELS as CH,
  OCPPServer,
  RPCSecurityError,
  type OCPPServerClient,
} from "../../src/index.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";
import { DiagnosticsRecorder } from "./diagnostics-recorder.js";

const peers = new Peers();
let recorder: DiagnosticsRecorder | undefined;
afterEach(async () => {
  recorder?.stop();
  recorder = undefined;
  await peers.closeAll();
}, 5000);

const PLAIN = [
  CH.connectionOpen,
  CH.connectionClose,
  CH.handshakeRefused,
  CH.message,
  CH.badMessage,
];
const CALL_EVENTS = ["start", "end", "asyncStart", "asyncEnd"].map((e) => `${CH.call}:${e}`);

async function stationAndServer(identity: string) {
  const { server, url } = await peers.server({ protocols: ["ocpp1.6"], logging: false });
  server.on("client", (client) => {
    client.handle("Heartbeat", () => ({ currentTime: "2026-01-01T00:00:00.000Z" }));
    client.handle("Authorize", () => {
      throw new RPCSecurityError("unknown tag");
    });
  });
  const accepted = waitFor<OCPPServerClient>(server, "client");
  const station = peers.client({ endpoint: url, identity, protocols: ["ocpp1.6"] });
  station.handle("Reset", () => ({ status: "Accepted" }));
  // Never answers: the CSMS's call times out.
  station.handle("TriggerMessage", () => new Promise<never>(() => undefined));
  await station.connect();
  return { server, url, station, serverClient: await accepted };
}

/** The tracing-channel events of one call, in order, for the side that published them. */
function callEvents(rec: DiagnosticsRecorder, messageId: string, side: string) {
  return rec.published.filter(
    (p) =>
      p.channel.startsWith(CH.call) && p.payload.messageId === messageId && p.payload.side === side,
  );
}

describe("diagnostics channels", () => {
  it("publish connection open and close on both sides, with identity and protocol", async () => {
    recorder = new DiagnosticsRecorder(PLAIN);
    const { station } = await stationAndServer("CP-DIAG-OPEN");
    await recorder.until((p) => p.channel === CH.connectionOpen && p.payload.side === "csms");
    expect(recorder.on(CH.connectionOpen, "CP-DIAG-OPEN")).toEqual(
      expect.arrayContaining([
        { side: "station", identity: "CP-DIAG-OPEN", protocol: "ocpp1.6" },
        { side: "csms", identity: "CP-DIAG-OPEN", protocol: "ocpp1.6" },
      ]),
    );
    await station.close({ code: 4001, reason: "bye" });
    await recorder.until((p) => p.channel === CH.connectionClose && p.payload.side === "csms");
    expect(recorder.on(CH.connectionClose, "CP-DIAG-OPEN")).toEqual(
      expect.arrayContaining([
        {
          side: "station",
          identity: "CP-DIAG-OPEN",
          protocol: "ocpp1.6",
          code: 4001,
          reason: "bye",
        },
        { side: "csms", identity: "CP-DIAG-OPEN", protocol: "ocpp1.6", code: 4001, reason: "bye" },
      ]),
    );
  });

  it("publish every frame in and out with direction and raw text", async () => {
    recorder = new DiagnosticsRecorder(PLAIN);
    const { station } = await stationAndServer("CP-DIAG-MSG");
    await station.call("Heartbeat", {});
    const messages = recorder.on(CH.message, "CP-DIAG-MSG");
    const call = messages.find((m) => m.side === "station" && m.direction === "out")!;
    expect(JSON.parse(call.message as string)).toEqual([2, expect.any(String), "Heartbeat", {}]);
    const id = (JSON.parse(call.message as string) as string[])[1];
    const result = `[3,"${id}",{"currentTime":"2026-01-01T00:00:00.000Z"}]`;
    expect(messages).toEqual([
      {
        side: "station",
        identity: "CP-DIAG-MSG",
        protocol: "ocpp1.6",
        direction: "out",
        message: call.message,
      },
      {
        side: "csms",
        identity: "CP-DIAG-MSG",
        protocol: "ocpp1.6",
        direction: "in",
        message: call.message,
      },
      {
        side: "csms",
        identity: "CP-DIAG-MSG",
        protocol: "ocpp1.6",
        direction: "out",
        message: result,
      },
      {
        side: "station",
        identity: "CP-DIAG-MSG",
        protocol: "ocpp1.6",
        direction: "in",
        message: result,
      },
    ]);
  });

  it("publish a bad message with its error code", async () => {
    recorder = new DiagnosticsRecorder(PLAIN);
    const { url } = await peers.server({ protocols: ["ocpp1.6"] });
    const bare = await peers.bareClient(url, "CP-DIAG-BAD");
    bare.send("not json");
    const bad = await recorder.until((p) => p.channel === CH.badMessage);
    expect(bad.payload).toMatchObject({
      side: "csms",
      identity: "CP-DIAG-BAD",
      protocol: "ocpp1.6",
      message: "not json",
      errorCode: "FormationViolation",
    });
    expect(bad.payload.error).toBeInstanceOf(Error);
  });

  it("publish a refused handshake with its reason and status", async () => {
    recorder = new DiagnosticsRecorder(PLAIN);
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], logging: false });
    server.auth((_accept, reject) => reject(401, "no such station"));
    const station = peers.client({
      endpoint: url,
      identity: "CP-DIAG-REFUSED",
      protocols: ["ocpp1.6"],
    });
    await expect(station.connect()).rejects.toThrow();
    const refused = await recorder.until((p) => p.channel === CH.handshakeRefused);
    expect(refused.payload).toMatchObject({
      type: "AUTH_FAILED",
      identity: "CP-DIAG-REFUSED",
      remoteAddress: "127.0.0.1",
      status: 401,
    });
    expect(refused.payload.reason).toEqual(expect.any(String));
    expect(refused.payload.reason).not.toBe("");
  });

  it("trace a CALL both ways: start, end, asyncStart, asyncEnd with the result and duration", async () => {
    recorder = new DiagnosticsRecorder([], [CH.call]);
    const { station, serverClient } = await stationAndServer("CP-DIAG-TRACE");
    await station.call("Heartbeat", {});
    const start = await recorder.until(
      (p) => p.channel === `${CH.call}:start` && p.payload.method === "Heartbeat",
    );
    const id = start.payload.messageId as string;
    await recorder.until(
      (p) =>
        p.channel === `${CH.call}:asyncEnd` &&
        p.payload.messageId === id &&
        p.payload.side === "csms",
    );
    for (const [side, direction] of [
      ["station", "out"],
      ["csms", "in"],
    ] as const) {
      const events = callEvents(recorder, id, side);
      expect(events.map((e) => e.channel)).toEqual(CALL_EVENTS);
      // The same context object from start to asyncEnd.
      expect(new Set(events.map((e) => e.payload)).size).toBe(1);
      expect(events[0]!.payload).toMatchObject({
        direction,
        identity: "CP-DIAG-TRACE",
        protocol: "ocpp1.6",
        method: "Heartbeat",
        messageId: id,
        result: { currentTime: "2026-01-01T00:00:00.000Z" },
      });
      expect(events[0]!.payload.durationMs).toBeGreaterThanOrEqual(0);
      expect(events[0]!.payload.error).toBeUndefined();
    }
    // The other way: the CSMS calls the station.
    await serverClient.call("Reset", { type: "Soft" });
    const reset = recorder.published.find((p) => p.payload.method === "Reset")!;
    const resetId = reset.payload.messageId as string;
    await recorder.until(
      (p) =>
        p.channel === `${CH.call}:asyncEnd` &&
        p.payload.messageId === resetId &&
        p.payload.side === "station",
    );
    expect(callEvents(recorder, resetId, "csms")[0]!.payload.direction).toBe("out");
    expect(callEvents(recorder, resetId, "station")[0]!.payload.direction).toBe("in");
  });

  it("trace a CALLERROR and a timeout as error events with their codes", async () => {
    recorder = new DiagnosticsRecorder([], [CH.call]);
    const { station, serverClient } = await stationAndServer("CP-DIAG-ERR");
    await expect(station.call("Authorize", { idTag: "T1" })).rejects.toThrow("unknown tag");
    const failed = await recorder.until(
      (p) => p.channel === `${CH.call}:error` && p.payload.side === "station",
    );
    expect(failed.payload).toMatchObject({
      method: "Authorize",
      direction: "out",
      errorCode: "SecurityError",
    });
    expect(
      callEvents(recorder, failed.payload.messageId as string, "station").map((e) => e.channel),
    ).toEqual([
      `${CH.call}:start`,
      `${CH.call}:end`,
      `${CH.call}:error`,
      `${CH.call}:asyncStart`,
      `${CH.call}:asyncEnd`,
    ]);
    await recorder.until((p) => p.channel === `${CH.call}:error` && p.payload.side === "csms");
    expect(
      recorder.published.find((p) => p.channel === `${CH.call}:error` && p.payload.side === "csms")!
        .payload,
    ).toMatchObject({
      method: "Authorize",
      direction: "in",
      errorCode: "SecurityError",
    });

    await expect(
      serverClient.call("TriggerMessage", { requestedMessage: "Heartbeat" }, { timeoutMs: 50 }),
    ).rejects.toThrow();
    const timedOut = await recorder.until(
      (p) =>
        p.channel === `${CH.call}:error` &&
        p.payload.method === "TriggerMessage" &&
        p.payload.side === "csms",
    );
    expect(timedOut.payload).toMatchObject({ direction: "out", errorCode: "ERR_CALL_TIMEOUT" });
    expect(timedOut.payload.durationMs).toBeGreaterThanOrEqual(40);
    // The station's handler never answered: its call ends when the connection closes.
    await station.close({ awaitPending: false });
    const closed = await recorder.until(
      (p) =>
        p.channel === `${CH.call}:error` &&
        p.payload.method === "TriggerMessage" &&
        p.payload.side === "station",
    );
    expect(closed.payload).toMatchObject({ direction: "in", errorCode: "ERR_CONNECTION_CLOSED" });
  });

  it("publish nothing once unsubscribed", async () => {
    recorder = new DiagnosticsRecorder(PLAIN, [CH.call]);
    const { station } = await stationAndServer("CP-DIAG-OFF");
    await station.call("Heartbeat", {});
    expect(recorder.on(CH.message, "CP-DIAG-OFF").length).toBe(4);
    recorder.stop();
    expect(diagnostics_channel.hasSubscribers(CH.message)).toBe(false);
    const before = recorder.published.length;
    await station.call("Heartbeat", {});
    await station.close();
    expect(recorder.published.length).toBe(before);
  });
});

describe("diagnostics channels with a server that is not listening", () => {
  it("never publish for a closed server", async () => {
    recorder = new DiagnosticsRecorder(PLAIN);
    const server = new OCPPServer({ protocols: ["ocpp1.6"] });
    await server.close();
    expect(recorder.published).toEqual([]);
  });
});
