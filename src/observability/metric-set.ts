import type { Registry } from "prom-client";
import type { EventAdapterInterface } from "../cluster/contract.js";
import type { NodeStats } from "../server/clustered-server.js";
import type { OCPPServerClient } from "../server/ocpp-server-client.js";
import {
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
  type Labels,
  type RegistryMetric,
} from "./metric-families.js";
import { MethodLabels } from "./metric-labels.js";

type PromClient = typeof import("prom-client");

/** From 5 ms to 60 s: stations often take 30 s or more before a call times out. */
export const CALL_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

/** A prom-client default metric: its presence means collectDefaultMetrics() already ran. */
const DEFAULT_METRIC_PROBE = "process_cpu_user_seconds_total";

const sets = new WeakMap<Registry, MetricSet>();

/** What the gauges read of a server (an OCPPServer of any protocols). */
export interface GaugeSource {
  readonly clients: Iterable<Pick<OCPPServerClient, "protocol" | "inbound" | "outbound">>;
  readonly adapter: EventAdapterInterface | undefined;
  stats(): NodeStats;
}

/**
 * The ocpp_* metrics of one registry, shared by every server that reports to it (a second
 * server on the same registry adds to the same series rather than registering twice).
 * Counters are bumped by the servers' observers; gauges are read from the servers when
 * scraped.
 */
export class MetricSet {
  readonly connectionsOpened = new CounterFamily(
    "ocpp_connections_opened_total",
    "Station connections accepted.",
    ["protocol"],
  );
  readonly connectionsClosed = new CounterFamily(
    "ocpp_connections_closed_total",
    "Station connections closed, by close code (1000-1015 as is, else 3xxx/4xxx).",
    ["protocol", "code"],
  );
  readonly handshakesRejected = new CounterFamily(
    "ocpp_handshake_rejected_total",
    "WebSocket upgrades refused before a connection was accepted.",
    ["reason"],
  );
  readonly calls = new CounterFamily(
    "ocpp_calls_total",
    "CALLs settled, by direction (in: from the station) and outcome.",
    ["direction", "protocol", "method", "outcome"],
  );
  readonly callDuration = new HistogramFamily(
    "ocpp_call_duration_seconds",
    "Time from a CALL to its CALLRESULT, CALLERROR or timeout.",
    ["direction", "method", "outcome"],
    CALL_DURATION_BUCKETS,
  );
  readonly callErrors = new CounterFamily(
    "ocpp_call_errors_total",
    "CALLERRORs sent (direction in) or received (direction out), by OCPP-J error code.",
    ["direction", "method", "code"],
  );
  readonly badMessages = new CounterFamily(
    "ocpp_bad_messages_total",
    "Malformed or unexpected frames received.",
    [],
  );
  readonly validationFailures = new CounterFamily(
    "ocpp_validation_failures_total",
    "Messages refused (or let through, lenient) by strict mode.",
    ["direction", "method"],
  );
  readonly rateLimited = new CounterFamily(
    "ocpp_rate_limited_total",
    "Station CALLs over the rateLimit option, by what was done.",
    ["action"],
  );
  readonly backpressure = new CounterFamily(
    "ocpp_backpressure_total",
    "Times reading from a station was paused because it did not read what it was sent.",
    [],
  );
  readonly methods = new MethodLabels();
  /** The servers reporting here (their gauges are read when scraped). */
  readonly servers = new Set<GaugeSource>();
  private readonly noLabels = this.badMessages.cell({});

  private readonly gauges: RegistryMetric[] = [
    new GaugeFamily("ocpp_connections", "Stations connected now.", () => this.readConnections()),
    new GaugeFamily("ocpp_send_buffered_bytes", "Bytes queued to stations, not yet sent.", () =>
      this.readSum((server) => server.stats().webSockets.bufferedAmount),
    ),
    new GaugeFamily("ocpp_pending_calls", "CALLs waiting for their answer, by direction.", () =>
      this.readPending(),
    ),
    new GaugeFamily("ocpp_cluster_nodes", "Live cluster nodes as this node sees them.", () =>
      this.readCluster((server) => server.stats().cluster?.liveNodes),
    ),
    new GaugeFamily("ocpp_cluster_ready", "1 while the cluster adapter reaches its backend.", () =>
      this.readCluster((server) => (server.adapter ? Number(server.adapter.isReady()) : undefined)),
    ),
  ];

  /**
   * The set of `registry`, made and registered on first use. Throws when the registry
   * already holds a metric of one of these names that is not this library's.
   */
  static of(registry: Registry, prom: PromClient, defaultMetrics: boolean): MetricSet {
    let set = sets.get(registry);
    if (!set) {
      set = new MetricSet();
      set.register(registry);
      sets.set(registry, set);
    }
    if (defaultMetrics && !registry.getSingleMetric(DEFAULT_METRIC_PROBE)) {
      prom.collectDefaultMetrics({ register: registry });
    }
    return set;
  }

  /** One more bad message. */
  badMessage(): void {
    this.noLabels.value++;
  }

  private register(registry: Registry): void {
    const all: RegistryMetric[] = [
      this.connectionsOpened,
      this.connectionsClosed,
      this.handshakesRejected,
      this.calls,
      this.callDuration,
      this.callErrors,
      this.badMessages,
      this.validationFailures,
      this.rateLimited,
      this.backpressure,
      ...this.gauges,
    ];
    const taken = all.find((metric) => registry.getSingleMetric(metric.name));
    if (taken) {
      throw new TypeError(
        `metrics: the registry already has a metric named '${taken.name}' that ocpp-ws-io did not register`,
      );
    }
    // The registry reads only get() and reset() of a metric (and its name).
    for (const metric of all) registry.registerMetric(metric as never);
  }

  private readConnections() {
    const byProtocol = new Map<string, number>();
    for (const server of this.servers) {
      for (const client of server.clients) {
        const protocol = client.protocol ?? "none";
        byProtocol.set(protocol, (byProtocol.get(protocol) ?? 0) + 1);
      }
    }
    return [...byProtocol].map(([protocol, value]) => ({ labels: { protocol }, value }));
  }

  private readPending() {
    let inbound = 0;
    let outbound = 0;
    for (const server of this.servers) {
      for (const client of server.clients) {
        inbound += client.inbound.size;
        outbound += client.outbound.inFlight;
      }
    }
    return [
      { labels: { direction: "in" }, value: inbound },
      { labels: { direction: "out" }, value: outbound },
    ];
  }

  private readSum(read: (server: GaugeSource) => number) {
    let value = 0;
    for (const server of this.servers) value += read(server);
    return [{ labels: {} as Labels, value }];
  }

  /** A cluster figure: the lowest among the servers with an adapter; none without. */
  private readCluster(read: (server: GaugeSource) => number | undefined) {
    let value: number | undefined;
    for (const server of this.servers) {
      const v = read(server);
      if (v !== undefined) value = value === undefined ? v : Math.min(value, v);
    }
    return value === undefined ? [] : [{ labels: {} as Labels, value }];
  }
}
