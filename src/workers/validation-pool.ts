import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Piscina } from "piscina";
import { createRPCError } from "../protocol/errors.js";
import type { Logger } from "../observability/logger.js";
import type { PresetVerdict } from "../rpc/inbound/inbound-hook.js";
import type { ResolvedWorkerThreads } from "./worker-threads-options.js";
import type { VerifyTask, WorkerVerdict } from "./verdict.js";

type PiscinaModule = typeof import("piscina");

/** piscina is an optional peer dependency: loaded only when `workerThreads` is on. */
function loadPiscina(): PiscinaModule {
  try {
    return createRequire(import.meta.url)("piscina") as PiscinaModule;
  } catch (err) {
    throw new Error(
      "option 'workerThreads' needs the optional package piscina: npm install piscina",
      {
        cause: err,
      },
    );
  }
}

/** The worker module, built beside the entry points (tsup entry `workers/validation-worker`). */
function workerFile(): string {
  const file = fileURLToPath(new URL("./workers/validation-worker.js", import.meta.url));
  if (!existsSync(file)) {
    throw new Error(`option 'workerThreads': the worker module ${file} is missing from the build`);
  }
  return file;
}

/**
 * The server's pool of strict-mode workers (piscina), shared by every connection. It counts
 * the frames it holds; at `poolSize + maxQueueSize` it is full: callers check full() before
 * submitting and wait with whenRoom(), which fires once half of the queue has drained.
 * verify() never rejects: a worker that dies (piscina replaces it), a refused task or a
 * destroyed pool gives `undefined`, and the frame is checked on the main thread instead.
 */
export class ValidationPool {
  private readonly pool: Piscina<VerifyTask, WorkerVerdict>;
  private readonly capacity: number;
  private readonly lowMark: number;
  private held = 0;
  private waiting: Array<() => void> = [];
  private destroyed = false;

  constructor(
    readonly options: ResolvedWorkerThreads,
    private readonly onFailure: (error: Error) => void,
  ) {
    const { Piscina } = loadPiscina();
    this.pool = new Piscina<VerifyTask, WorkerVerdict>({
      filename: workerFile(),
      minThreads: options.poolSize,
      maxThreads: options.poolSize,
      maxQueue: options.maxQueueSize,
      // Threads stay up between bursts (starting one costs milliseconds); piscina unrefs idle
      // ones, so they never keep the process alive.
      idleTimeout: Infinity,
      recordTiming: false,
    });
    this.capacity = options.poolSize + options.maxQueueSize;
    this.lowMark = Math.floor(this.capacity / 2);
  }

  /** True when no more frames can be taken until some are done. */
  full(): boolean {
    return this.held >= this.capacity;
  }

  /** Calls `resume` once the pool has room again (half of its queue drained). */
  whenRoom(resume: () => void): void {
    this.waiting.push(resume);
  }

  /** The verdict of a worker on `frame`, or undefined when the main thread must check it. */
  async verify(protocol: string, frame: string): Promise<PresetVerdict | undefined> {
    this.held++;
    try {
      const verdict = await this.pool.run({ protocol, frame });
      if (verdict === 0) return undefined;
      const [messageId, method, code, description, details] = verdict;
      return {
        messageId,
        method,
        error: code === undefined ? undefined : createRPCError(code, description, details),
      };
    } catch (err) {
      if (!this.destroyed) this.onFailure(err instanceof Error ? err : new Error(String(err)));
      return undefined;
    } finally {
      this.held--;
      if (this.held <= this.lowMark && this.waiting.length > 0) this.release();
    }
  }

  /** Ends every thread; frames still out come back unchecked (checked on the main thread). */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.pool.destroy();
    this.release();
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resume of waiting) resume();
  }
}

/**
 * The server's pool, with what it does and does not do said once in the log: the main thread
 * still parses every frame (a parsed object posted back costs more than parsing), so only
 * strict mode's validation moves, a small share of a big frame's cost.
 */
export function startValidationPool(
  options: ResolvedWorkerThreads,
  logger: Logger,
): ValidationPool {
  logger.warn(
    "workerThreads: strict-mode validation of frames of at least minFrameBytes runs in worker threads; " +
      "the main thread still parses every frame, so this saves a few percent of its CPU at best " +
      "and adds CPU overall. To scale, run more processes with a cluster adapter (see the README).",
    {
      poolSize: options.poolSize,
      maxQueueSize: options.maxQueueSize,
      minFrameBytes: options.minFrameBytes,
    },
  );
  return new ValidationPool(options, (err) =>
    logger.warn("worker thread failed; its frame was checked on the main thread", { err }),
  );
}
