import type { Registry } from "prom-client";
import type { OCPPServer } from "../server/ocpp-server.js";
import type { ResolvedServerOptions } from "../server/server-options.js";
import { ConnectionObserver } from "./connection-observer.js";
import { handshakeRejectionReason } from "./metric-labels.js";
import { MetricSet } from "./metric-set.js";
import { effectiveMetrics, type MetricsSettings } from "./metrics-options.js";

/** A server's metrics once prom-client has loaded. */
export interface ServerMetrics {
  readonly registry: Registry;
}

interface Started {
  readonly settings: MetricsSettings;
  /** Undefined when they could not start (reported as the server's 'error'). */
  readonly ready: Promise<ServerMetrics | undefined>;
}

/** Keyed by the server (an OCPPServer of any protocols). */
const started = new WeakMap<object, Started>();

/**
 * Checks what `options` ask of metrics against what runs, and returns the step that starts
 * them (run once every other option is checked too). Once on, metrics stay on (options that
 * no longer ask for them change nothing); their registry cannot change.
 */
export function planMetrics<P extends string>(
  server: OCPPServer<P>,
  options: Readonly<Pick<ResolvedServerOptions, "metrics" | "healthEndpoint">>,
): () => void {
  const wanted = effectiveMetrics(options);
  const running = started.get(server);
  if (running) {
    if (wanted && wanted.registry !== running.settings.registry) {
      throw new TypeError(
        "reconfigure(): option 'metrics.registry' cannot change once metrics are on",
      );
    }
    return () => undefined;
  }
  if (!wanted) return () => undefined;
  return () => started.set(server, { settings: wanted, ready: startMetrics(server, wanted) });
}

/** The server's metrics, or undefined when they are off. */
export function metricsOf<P extends string>(
  server: OCPPServer<P>,
): Promise<ServerMetrics | undefined> | undefined {
  return started.get(server)?.ready;
}

/** Loads prom-client (only now: the core import stays light) and subscribes to `server`. */
async function startMetrics<P extends string>(
  server: OCPPServer<P>,
  settings: MetricsSettings,
): Promise<ServerMetrics | undefined> {
  try {
    const prom = await import("prom-client");
    const registry = settings.registry ?? new prom.Registry();
    observeServer(server, MetricSet.of(registry, prom, settings.defaultMetrics));
    return { registry };
  } catch (err) {
    reportFailure(server, err);
    return undefined;
  }
}

/**
 * Listeners on the server and on each station connection it accepts; nothing is added to the
 * engine, and with metrics off none of this exists.
 */
function observeServer<P extends string>(server: OCPPServer<P>, set: MetricSet): void {
  // Closed before prom-client loaded: nothing to observe, and 'close' will not come again.
  if (server.stats().state !== "open") return;
  set.servers.add(server);
  let failed = false;
  const onFailure = (err: unknown) => {
    // A bug here must not flood the application: reported once per server.
    if (failed) return;
    failed = true;
    reportFailure(server, err);
  };
  server.on("client", (client) => {
    try {
      new ConnectionObserver(set, client, onFailure);
    } catch (err) {
      onFailure(err);
    }
  });
  server.on("securityEvent", (event) => {
    try {
      const reason = handshakeRejectionReason(event);
      if (reason) set.handshakesRejected.cell({ reason }).value++;
    } catch (err) {
      onFailure(err);
    }
  });
  server.on("rateLimitExceeded", (event) => {
    try {
      set.rateLimited.cell({ action: event.outcome }).value++;
    } catch (err) {
      onFailure(err);
    }
  });
  const paused = set.backpressure.cell({});
  server.on("backpressure", () => paused.value++);
  server.once("close", () => set.servers.delete(server));
}

function reportFailure<P extends string>(server: OCPPServer<P>, err: unknown): void {
  const reason = err instanceof Error ? err.message : String(err);
  const error = new Error(`metrics: ${reason}`, { cause: err });
  if (server.listenerCount("error")) server.emit("error", error);
}
