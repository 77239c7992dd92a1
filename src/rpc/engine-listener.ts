import type { RawFrame, TransportListener } from "../transport/transport.js";

/** The engine methods a transport's events go to. */
export interface TransportEventSink {
  onFrame(data: RawFrame, isBinary: boolean): void;
  onTransportClose(code: number, reason: string): void;
  onTransportError(error: Error): void;
  onPong(): void;
  onTransportPing(): void;
}

/**
 * Routes a transport's events to its engine. A class rather than an object of closures: one
 * small object per connection, its methods shared on the prototype.
 */
export class EngineListener implements TransportListener {
  constructor(private readonly engine: TransportEventSink) {}

  onMessage(data: RawFrame, isBinary: boolean): void {
    this.engine.onFrame(data, isBinary);
  }

  onClose(code: number, reason: string): void {
    this.engine.onTransportClose(code, reason);
  }

  onError(error: Error): void {
    this.engine.onTransportError(error);
  }

  onPong(): void {
    this.engine.onPong();
  }

  onPing(): void {
    this.engine.onTransportPing();
  }
}
