import type { KeepAliveSweeper } from "../transport/keep-alive.js";
import type { Transport } from "../transport/transport.js";

/** A ping interval with ±25% random jitter, so thousands of stations don't ping in step. */
export function jitteredInterval(intervalMs: number): number {
  return intervalMs * (0.75 + Math.random() * 0.5);
}

/** What the pinger needs from its engine. */
export interface PingHost {
  readonly transport: Transport | undefined;
  /** True while the connection is OPEN. */
  isOpen(): boolean;
  pingIntervalMs(): number;
  /** A ping went out (the 'ping' event). */
  pinged(timestamp: number): void;
  /** The pong of the last ping came back after `rtt` ms (the 'pong' event). */
  ponged(rtt: number): void;
}

/**
 * One connection's WebSocket keep-alive: a ping every `pingIntervalMs` (±25 % jitter, so a
 * fleet does not ping in step), and a connection whose pong does not come back within a
 * whole interval is dropped (half-open sockets, 1.6 errata §3.9). Ticked by a shared
 * KeepAliveSweeper: no timer per connection.
 */
export class KeepAlivePinger {
  private nextPingAt = 0;
  private lastPingAt = 0;
  private awaitingPong = false;

  constructor(
    private readonly host: PingHost,
    private readonly sweeper: KeepAliveSweeper,
  ) {}

  /** (Re)starts pinging on the open transport, or stops when the interval is 0. */
  start(): void {
    const interval = this.host.pingIntervalMs();
    if (interval > 0 && Number.isFinite(interval) && this.host.transport) {
      this.awaitingPong = false;
      this.nextPingAt = Date.now() + jitteredInterval(interval);
      this.sweeper.add(this);
    } else {
      this.sweeper.delete(this);
    }
  }

  stop(): void {
    this.sweeper.delete(this);
    this.awaitingPong = false;
  }

  /** Traffic shows the peer is alive: the next ping can wait a whole interval. */
  defer(): void {
    this.nextPingAt = Date.now() + jitteredInterval(this.host.pingIntervalMs());
  }

  /** Visited by the sweeper. */
  keepAliveTick(now: number): void {
    const transport = this.host.transport;
    if (!transport || !this.host.isOpen() || now < this.nextPingAt) return;
    if (this.awaitingPong) {
      // No pong for a whole interval: the peer is gone or the socket is half-open.
      // Dropping it lets the close and reconnect logic take over.
      transport.terminate();
      return;
    }
    if (!transport.ping()) return;
    this.awaitingPong = true;
    this.lastPingAt = now;
    this.nextPingAt = now + jitteredInterval(this.host.pingIntervalMs());
    this.host.pinged(now);
  }

  pong(): void {
    this.awaitingPong = false;
    this.host.ponged(Date.now() - this.lastPingAt);
  }
}
