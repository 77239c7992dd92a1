import type { EngineCore } from "../rpc/engine-core.js";
import { readFrame, readVerifiedFrame } from "../rpc/inbound/frame-router.js";
import type { InboundHook, PresetVerdict } from "../rpc/inbound/inbound-hook.js";
import { ConnectionState } from "../rpc/types.js";
import type { ReadPause } from "../transport/read-pause.js";
import type { RawFrame } from "../transport/transport.js";
import { getBuiltinValidator } from "../validation/builtin.js";
import type { ValidationPool } from "./validation-pool.js";

/** A frame taken from the engine, in arrival order. */
interface HeldFrame {
  readonly data: RawFrame;
  readonly isBinary: boolean;
  /** The frame's text, when a worker checks it. */
  readonly text: string | undefined;
  ready: boolean;
  verdict: PresetVerdict | undefined;
}

/**
 * Frames one connection may hold behind its frames in the pool; at this many, reading from
 * its socket pauses until they are read (a station flooding small frames behind a big one).
 */
export const MAX_HELD_FRAMES = 64;

const OPEN_BRACKET = 0x5b;
const CALL_DIGIT = 0x32; // "2"
const SEND_DIGIT = 0x36; // "6"

/** Whether a frame's text starts as a CALL or a SEND does (`[2,` / `[6,`, JSON whitespace allowed). */
function looksLikeRequest(bytes: Buffer): boolean {
  let i = 0;
  while (i < bytes.length && bytes[i]! <= 0x20) i++;
  if (bytes[i] !== OPEN_BRACKET) return false;
  i++;
  while (i < bytes.length && bytes[i]! <= 0x20) i++;
  return bytes[i] === CALL_DIGIT || bytes[i] === SEND_DIGIT;
}

/**
 * One connection's inbound frames under `workerThreads`. A CALL or SEND of at least
 * `minFrameBytes`, on a connection whose strict mode uses a built-in validator, goes to the
 * pool; every frame that arrives while one is out waits behind it, so the engine reads the
 * connection's frames in the order they came (workers may finish in any order). Others are
 * read at once, as without workers.
 *
 * A full pool pauses reading from this socket until the pool has room; the frame that found
 * it full is not lost but checked on the main thread, in its turn. So do MAX_HELD_FRAMES
 * frames held, until they are read.
 */
export class InboundSequencer implements InboundHook {
  private held: HeldFrame[] = [];
  /** Paused for a full pool (until it has room) / for too many frames held (until read). */
  private paused = false;
  private heldPaused = false;
  private readonly resume = (): void => {
    this.paused = false;
    this.reading.release();
  };

  constructor(
    private readonly engine: EngineCore,
    private readonly pool: ValidationPool,
    private readonly reading: ReadPause,
  ) {}

  offer(data: RawFrame, isBinary: boolean): boolean {
    let offload = !isBinary && this.worthOffloading(data);
    if (offload && this.pool.full()) {
      offload = false;
      this.pause();
    }
    if (!offload && this.held.length === 0) return false;
    const text = offload ? data.toString("utf8") : undefined;
    const frame: HeldFrame = { data, isBinary, text, ready: !offload, verdict: undefined };
    this.held.push(frame);
    if (this.held.length >= MAX_HELD_FRAMES && !this.heldPaused) {
      this.heldPaused = true;
      this.reading.hold();
    }
    if (text !== undefined) {
      this.pool
        .verify(this.engine.protocol!, text)
        .then((verdict) => {
          frame.verdict = verdict;
          frame.ready = true;
          this.flush();
        })
        // Routing contains the application's failures; whatever is left is a bug to report.
        .catch((err: unknown) => this.engine.reportError(err));
    }
    return true;
  }

  private worthOffloading(data: RawFrame): boolean {
    if (!Buffer.isBuffer(data) || data.length < this.pool.options.minFrameBytes) return false;
    const { engine } = this;
    // A user's validator (strictModeValidators) cannot be sent to a thread: those stay here.
    const validator = engine.validator;
    if (validator === undefined || validator !== getBuiltinValidator(engine.protocol!)) {
      return false;
    }
    return engine.state === ConnectionState.OPEN && looksLikeRequest(data);
  }

  private flush(): void {
    const held = this.held;
    while (held.length > 0 && held[0]!.ready) {
      const frame = held.shift()!;
      // A closed connection cannot answer: what it still held goes with it.
      if (this.engine.state === ConnectionState.CLOSED) {
        this.held = [];
        return;
      }
      if (frame.text !== undefined) readVerifiedFrame(this.engine, frame.text, frame.verdict);
      else readFrame(this.engine, frame.data, frame.isBinary);
    }
    if (this.heldPaused && held.length < MAX_HELD_FRAMES / 2) {
      this.heldPaused = false;
      this.reading.release();
    }
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.reading.hold();
    this.pool.whenRoom(this.resume);
  }
}
