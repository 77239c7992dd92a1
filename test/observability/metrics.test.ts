import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import {
  OCPPServer,
  RPCNotSupportedError,
  RPCSecurityError,
  TimeoutError,
  type OCPPServerClient,
} from "../../src/index.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";
import { parseExposition, samplesOf, valueOf, type Sample } from "../helpers/prometheus.js";

const peers = new Peers();
afterEach(() => peers.closeAll(), 5000);

async function scrape(port: number): Promise<{ samples: Sample[]; text: string; type: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return { samples: parseExposition(text), text, type: response.headers.get("content-type")! };
}

/** A server with healthEndpoint on, its handlers, and a connected station with its own. */
async function stationAndServer(options = {}) {
  const { server, port, url } = await peers.server({
    protocols: ["ocpp1.6"],
    healthEndpoint: true,
    ...options,
  });
  server.auth((accept, reject, handshake) =>
    handshake.identity === "CP-REFUSED" ? reject(401) : accept(),
  );
  server.on("client", (client) => {
    client.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
    client.handle("Authorize", () => {
      throw new RPCSecurityError("unknown tag");
    });
  });
  const accepted = waitFor<OCPPServerClient>(server, "client");
  const station = peers.client({ endpoint: url, identity: "CP-METRICS", protocols: ["ocpp1.6"] });
  station.handle("Reset", () => ({ status: "Accepted" }));
  station.handle("GetConfiguration", () => {
    throw new RPCNotSupportedError("not here");
  });
  // Never answers: the CSMS's call times out.
  station.handle("TriggerMessage", () => new Promise<never>(() => undefined));
  await station.connect();
  return { server, port, url, station, serverClient: await accepted };
}

describe("metrics: /metrics after known traffic", () => {
  it("counts calls both ways by outcome, errors by code, durations, connections, refusals", async () => {
    const { port, url, station, serverClient } = await stationAndServer();
    for (let i = 0; i < 3; i++) await station.call("Heartbeat", {});
    await expect(station.call("Authorize", { idTag: "T1" })).rejects.toThrow("unknown tag");
    await serverClient.call("Reset", { type: "Soft" });
    await serverClient.call("Reset", { type: "Hard" });
    await expect(serverClient.call("GetConfiguration", {})).rejects.toThrow("not here");
    await expect(
      serverClient.call("TriggerMessage", { requestedMessage: "Heartbeat" }, { timeoutMs: 60 }),
    ).rejects.toBeInstanceOf(TimeoutError);
    const badMessage = waitFor(serverClient, "badMessage");
    station.sendRaw("not json");
    await badMessage;
    const refused = peers.client({ endpoint: url, identity: "CP-REFUSED", protocols: ["ocpp1.6"] });
    await expect(refused.connect()).rejects.toThrow();

    const { samples, text, type } = await scrape(port);
    expect(type).toBe(Registry.PROMETHEUS_CONTENT_TYPE);
    const calls = (direction: string, method: string, outcome: string) =>
      valueOf(samples, "ocpp_calls_total", { direction, protocol: "ocpp1.6", method, outcome });
    expect(calls("in", "Heartbeat", "result")).toBe(3);
    expect(calls("in", "Authorize", "error")).toBe(1);
    expect(calls("out", "Reset", "result")).toBe(2);
    expect(calls("out", "GetConfiguration", "error")).toBe(1);
    expect(calls("out", "TriggerMessage", "timeout")).toBe(1);
    expect(samplesOf(samples, "ocpp_calls_total")).toHaveLength(5);

    expect(
      valueOf(samples, "ocpp_call_errors_total", {
        direction: "in",
        method: "Authorize",
        code: "SecurityError",
      }),
    ).toBe(1);
    expect(
      valueOf(samples, "ocpp_call_errors_total", {
        direction: "out",
        method: "GetConfiguration",
        code: "NotSupported",
      }),
    ).toBe(1);
    expect(samplesOf(samples, "ocpp_call_errors_total")).toHaveLength(2);

    const duration = (suffix: string, labels: Record<string, string>) =>
      valueOf(samples, `ocpp_call_duration_seconds_${suffix}`, labels);
    const heartbeat = { direction: "in", method: "Heartbeat", outcome: "result" };
    expect(duration("count", heartbeat)).toBe(3);
    expect(duration("bucket", { ...heartbeat, le: "+Inf" })).toBe(3);
    expect(duration("bucket", { ...heartbeat, le: "60" })).toBe(3);
    const timeout = { direction: "out", method: "TriggerMessage", outcome: "timeout" };
    expect(duration("count", timeout)).toBe(1);
    // Timed out after 60 ms: not in the 5 ms, 10 ms, 25 ms or 50 ms buckets.
    expect(duration("bucket", { ...timeout, le: "0.05" })).toBe(0);
    expect(duration("bucket", { ...timeout, le: "0.1" })).toBe(1);
    // Timers run on the event loop's cached clock, so one can fire up to a millisecond before
    // 60 ms of performance.now() time have passed.
    expect(duration("sum", timeout)).toBeGreaterThanOrEqual(0.058);

    expect(valueOf(samples, "ocpp_connections", { protocol: "ocpp1.6" })).toBe(1);
    expect(valueOf(samples, "ocpp_connections_opened_total", { protocol: "ocpp1.6" })).toBe(1);
    expect(valueOf(samples, "ocpp_handshake_rejected_total", { reason: "auth" })).toBe(1);
    expect(samplesOf(samples, "ocpp_handshake_rejected_total")).toHaveLength(1);
    expect(valueOf(samples, "ocpp_bad_messages_total")).toBe(1);
    expect(valueOf(samples, "ocpp_pending_calls", { direction: "in" })).toBe(0);
    expect(valueOf(samples, "ocpp_pending_calls", { direction: "out" })).toBe(0);
    expect(valueOf(samples, "ocpp_send_buffered_bytes")).toBe(0);
    // The server's own Registry carries prom-client's process metrics too.
    expect(valueOf(samples, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    // No series per station.
    expect(text).not.toContain("CP-METRICS");
  });

  it("counts a closed connection by close code and drops it from ocpp_connections", async () => {
    const { port, station, serverClient } = await stationAndServer();
    const closed = waitFor(serverClient, "close");
    await station.close({ code: 4010, reason: "bye" });
    await closed;
    const { samples } = await scrape(port);
    expect(
      valueOf(samples, "ocpp_connections_closed_total", { protocol: "ocpp1.6", code: "4xxx" }),
    ).toBe(1);
    expect(samplesOf(samples, "ocpp_connections_closed_total")).toHaveLength(1);
    expect(valueOf(samples, "ocpp_connections", { protocol: "ocpp1.6" }) ?? 0).toBe(0);
  });

  it("labels other methods as themselves once answered, up to 64, then 'other'", async () => {
    const { port, serverClient, station } = await stationAndServer();
    // Made-up names the CSMS does not handle (NotImplemented) take no place.
    for (let i = 0; i < 5; i++) await expect(station.call(`Junk${i}`, {})).rejects.toThrow();
    station.handle(() => ({}));
    for (let i = 0; i < 70; i++) await serverClient.call(`Custom${i}`, {});
    const { samples } = await scrape(port);
    const custom = samplesOf(samples, "ocpp_calls_total").filter((s) =>
      s.labels.method!.startsWith("Custom"),
    );
    expect(custom).toHaveLength(64);
    expect(custom.every((s) => s.value === 1)).toBe(true);
    const other = (direction: string, outcome: string) =>
      valueOf(samples, "ocpp_calls_total", {
        direction,
        protocol: "ocpp1.6",
        method: "other",
        outcome,
      });
    expect(other("out", "result")).toBe(6);
    expect(other("in", "error")).toBe(5);
    expect(
      valueOf(samples, "ocpp_call_errors_total", {
        direction: "in",
        method: "other",
        code: "NotImplemented",
      }),
    ).toBe(5);
    expect(samplesOf(samples, "ocpp_calls_total").some((s) => s.labels.method === "Junk0")).toBe(
      false,
    );
  });

  it("counts rate-limited CALLs by what was done", async () => {
    const { port, station } = await stationAndServer({ rateLimit: { limit: 1, windowMs: 60_000 } });
    await station.call("Heartbeat", {});
    await expect(station.call("Heartbeat", {})).rejects.toThrow();
    const { samples } = await scrape(port);
    expect(valueOf(samples, "ocpp_rate_limited_total", { action: "refused" })).toBe(1);
    expect(
      valueOf(samples, "ocpp_call_errors_total", {
        direction: "in",
        method: "Heartbeat",
        code: "GenericError",
      }),
    ).toBe(1);
  });

  it("counts strict-mode refusals by direction and method", async () => {
    const { port, station, serverClient } = await stationAndServer({ strictMode: true });
    serverClient.handle("BootNotification", () => ({ status: "Accepted" }) as never);
    // A vendor that is not a string, and no model.
    await expect(
      station.call("BootNotification", { chargePointVendor: 5 } as never),
    ).rejects.toThrow();
    const { samples } = await scrape(port);
    expect(
      valueOf(samples, "ocpp_validation_failures_total", {
        direction: "in",
        method: "BootNotification",
      }),
    ).toBe(1);
  });
});

describe("metrics: registries", () => {
  it("registers in a user-supplied Registry, without process metrics unless asked", async () => {
    const registry = new Registry();
    const { url } = await peers.server({ protocols: ["ocpp1.6"], metrics: { registry } });
    await peers.client({ endpoint: url, identity: "CP-R", protocols: ["ocpp1.6"] }).connect();
    const samples = parseExposition(await registry.metrics());
    expect(valueOf(samples, "ocpp_connections_opened_total", { protocol: "ocpp1.6" })).toBe(1);
    expect(samplesOf(samples, "process_cpu_user_seconds_total")).toHaveLength(0);
  });

  it("lets two servers share one registry: same series, process metrics registered once", async () => {
    const registry = new Registry();
    const options = { protocols: ["ocpp1.6"], metrics: { registry, defaultMetrics: true } };
    const first = await peers.server(options);
    const second = await peers.server(options);
    await peers.client({ endpoint: first.url, identity: "A", protocols: ["ocpp1.6"] }).connect();
    await peers.client({ endpoint: second.url, identity: "B", protocols: ["ocpp1.6"] }).connect();
    const samples = parseExposition(await registry.metrics());
    expect(valueOf(samples, "ocpp_connections_opened_total", { protocol: "ocpp1.6" })).toBe(2);
    expect(valueOf(samples, "ocpp_connections", { protocol: "ocpp1.6" })).toBe(2);
    expect(samplesOf(samples, "process_cpu_user_seconds_total")).toHaveLength(1);
  });

  it("reports, as the server's 'error', a registry that holds another metric of the same name", async () => {
    const registry = new Registry();
    registry.registerMetric({
      name: "ocpp_calls_total",
      help: "someone else's",
      type: "counter",
      get: () => ({ name: "ocpp_calls_total", help: "", type: "counter", values: [] }),
      reset: () => undefined,
    } as never);
    const server = new OCPPServer({ metrics: { registry } });
    const error = waitFor<Error>(server, "error");
    expect((await error).message).toMatch(/already has a metric named 'ocpp_calls_total'/);
    await server.close();
  });

  it("checks the option at construction and refuses a new registry in reconfigure()", async () => {
    expect(() => new OCPPServer({ metrics: "yes" as never })).toThrow(/option 'metrics' must be/);
    expect(() => new OCPPServer({ metrics: { registry: {} as never } })).toThrow(
      /option 'metrics.registry' must be a prom-client Registry/,
    );
    expect(() => new OCPPServer({ metrics: { extra: 1 } as never })).toThrow(/unknown key 'extra'/);
    expect(() => new OCPPServer({ healthEndpoint: 1 as never })).toThrow(/healthEndpoint/);
    const server = new OCPPServer({ metrics: true });
    expect(() => server.reconfigure({ metrics: { registry: new Registry() } })).toThrow(
      /'metrics.registry' cannot change/,
    );
    server.reconfigure({ metrics: true, callTimeoutMs: 1000 });
    await server.close();
  });

  it("adds no listener to the server or its clients when metrics are off", async () => {
    // Logging off too: its lifecycle log listens to some of the same events.
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"], logging: false });
    const accepted = waitFor<OCPPServerClient>(server, "client");
    await peers.client({ endpoint: url, identity: "CP-OFF", protocols: ["ocpp1.6"] }).connect();
    const client = await accepted;
    expect(server.listenerCount("securityEvent")).toBe(0);
    expect(client.listenerCount("call")).toBe(0);
    expect(client.listenerCount("callResult")).toBe(0);
  });
});
