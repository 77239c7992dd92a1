import { createRequire } from "node:module";
import type { RawFrame } from "../transport/transport.js";
import type { ResolvedWorkerThreads } from "./worker-threads-options.js";
import type { ValidationTask, WorkerVerdict } from "./verdict.js";

/** The part of piscina's pool this module uses (piscina 4 and 5). */
interface PiscinaPool {
  run(task: ValidationTask, options: { transferList: ArrayBuffer[] }): Promise<WorkerVerdict>;
  readonly queueSize: number;
  destroy(): Promise<void>;
}
type PiscinaClass = new (options: object) => PiscinaPool;

/** The worker entry, built next to this module's chunk in dist/. */
const WORKER_FILE = new URL("./validation-worker.js", import.meta.url);

function loadPiscina(): PiscinaClass {
  try {
    const loaded = createRequire(import.meta.url)("piscina") as {
      Piscina?: PiscinaClass;
      default?: PiscinaClass;
    };
    const Piscina = loaded.Piscina ?? loaded.default ?? (loaded as unknown as PiscinaClass);
    if (typeof Piscina !== "function") throw new TypeError("piscina exports no pool class");
    return Piscina;
  } catch (err) {
    throw new Error(
      "option 'workerThreads' needs the optional dependency 'piscina' (npm install piscina)",
      { cause: err },
    );
  }
}

/**
 * A pool of worker threads (piscina) that check large CALL frames against the built-in
 * schemas. Made when the server is; its threads start on first use and end with close().
 */
export class ValidationPool {
  private pool: PiscinaPool | undefined;
  private readonly Piscina: PiscinaClass;
  private closed = false;

  constructor(readonly options: ResolvedWorkerThreads) {
    this.Piscina = loadPiscina();
  }

  /**
   * Posts a frame; undefined when the queue is full or the pool closed (the caller checks the
   * frame itself: nothing waits for a slot and nothing is dropped).
   */
  check(protocol: string, frame: RawFrame): Promise<WorkerVerdict> | undefined {
    if (this.closed) return undefined;
    const pool = (this.pool ??= new this.Piscina({
      filename: WORKER_FILE.href,
      minThreads: this.options.poolSize,
      maxThreads: this.options.poolSize,
      // Piscina's own queue bound, in case ours is passed between two checks.
      maxQueue: this.options.maxQueueSize + this.options.poolSize,
      // Idle workers wait on a message, not spinning on Atomics, and do not hold the process.
      atomics: "disabled",
    }));
    if (pool.queueSize >= this.options.maxQueueSize) return undefined;
    // A copy of its own, transferred: the frame's buffer may share memory with the socket's.
    // Posting a string instead costs the main thread a serialisation several times dearer.
    const bytes = typeof frame === "string" ? Buffer.from(frame) : (frame as Buffer);
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return pool.run({ protocol, frame: copy }, { transferList: [copy.buffer] });
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
