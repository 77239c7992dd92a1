import { availableParallelism } from "node:os";
import { checkNumber } from "../rpc/options.js";

/** `workerThreads` as an object (seed 002: `{ poolSize, maxQueueSize }`). */
export interface WorkerThreadsOptions {
  /** Worker threads in the pool. Default: the cores less one (at least 1). */
  poolSize?: number;
  /**
   * Frames waiting for a free worker, every connection together. When it is full, a frame is
   * validated on the main thread instead: nothing waits longer and nothing is dropped.
   * Default 1024.
   */
  maxQueueSize?: number;
  /**
   * Smallest CALL frame (bytes) sent to the pool; smaller ones are cheaper to check inline
   * than to post to a thread. Default 16384.
   */
  minFrameBytes?: number;
}

export type ResolvedWorkerThreads = Readonly<Required<WorkerThreadsOptions>>;

const KEYS = ["poolSize", "maxQueueSize", "minFrameBytes"] as const;

/** Checks the `workerThreads` option (true: the defaults; false: off). */
export function resolveWorkerThreads(input: unknown): ResolvedWorkerThreads | false {
  if (input === false) return false;
  const defaults: ResolvedWorkerThreads = {
    poolSize: Math.max(1, availableParallelism() - 1),
    maxQueueSize: 1024,
    minFrameBytes: 16_384,
  };
  if (input === true) return Object.freeze(defaults);
  if (typeof input !== "object" || input === null) {
    throw new TypeError(
      "option 'workerThreads' must be a boolean or an object { poolSize?, maxQueueSize?, minFrameBytes? }",
    );
  }
  const given = input as Record<string, unknown>;
  const unknown = Object.keys(given).find((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown !== undefined)
    throw new TypeError(`option 'workerThreads': unknown key '${unknown}'`);
  const out = { ...defaults, ...given } as Required<WorkerThreadsOptions>;
  checkNumber("workerThreads.poolSize", out.poolSize, 1, true);
  checkNumber("workerThreads.maxQueueSize", out.maxQueueSize, 0, true);
  checkNumber("workerThreads.minFrameBytes", out.minFrameBytes, 0, true);
  for (const key of KEYS) {
    if (!Number.isFinite(out[key])) {
      throw new RangeError(`option 'workerThreads.${key}' must be finite, got ${out[key]}`);
    }
  }
  return Object.freeze(out);
}
