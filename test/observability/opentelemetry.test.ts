import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RPCSecurityError, type OCPPServerClient } from "../../src/index.js";
import { instrumentOcpp } from "../../src/observability/opentelemetry.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";

const peers = new Peers();
let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;
let stop: () => void = () => undefined;

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  stop = instrumentOcpp({ tracerProvider: provider });
});
afterEach(async () => {
  stop();
  await peers.closeAll();
  await provider.shutdown();
}, 5000);

async function stationAndServer(identity: string) {
  const { server, url } = await peers.server({ protocols: ["ocpp1.6"], logging: false });
  server.on("client", (client) => {
    client.handle("Heartbeat", async () => {
      // Long enough for a duration that cannot round to zero.
      await new Promise((resolve) => setImmediate(resolve));
      return { currentTime: "2026-01-01T00:00:00.000Z" };
    });
    client.handle("Authorize", () => {
      throw new RPCSecurityError("unknown tag");
    });
  });
  const accepted = waitFor<OCPPServerClient>(server, "client");
  const station = peers.client({ endpoint: url, identity, protocols: ["ocpp1.6"], logging: false });
  station.handle("Reset", () => ({ status: "Accepted" }));
  station.handle("TriggerMessage", () => new Promise<never>(() => undefined));
  await station.connect();
  return { station, serverClient: await accepted };
}

function spansOf(identity: string, name: string): ReadableSpan[] {
  return exporter
    .getFinishedSpans()
    .filter((s) => s.attributes["ocpp.identity"] === identity && s.name === name);
}

/** The SDK's SpanKind and the API's are the same enum, declared in two packages. */
const isKind = (span: ReadableSpan, kind: SpanKind) => (span.kind as number) === (kind as number);

/** How far apart two spans' start anchors can be: Date.now()'s resolution. */
const CLOCK_ANCHOR_NS = 1_000_000n;

const nanos = ([s, ns]: readonly [number, number]) => BigInt(s) * 1_000_000_000n + BigInt(ns);

describe("instrumentOcpp", () => {
  it("makes a CLIENT and a SERVER span per CALL, with attributes and real, nested durations", async () => {
    const { station, serverClient } = await stationAndServer("CP-OTEL");
    await station.call("Heartbeat", {});
    await serverClient.call("Reset", { type: "Soft" });
    const heartbeat = spansOf("CP-OTEL", "ocpp.call Heartbeat");
    expect(heartbeat.map((s) => s.kind).sort()).toEqual([SpanKind.SERVER, SpanKind.CLIENT].sort());
    const client = heartbeat.find((s) => isKind(s, SpanKind.CLIENT))!;
    const server = heartbeat.find((s) => isKind(s, SpanKind.SERVER))!;
    expect(client.attributes).toMatchObject({
      "rpc.system": "ocpp",
      "rpc.method": "Heartbeat",
      "ocpp.identity": "CP-OTEL",
      "ocpp.protocol": "ocpp1.6",
      "ocpp.message_id": expect.any(String),
      "ocpp.direction": "out",
    });
    expect(server.attributes["ocpp.message_id"]).toBe(client.attributes["ocpp.message_id"]);
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    for (const span of [client, server]) expect(nanos(span.duration)).toBeGreaterThan(0n);
    // The server's handling lies inside the station's call. The SDK takes a span's start from
    // Date.now() (whole milliseconds) and its end as start + a high-resolution duration, so
    // times of two spans agree only to within 1 ms; durations are exact.
    expect(nanos(client.startTime)).toBeLessThanOrEqual(nanos(server.startTime) + CLOCK_ANCHOR_NS);
    expect(nanos(server.endTime)).toBeLessThanOrEqual(nanos(client.endTime) + CLOCK_ANCHOR_NS);
    expect(nanos(server.duration)).toBeLessThan(nanos(client.duration));

    const reset = spansOf("CP-OTEL", "ocpp.call Reset");
    expect(reset.find((s) => isKind(s, SpanKind.CLIENT))!.attributes["ocpp.direction"]).toBe("out");
    expect(reset.find((s) => isKind(s, SpanKind.SERVER))!.attributes["ocpp.direction"]).toBe("in");
  });

  it("marks CALLERRORs and timeouts as errors with their codes", async () => {
    const { station, serverClient } = await stationAndServer("CP-OTEL-ERR");
    await expect(station.call("Authorize", { idTag: "T" })).rejects.toThrow("unknown tag");
    await expect(
      serverClient.call("TriggerMessage", { requestedMessage: "Heartbeat" }, { timeoutMs: 30 }),
    ).rejects.toThrow();
    const authorize = spansOf("CP-OTEL-ERR", "ocpp.call Authorize");
    expect(authorize).toHaveLength(2);
    for (const span of authorize) {
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "unknown tag" });
      expect(span.attributes["ocpp.error_code"]).toBe("SecurityError");
    }
    const [timedOut] = spansOf("CP-OTEL-ERR", "ocpp.call TriggerMessage");
    expect(timedOut!.kind).toBe(SpanKind.CLIENT);
    expect(timedOut!.status.code).toBe(SpanStatusCode.ERROR);
    expect(timedOut!.attributes["ocpp.error_code"]).toBe("ERR_CALL_TIMEOUT");
    expect(nanos(timedOut!.duration)).toBeGreaterThanOrEqual(25_000_000n);
  });

  it("makes no spans once stopped", async () => {
    const { station } = await stationAndServer("CP-OTEL-OFF");
    stop();
    await station.call("Heartbeat", {});
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it("refuses a tracer that is not one", () => {
    expect(() => instrumentOcpp({ tracer: {} as never })).toThrow(
      "instrumentOcpp(): option 'tracer' must be an OpenTelemetry Tracer",
    );
  });
});
