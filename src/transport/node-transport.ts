import type WebSocket from "ws";
import type { RawFrame, Transport, TransportListener } from "./transport.js";

/**
 * Adapts a `ws` WebSocket (client or server side) to the engine's Transport. Frames that
 * arrive before the engine listens (a CALL can come in the same packet as the 101 response)
 * are held and handed over by listen(), so none is lost.
 */
export class NodeTransport implements Transport {
  private early: Array<[RawFrame, boolean]> | undefined;
  private holdEarly: ((data: WebSocket.RawData, isBinary: boolean) => void) | undefined;

  /**
   * `holdEarlyFrames`: keep frames that arrive before listen() (a client awaits between the
   * socket opening and the engine listening; the server attaches in the same tick).
   */
  constructor(
    private readonly ws: WebSocket,
    holdEarlyFrames: boolean,
  ) {
    if (holdEarlyFrames) {
      const early: Array<[RawFrame, boolean]> = (this.early = []);
      this.holdEarly = (data, isBinary) => early.push([data, isBinary]);
      ws.on("message", this.holdEarly);
    }
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  get writable(): boolean {
    return this.ws.readyState === 1;
  }

  send(data: string): void {
    // ws reports send failures through its 'error'/'close' events when no callback is given;
    // only CONNECTING throws, and the engine never sends before 'open'.
    this.ws.send(data);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  ping(): boolean {
    if (this.ws.readyState !== 1) return false;
    this.ws.ping();
    return true;
  }

  listen(listener: TransportListener): void {
    const ws = this.ws;
    if (this.holdEarly) ws.removeListener("message", this.holdEarly);
    this.holdEarly = undefined;
    ws.on("message", (data, isBinary) => listener.onMessage(data, isBinary));
    ws.on("close", (code, reason) => listener.onClose(code, reason.toString("utf8")));
    ws.on("error", (err) => listener.onError(err));
    ws.on("pong", () => listener.onPong());
    ws.on("ping", () => listener.onPing());
    const early = this.early;
    this.early = undefined;
    if (early) for (const [data, isBinary] of early) listener.onMessage(data, isBinary);
  }
}
