import type { Registry } from "prom-client";
import { describe } from "../rpc/options.js";

/**
 * The `metrics` server option: `true` for a Registry of the server's own, or a Registry of
 * yours. prom-client is loaded only when metrics are on.
 */
export type MetricsOptions =
  | boolean
  | {
      /** Where the metrics are registered; default a Registry of the server's own. */
      registry?: Registry;
      /**
       * Also register prom-client's process metrics (`collectDefaultMetrics`), once per
       * registry. Default true with the server's own Registry, false with yours.
       */
      defaultMetrics?: boolean;
    };

/** `metrics` checked: what to register where (`registry` undefined: the server's own). */
export interface MetricsSettings {
  readonly registry: Registry | undefined;
  readonly defaultMetrics: boolean;
}

const REGISTRY_METHODS = ["metrics", "registerMetric", "getSingleMetric"] as const;

function isRegistry(value: unknown): value is Registry {
  const r = value as Record<string, unknown> | null;
  return (
    typeof r === "object" &&
    r !== null &&
    REGISTRY_METHODS.every((m) => typeof r[m] === "function") &&
    typeof r.contentType === "string"
  );
}

/** Checks the `metrics` option; false when metrics are off. */
export function resolveMetrics(value: unknown): MetricsSettings | false {
  if (value === false) return false;
  if (value === true) return Object.freeze({ registry: undefined, defaultMetrics: true });
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `option 'metrics' must be a boolean or an object { registry?, defaultMetrics? }, got ${describe(value)}`,
    );
  }
  const { registry, defaultMetrics, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new TypeError(`option 'metrics': unknown key '${unknown[0]}'`);
  }
  if (registry !== undefined && !isRegistry(registry)) {
    throw new TypeError(
      `option 'metrics.registry' must be a prom-client Registry, got ${describe(registry)}`,
    );
  }
  if (defaultMetrics !== undefined && typeof defaultMetrics !== "boolean") {
    throw new TypeError(
      `option 'metrics.defaultMetrics' must be a boolean, got ${describe(defaultMetrics)}`,
    );
  }
  return Object.freeze({
    registry,
    defaultMetrics: defaultMetrics ?? registry === undefined,
  });
}

/** What the server runs: `metrics`, or a Registry of its own when only `healthEndpoint` is on. */
export function effectiveMetrics(options: {
  readonly metrics: MetricsSettings | false;
  readonly healthEndpoint: boolean;
}): MetricsSettings | false {
  if (options.metrics) return options.metrics;
  return options.healthEndpoint ? resolveMetrics(true) : false;
}
