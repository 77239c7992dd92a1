import type WebSocket from "ws";
import type { RawFrame, Transport, TransportListener } from "./transport.js";

/**
 * Adapts a `ws` WebSocket (client or server side) to the engine's Transport. Frames, an error
 * and a close that arrive before the engine listens (a CALL can come in the same packet as the
 * 101 response; the server may drop the socket while strict mode loads its schemas) are held
 * and handed over by listen(), so none is lost and no error goes unheard.
 */
export class NodeTransport implements Transport {
  private early: Array<[RawFrame, boolean]> | undefined;
  private earlyError: Error | undefined;
  private earlyClose: { code: number; reason: string } | undefined;
  private readonly holdEarly = (data: WebSocket.RawData, isBinary: boolean) =>
    this.early?.push([data, isBinary]);
  private readonly holdError = (err: Error) => (this.earlyError ??= err);
  private readonly holdClose = (code: number, reason: Buffer) =>
    (this.earlyClose = { code, reason: reason.toString("utf8") });

  /**
   * `holdEarlyFrames`: keep what arrives before listen() (a client awaits between the socket
   * opening and the engine listening; the server attaches in the same tick).
   */
  constructor(
    private readonly ws: WebSocket,
    holdEarlyFrames: boolean,
  ) {
    if (holdEarlyFrames) {
      this.early = [];
      ws.on("message", this.holdEarly);
      ws.on("error", this.holdError);
      ws.on("close", this.holdClose);
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
    ws.removeListener("message", this.holdEarly);
    ws.on("message", (data, isBinary) => listener.onMessage(data, isBinary));
    ws.on("close", (code, reason) => listener.onClose(code, reason.toString("utf8")));
    ws.on("error", (err) => listener.onError(err));
    ws.removeListener("error", this.holdError);
    ws.removeListener("close", this.holdClose);
    ws.on("pong", () => listener.onPong());
    ws.on("ping", () => listener.onPing());
    const early = this.early;
    this.early = undefined;
    if (early) for (const [data, isBinary] of early) listener.onMessage(data, isBinary);
    const { earlyError: error, earlyClose: closed } = this;
    // After the caller has finished attaching (as the events would come), never inside it.
    if (error || closed) {
      queueMicrotask(() => {
        if (error) listener.onError(error);
        if (closed) listener.onClose(closed.code, closed.reason);
      });
    }
  }
}
