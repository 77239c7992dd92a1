import { availableParallelism } from "node:os";
import { checkNumber, describe } from "../rpc/options.js";

/** The `workerThreads` server option in its object form (seed 002). */
export interface WorkerThreadsOptions {
  /** Worker threads in the pool. Default: the machine's cores minus one (at least 1). */
  poolSize?: number;
  /**
   * Frames waiting for a worker, across all connections, before reading stops on the socket
   * that brought the next one (it reads again once half of them are done). Default 256.
   */
  maxQueueSize?: number;
  /** Smaller frames are checked on the main thread (posting them costs more than it saves). Default 32768. */
  minFrameBytes?: number;
}

export type ResolvedWorkerThreads = Readonly<Required<WorkerThreadsOptions>>;

const DEFAULT_MAX_QUEUE_SIZE = 256;
/**
 * Below this, posting a frame to a worker and taking its verdict back costs the main thread
 * more than the strict-mode check it saves; above it, about as much in the best runs of
 * bench/workers.mjs (README, "Worker threads").
 */
const DEFAULT_MIN_FRAME_BYTES = 32 * 1024;

const KEYS = ["poolSize", "maxQueueSize", "minFrameBytes"] as const;

/** Checks the `workerThreads` option: false (off), true (the defaults) or an object over them. */
export function resolveWorkerThreads(value: unknown): ResolvedWorkerThreads | false {
  if (value === false) return false;
  const defaults: Required<WorkerThreadsOptions> = {
    poolSize: Math.max(1, availableParallelism() - 1),
    maxQueueSize: DEFAULT_MAX_QUEUE_SIZE,
    minFrameBytes: DEFAULT_MIN_FRAME_BYTES,
  };
  if (value === true) return Object.freeze(defaults);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `option 'workerThreads' must be a boolean or an object { ${KEYS.join(", ")} }, got ${describe(value)}`,
    );
  }
  const input = value as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new TypeError(
      `option 'workerThreads': unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}`,
    );
  }
  const out = { ...defaults };
  for (const key of KEYS) {
    const v = input[key];
    if (v === undefined) continue;
    checkNumber(`workerThreads.${key}`, v, key === "minFrameBytes" ? 0 : 1, true);
    if (key !== "minFrameBytes" && !Number.isFinite(v)) {
      throw new RangeError(`option 'workerThreads.${key}' must be finite, got ${v as number}`);
    }
    out[key] = v as number;
  }
  return Object.freeze(out);
}
