import type { ClusterOptions } from "./contract.js";

export interface ResolvedClusterOptions {
  nodeName: string | undefined;
  heartbeatIntervalMs: number;
  nodeLossAfterMs: number;
  presenceTtlMs: number;
  maxRememberedRequests: number;
}

export const CLUSTER_DEFAULTS: Omit<ResolvedClusterOptions, "nodeName"> = {
  heartbeatIntervalMs: 1000,
  nodeLossAfterMs: 3000,
  presenceTtlMs: 60_000,
  maxRememberedRequests: 100_000,
};

function positiveInt(name: keyof ClusterOptions, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new RangeError(`setAdapter(): options.${name} must be an integer >= ${min}`);
  }
  return value;
}

/** Merges and checks the cluster options once (setAdapter's second argument). */
export function resolveClusterOptions(options: ClusterOptions): Readonly<ResolvedClusterOptions> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("setAdapter(): options must be an object");
  }
  const known = new Set(["nodeName", ...Object.keys(CLUSTER_DEFAULTS)]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new TypeError(`setAdapter(): unknown option '${key}'`);
  }
  const merged = { ...CLUSTER_DEFAULTS, ...options };
  if (
    merged.nodeName !== undefined &&
    (typeof merged.nodeName !== "string" || !/^[\w.-]{1,64}$/.test(merged.nodeName))
  ) {
    throw new TypeError(
      "setAdapter(): options.nodeName must be 1-64 letters, digits, '_', '.' or '-'",
    );
  }
  const heartbeatIntervalMs = positiveInt("heartbeatIntervalMs", merged.heartbeatIntervalMs, 50);
  const nodeLossAfterMs = positiveInt("nodeLossAfterMs", merged.nodeLossAfterMs, 1);
  if (nodeLossAfterMs < 2 * heartbeatIntervalMs) {
    throw new RangeError(
      "setAdapter(): options.nodeLossAfterMs must be at least twice options.heartbeatIntervalMs",
    );
  }
  return Object.freeze({
    nodeName: merged.nodeName,
    heartbeatIntervalMs,
    nodeLossAfterMs,
    presenceTtlMs: positiveInt("presenceTtlMs", merged.presenceTtlMs, 1000),
    maxRememberedRequests: positiveInt("maxRememberedRequests", merged.maxRememberedRequests, 1),
  });
}
