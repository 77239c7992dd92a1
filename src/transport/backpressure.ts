import type { Duplex } from "node:stream";
import type WebSocket from "ws";
import { checkNumber, describe } from "../rpc/options.js";
import type { ReadPause } from "./read-pause.js";

/** When to stop reading from a peer that does not read what it is sent. */
export interface BackpressureOptions {
  /** Stop reading once this many bytes wait to be written. Default 1 MiB. */
  highWaterMarkBytes: number;
  /** Read again once the queue has drained to this many bytes. Default 256 KiB. */
  lowWaterMarkBytes: number;
  /** Close (1008) a connection whose queue stays above the high-water mark this long (ms). Default 30000. */
  stallTimeoutMs: number;
}

export const BACKPRESSURE_DEFAULTS: Readonly<BackpressureOptions> = Object.freeze({
  highWaterMarkBytes: 1024 * 1024,
  lowWaterMarkBytes: 256 * 1024,
  stallTimeoutMs: 30_000,
});

const KEYS = Object.keys(BACKPRESSURE_DEFAULTS) as Array<keyof BackpressureOptions>;

/** Checks the `backpressure` option (false, or a partial object over the defaults). */
export function resolveBackpressure(value: unknown): Readonly<BackpressureOptions> | false {
  if (value === false) return false;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `option 'backpressure' must be false or an object { ${KEYS.join(", ")} }, got ${describe(value)}`,
    );
  }
  const input = value as Partial<Record<string, unknown>>;
  const unknown = Object.keys(input).filter((k) => !(KEYS as string[]).includes(k));
  if (unknown.length > 0) {
    throw new TypeError(
      `option 'backpressure': unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}`,
    );
  }
  const out: BackpressureOptions = { ...BACKPRESSURE_DEFAULTS };
  for (const key of KEYS) {
    const v = input[key];
    if (v === undefined) continue;
    checkNumber(`backpressure.${key}`, v, key === "stallTimeoutMs" ? 1 : 0, true);
    out[key] = v as number;
  }
  if (out.lowWaterMarkBytes > out.highWaterMarkBytes) {
    throw new RangeError(
      `option 'backpressure.lowWaterMarkBytes' (${out.lowWaterMarkBytes}) must be <= 'backpressure.highWaterMarkBytes' (${out.highWaterMarkBytes})`,
    );
  }
  return Object.freeze(out);
}

/**
 * Outbound flow control for one connection. A peer that sends calls but never reads its
 * socket would make us queue answers without limit; above the high-water mark we stop
 * reading from it (so it cannot make us produce more), read again once the socket has
 * drained to the low-water mark, and give up on it after `stallTimeoutMs`.
 *
 * The hot path is check(): one comparison after each send. A timer and a 'drain' listener
 * exist only while reading is paused.
 */
export class Backpressure {
  private paused = false;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onDrain = (): void => {
    if (this.ws.bufferedAmount <= this.options.lowWaterMarkBytes) this.resume();
    // Node emits 'drain' once the socket's queue empties; anything still queued is ws's.
    else this.socket.once("drain", this.onDrain);
  };

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    private readonly options: Readonly<BackpressureOptions>,
    private readonly reading: ReadPause,
    private readonly onStall: (reason: string) => void,
    /** Told each time reading is paused (rare: never on the hot path). */
    private readonly onPause: () => void,
  ) {}

  /** Called after each send. */
  check(): void {
    if (!this.paused && this.ws.bufferedAmount > this.options.highWaterMarkBytes) this.pause();
  }

  /** Drops the timer and the listener (the connection closed). */
  stop(): void {
    this.paused = false;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.socket.removeListener("drain", this.onDrain);
  }

  private pause(): void {
    this.paused = true;
    this.reading.hold();
    this.socket.once("drain", this.onDrain);
    this.onPause();
    this.stallTimer = setTimeout(() => {
      this.stop();
      this.onStall(
        `Peer not reading: over ${this.options.highWaterMarkBytes} bytes queued for ${this.options.stallTimeoutMs} ms`,
      );
    }, this.options.stallTimeoutMs);
  }

  private resume(): void {
    this.stop();
    this.reading.release();
  }
}
