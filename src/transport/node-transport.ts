import type { Duplex } from "node:stream";
import type WebSocket from "ws";
import { Backpressure, type BackpressureOptions } from "./backpressure.js";
import { ReadPause } from "./read-pause.js";
import { SocketTransport } from "./socket-transport.js";
import type { RawFrame, Transport, TransportListener } from "./transport.js";

/**
 * Frames held before listen() beyond this many bytes pause reading from the socket, so a
 * peer cannot make an unlistened connection buffer without bound (strict mode's schemas may
 * still be loading, or the connection is being refused).
 */
const EARLY_HOLD_LIMIT_BYTES = 1024 * 1024;

/**
 * Adapts a `ws` WebSocket (client or server side) to the engine's Transport. Its listeners
 * are attached when it is made, right after the WebSocket exists, so that no event of the
 * socket ever goes unheard: an 'error' with no listener would end the process, and a
 * 'close' with none would leave the engine believing the connection open. Events that come
 * before the engine listens (a frame, a close, an error can be in the same TCP packet as the
 * 101 response) are held and handed over by listen(); a transport closed before it is
 * listened to drops them.
 */
export class NodeTransport extends SocketTransport<WebSocket> implements Transport {
  private listener: TransportListener | undefined;
  private early: Array<[RawFrame, boolean]> | undefined = [];
  private earlyBytes = 0;
  private earlyPaused = false;
  private earlyError: Error | undefined;
  private earlyClose: [number, string] | undefined;
  private flow: Backpressure | undefined;
  /** The close to report instead of the socket's, when this side ended it (a stall). */
  private closeOverride: [number, string] | undefined;
  /** Every reason to stop reading from the peer goes through this one count. */
  readonly readPause: ReadPause;

  constructor(ws: WebSocket) {
    super(ws);
    this.readPause = new ReadPause(ws);
    ws.on("message", (data, isBinary) => {
      if (this.listener) this.listener.onMessage(data, isBinary);
      else this.hold(data, isBinary);
    });
    ws.on("error", (err) => {
      if (this.listener) this.listener.onError(err);
      else this.earlyError ??= err;
    });
    ws.on("close", (code, reason) => {
      this.flow?.stop();
      const closed = this.closeOverride ?? [code, reason.toString("utf8")];
      if (this.listener) this.listener.onClose(closed[0], closed[1]);
      else this.earlyClose = closed;
    });
    ws.on("pong", () => this.listener?.onPong());
    ws.on("ping", () => this.listener?.onPing());
  }

  /**
   * Stops reading from the peer while more than `options.highWaterMarkBytes` wait to be
   * written to `socket` (the socket under the WebSocket); `onPause` is told each time reading
   * stops. See Backpressure.
   */
  enableBackpressure(
    socket: Duplex,
    options: Readonly<BackpressureOptions>,
    onPause: () => void = ignorePause,
  ): void {
    const onStall = (reason: string) => {
      // The peer is not reading, so a closing handshake cannot complete: queue the close
      // frame for a peer that reads again, then free the socket at once.
      this.closeOverride = [1008, reason];
      this.ws.close(1008, reason.slice(0, 120));
      this.ws.terminate();
    };
    this.flow = new Backpressure(this.ws, socket, options, this.readPause, onStall, onPause);
  }

  send(data: string): void {
    // ws reports send failures through its 'error'/'close' events when no callback is given;
    // only CONNECTING throws, and the engine never sends before 'open'.
    this.ws.send(data);
    this.flow?.check();
  }

  close(code: number, reason: string): void {
    this.dropEarly();
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.dropEarly();
    this.ws.terminate();
  }

  ping(): boolean {
    if (this.ws.readyState !== 1) return false;
    this.ws.ping();
    return true;
  }

  listen(listener: TransportListener): void {
    this.listener = listener;
    const early = this.early ?? [];
    const error = this.earlyError;
    const closed = this.earlyClose;
    this.dropEarly();
    if (this.earlyPaused) {
      this.earlyPaused = false;
      this.readPause.release();
    }
    for (const [data, isBinary] of early) listener.onMessage(data, isBinary);
    if (error || closed) {
      // After the caller's own set-up (the engine marks itself open right after listen()),
      // as a socket event would come.
      process.nextTick(() => {
        if (error) listener.onError(error);
        if (closed) listener.onClose(closed[0], closed[1]);
      });
    }
  }

  private hold(data: WebSocket.RawData, isBinary: boolean): void {
    if (!this.early) return;
    this.early.push([data, isBinary]);
    this.earlyBytes += rawLength(data);
    if (this.earlyBytes > EARLY_HOLD_LIMIT_BYTES && !this.earlyPaused) {
      this.earlyPaused = true;
      this.readPause.hold();
    }
  }

  private dropEarly(): void {
    this.early = undefined;
    this.earlyError = undefined;
    this.earlyClose = undefined;
  }
}

function rawLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

/** A station client's pauses are not reported: only the server counts them (metrics). */
function ignorePause(): void {}
