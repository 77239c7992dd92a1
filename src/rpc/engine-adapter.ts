import { durationSince } from "./call-timing.js";
import type { RawFrame, Transport, TransportListener } from "../transport/transport.js";
import type { PingHost } from "./keep-alive-pinger.js";
import { transportClosed, type ClosingEngine } from "./connection-close.js";
import { receiveFrame } from "./inbound/frame-router.js";
import type { OutboundHost } from "./outbound-calls.js";
import type { PendingCall } from "./pending-call.js";

/** The engine methods a transport's events and the outbound bookkeeping go to. */
export interface EngineSink extends ClosingEngine {
  canTransmit(): boolean;
  callConcurrency(): number;
  transmit(call: PendingCall, id: string): Error | undefined;
  onTransportError(error: Error): void;
  onPong(): void;
  onTransportPing(): void;
}

/**
 * Routes a transport's events and the questions of the outbound bookkeeping and the
 * keep-alive to its engine. A class rather than objects of closures: one small object per
 * connection, methods on the prototype.
 */
export class EngineAdapter implements TransportListener, OutboundHost, PingHost {
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

  onTimeout(call: PendingCall): void {
    if (this.engine.observed("callTimeout")) {
      const { id: messageId, method, params, timeoutMs } = call;
      const durationMs = durationSince(call.sentAt);
      this.engine.emit("callTimeout", { messageId, method, params, timeoutMs, durationMs });
    }
  }

  onMessage(data: RawFrame, isBinary: boolean): void {
    receiveFrame(this.engine, data, isBinary);
  }

  onClose(code: number, reason: string): void {
    transportClosed(this.engine, code, reason);
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

  get transport(): Transport | undefined {
    return this.engine.transport;
  }

  isOpen(): boolean {
    return this.engine.state === 1;
  }

  pingIntervalMs(): number {
    return this.engine.rpcOptions.pingIntervalMs;
  }

  pinged(timestamp: number): void {
    if (this.engine.listenerCount("ping")) this.engine.emit("ping", { timestamp });
  }

  ponged(rtt: number): void {
    if (this.engine.listenerCount("pong")) this.engine.emit("pong", { rtt });
  }
}
