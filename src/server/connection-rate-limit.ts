import { checkNumber } from "../rpc/options.js";

/** At most `limit` upgrade attempts per peer address within `windowMs`. */
export interface ConnectionRateLimitOptions {
  limit: number;
  windowMs: number;
}

/**
 * Addresses whose window is remembered at once. Beyond it the oldest window is forgotten
 * (that address starts a new count): memory stays bounded under a scan from many addresses,
 * at the price of a weaker limit for an attacker who controls more addresses than this.
 */
export const MAX_TRACKED_ADDRESSES = 100_000;

interface Window {
  start: number;
  count: number;
}

/**
 * Counts upgrade attempts per remote address in fixed windows, so a reconnect storm or a
 * scan from one address is refused (HTTP 429) before any parsing or auth work.
 */
export class ConnectionRateLimiter {
  /** In order of window start (a new window re-inserts its key), so expiry is a prefix. */
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly options: ConnectionRateLimitOptions,
    private readonly maxTracked = MAX_TRACKED_ADDRESSES,
  ) {
    checkNumber("connectionRateLimit.limit", options.limit, 1, true);
    checkNumber("connectionRateLimit.windowMs", options.windowMs, 1);
  }

  /** Addresses with a window remembered. */
  get size(): number {
    return this.windows.size;
  }

  /**
   * Records an attempt: 0 when it is admitted, else the milliseconds until this address's
   * window ends, when its count starts over and an attempt is admitted again.
   */
  admit(address: string | undefined, now = Date.now()): number {
    const key = address ?? "";
    const window = this.windows.get(key);
    if (!window || now - window.start >= this.options.windowMs) {
      if (window) this.windows.delete(key);
      this.pruneExpired(now);
      if (this.windows.size >= this.maxTracked) this.forgetOldest();
      this.windows.set(key, { start: now, count: 1 });
      return 0;
    }
    window.count++;
    return window.count <= this.options.limit ? 0 : window.start + this.options.windowMs - now;
  }

  /** Drops finished windows from the front; stops at the first live one (cost: what expired). */
  private pruneExpired(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start < this.options.windowMs) return;
      this.windows.delete(key);
    }
  }

  private forgetOldest(): void {
    const oldest = this.windows.keys().next();
    if (!oldest.done) this.windows.delete(oldest.value);
  }
}
