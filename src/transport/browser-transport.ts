import type { RawFrame, Transport, TransportListener } from "./transport.js";

const decoder = new TextDecoder();

/** A binary frame as the engine expects it: bytes that can be read as text. */
function binaryFrame(data: ArrayBuffer): RawFrame {
  return { toString: () => decoder.decode(data) };
}

/**
 * Adapts the platform's WebSocket (browsers, Deno, Node >= 22) to the engine's Transport.
 * Browsers cannot ping and only let scripts close with 1000 or 3000–4999.
 */
export class BrowserTransport implements Transport {
  private early: Array<[RawFrame, boolean]> | undefined = [];

  constructor(private readonly ws: WebSocket) {
    ws.binaryType = "arraybuffer";
    ws.onmessage = (event: MessageEvent) => this.early?.push(toFrame(event.data));
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
    const early = this.early!;
    this.early = undefined;
    for (const [data, isBinary] of early) listener.onMessage(data, isBinary);
  }
}

function toFrame(data: unknown): [RawFrame, boolean] {
  if (typeof data === "string") return [data, false];
  return [binaryFrame(data as ArrayBuffer), true];
}
