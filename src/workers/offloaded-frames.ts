import { createRPCError } from "../protocol/errors.js";
import type { EngineCore, InboundFrameHook } from "../rpc/engine-core.js";
import { receiveFrame } from "../rpc/inbound/frame-router.js";
import type { RawFrame } from "../transport/transport.js";
import { getBuiltinValidator } from "../validation/builtin.js";
import type { ValidationPool } from "./validation-pool.js";
import type { WorkerVerdict } from "./verdict.js";

/**
 * Frames of one connection that may wait behind a frame in the pool. Past it the main thread
 * takes over: the frame in the pool and those behind it are checked here, in order.
 */
export const MAX_WAITING_FRAMES = 64;

const OPEN = 1;
const CLOSING = 2;

interface PoolTask {
  readonly data: RawFrame;
  /** Taken over by the main thread: the worker's verdict, when it comes, is ignored. */
  abandoned: boolean;
}

/**
 * One connection's frames under `workerThreads`: a large CALL goes to the pool and the
 * connection's later frames wait behind it, so handlers see the connection's messages in
 * the order they came. A verdict is handed to the engine with the frame, which then skips
 * its own schema check for that CALL; a failed task (a worker that died, a closed pool) is
 * checked on the main thread instead.
 */
export class OffloadedFrames implements InboundFrameHook {
  private delivering = false;
  private inPool: PoolTask | undefined;
  private waiting: Array<readonly [RawFrame, boolean]> = [];

  constructor(
    private readonly engine: EngineCore,
    private readonly pool: ValidationPool,
  ) {}

  take(data: RawFrame, isBinary: boolean): boolean {
    if (this.delivering) return false;
    if (this.inPool) {
      this.waiting.push([data, isBinary]);
      if (this.waiting.length > MAX_WAITING_FRAMES) this.takeOver();
      return true;
    }
    return this.offload(data, isBinary);
  }

  /** Posts the frame when it is worth it; false: the engine handles it now. */
  private offload(data: RawFrame, isBinary: boolean): boolean {
    if (isBinary || !this.worthPosting(data)) return false;
    const verdict = this.pool.check(this.engine.protocol!, data);
    if (!verdict) return false;
    const task: PoolTask = { data, abandoned: false };
    this.inPool = task;
    verdict.then(
      (result) => this.settle(task, result),
      () => this.settle(task, undefined),
    );
    return true;
  }

  private worthPosting(data: RawFrame): boolean {
    const length = typeof data === "string" ? data.length : (data as Buffer).length;
    if (length < this.pool.options.minFrameBytes) return false;
    const engine = this.engine;
    // Only the built-in schemas exist in the workers; a user's validator runs here.
    const validator = engine.validator;
    return validator !== undefined && validator === getBuiltinValidator(engine.protocol!);
  }

  private settle(task: PoolTask, verdict: WorkerVerdict | undefined): void {
    if (task.abandoned) return;
    this.inPool = undefined;
    this.deliver(task.data, false, verdict);
    while (!this.inPool && this.waiting.length > 0) {
      const [data, isBinary] = this.waiting.shift()!;
      if (!this.offload(data, isBinary)) this.deliver(data, isBinary, undefined);
    }
  }

  /** Too many frames wait: the main thread checks the pooled one and those behind it. */
  private takeOver(): void {
    const task = this.inPool!;
    task.abandoned = true;
    this.inPool = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    this.deliver(task.data, false, undefined);
    for (const [data, isBinary] of waiting) this.deliver(data, isBinary, undefined);
  }

  /** Hands a frame to the engine, with the worker's verdict for it when there is one. */
  private deliver(data: RawFrame, isBinary: boolean, verdict: WorkerVerdict | undefined): void {
    const engine = this.engine;
    // A connection that closed meanwhile drops it, as it drops what is still in its socket.
    if (engine.state !== OPEN && engine.state !== CLOSING) return;
    engine.presetVerdict = verdict
      ? {
          messageId: verdict.id,
          error: verdict.error
            ? createRPCError(verdict.error[0], verdict.error[1], verdict.error[2])
            : null,
        }
      : undefined;
    this.delivering = true;
    try {
      receiveFrame(engine, data, isBinary);
    } catch (err) {
      engine.reportError(err);
    } finally {
      engine.presetVerdict = undefined;
      this.delivering = false;
    }
  }
}
