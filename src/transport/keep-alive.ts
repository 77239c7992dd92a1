/** Something the sweeper visits: decides by itself whether a ping or a drop is due. */
export interface KeepAliveTarget {
  keepAliveTick(now: number): void;
}

/**
 * One timer for many connections: the server shares one sweeper among all its clients
 * instead of an interval per connection (a standalone client has its own). The timer runs
 * only while there is a target, and is unref'd so it never keeps a process alive by itself.
 */
export class KeepAliveSweeper {
  private readonly targets = new Set<KeepAliveTarget>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private tickMs: number) {}

  /** Ticks often enough to honour the shortest interval within a quarter of it. */
  static tickFor(pingIntervalMs: number): number {
    return Math.max(5, Math.min(1000, Math.floor(pingIntervalMs / 4)));
  }

  setTickMs(tickMs: number): void {
    if (tickMs === this.tickMs) return;
    this.tickMs = tickMs;
    if (this.timer) {
      this.stop();
      this.start();
    }
  }

  add(target: KeepAliveTarget): void {
    this.targets.add(target);
    if (!this.timer) this.start();
  }

  delete(target: KeepAliveTarget): void {
    this.targets.delete(target);
    if (this.targets.size === 0) this.stop();
  }

  private start(): void {
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const target of this.targets) target.keepAliveTick(now);
    }, this.tickMs);
    // Browsers have no unref; Node's keeps an idle sweeper from holding the process open.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** A ping interval with ±25% random jitter, so thousands of stations don't ping in step. */
export function jitteredInterval(intervalMs: number): number {
  return intervalMs * (0.75 + Math.random() * 0.5);
}
