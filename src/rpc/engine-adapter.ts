import type { RawFrame, TransportListener } from "../transport/transport.js";
import type { OutboundHost } from "./outbound-calls.js";
import type { PendingCall } from "./pending-call.js";

/** The engine methods a transport's events and the outbound bookkeeping go to. */
export interface EngineSink {
  canTransmit(): boolean;
  callConcurrency(): number;
  transmit(call: PendingCall, id: string): Error | undefined;
  checkIdle(): void;
  onFrame(data: RawFrame, isBinary: boolean): void;
  onTransportClose(code: number, reason: string): void;
  onTransportError(error: Error): void;
  onPong(): void;
  onTransportPing(): void;
}

/**
 * Routes a transport's events and the outbound bookkeeping's questions to its engine. A class
 * rather than objects of closures: one small object per connection, methods on the prototype.
 */
export class EngineAdapter implements TransportListener, OutboundHost {
  constructor(private readonly engine: EngineSink) {}

  canTransmit(): boolean {
    return this.engine.canTransmit();
  }

  concurrency(): number {
    return this.engine.callConcurrency();
  }

  transmit(call: PendingCall, id: string): Error | undefined {
    return this.engine.transmit(call, id);
  }

  onIdle(): void {
    this.engine.checkIdle();
  }

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
