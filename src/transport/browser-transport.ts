import { SocketTransport } from "./socket-transport.js";
import type { RawFrame, Transport, TransportListener } from "./transport.js";

const decoder = new TextDecoder();

/** A binary frame as the engine expects it: bytes that can be read as text. */
function binaryFrame(data: ArrayBuffer): RawFrame {
  return { toString: () => decoder.decode(data) };
}

/**
 * Adapts the platform's WebSocket (browsers, Deno, Node >= 22) to the engine's Transport.
 * Browsers cannot ping and only let scripts close with 1000 or 3000–4999.
 *
 * Frames and a close that arrive before the engine listens are held and handed over by
 * listen(): a client awaits between the socket opening and the engine listening (strict mode
 * may still be fetching its schemas), and a close lost then would leave a dead connection open.
 */
export class BrowserTransport extends SocketTransport<WebSocket> implements Transport {
  private early: Array<[RawFrame, boolean]> | undefined = [];
  private earlyClose: { code: number; reason: string } | undefined;
  private readonly holdClose = (event: CloseEvent) => {
    this.earlyClose = { code: event.code, reason: event.reason };
  };

  constructor(ws: WebSocket) {
    super(ws);
    ws.binaryType = "arraybuffer";
    ws.onmessage = (event: MessageEvent) => this.early?.push(toFrame(event.data));
    // A listener, not onclose: the client sets onclose for a failed upgrade meanwhile.
    ws.addEventListener("close", this.holdClose);
  }

  send(data: string): void {
    this.ws.send(data);
  }

  close(code: number, reason: string): void {
    // Codes such as 1002 are reserved to the browser itself; send the nearest allowed one.
    const allowed = code === 1000 || (code >= 3000 && code <= 4999);
    this.ws.close(allowed ? code : 1000, reason);
  }

  terminate(): void {
    this.ws.close();
  }

  ping(): boolean {
    return false;
  }

  listen(listener: TransportListener): void {
    const ws = this.ws;
    ws.onmessage = (event: MessageEvent) => {
      const [data, isBinary] = toFrame(event.data);
      listener.onMessage(data, isBinary);
    };
    ws.onclose = (event: CloseEvent) => listener.onClose(event.code, event.reason);
    ws.onerror = () => listener.onError(new Error("WebSocket error"));
    ws.removeEventListener("close", this.holdClose);
    const early = this.early!;
    this.early = undefined;
    for (const [data, isBinary] of early) listener.onMessage(data, isBinary);
    const closed = this.earlyClose;
    // After the caller has finished attaching (as a close event would come), never inside it.
    if (closed) queueMicrotask(() => listener.onClose(closed.code, closed.reason));
  }
}

function toFrame(data: unknown): [RawFrame, boolean] {
  if (typeof data === "string") return [data, false];
  return [binaryFrame(data as ArrayBuffer), true];
}
