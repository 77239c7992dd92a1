import { checkNumber } from "../rpc/options.js";

/** At most `limit` upgrade attempts per peer address within `windowMs`. */
export interface ConnectionRateLimitOptions {
  limit: number;
  windowMs: number;
}

/**
 * Counts upgrade attempts per remote address in fixed windows, so a reconnect storm or a
 * scan from one address is refused (HTTP 429) before any parsing or auth work.
 */
export class ConnectionRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly options: ConnectionRateLimitOptions) {
    checkNumber("connectionRateLimit.limit", options.limit, 1, true);
    checkNumber("connectionRateLimit.windowMs", options.windowMs, 1);
  }

  /**
   * Records an attempt: 0 when it is admitted, else the milliseconds until this address's
   * window ends, when its count starts over and an attempt is admitted again.
   */
  admit(address: string | undefined, now = Date.now()): number {
    const key = address ?? "";
    const window = this.windows.get(key);
    if (!window || now - window.start >= this.options.windowMs) {
      if (this.windows.size >= 10_000) this.prune(now);
      this.windows.set(key, { start: now, count: 1 });
      return 0;
    }
    window.count++;
    return window.count <= this.options.limit ? 0 : window.start + this.options.windowMs - now;
  }

  /** Drops finished windows so the map cannot grow without bound. */
  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.options.windowMs) this.windows.delete(key);
    }
  }
}
