/**
 * A token bucket holding at most `limit` tokens, refilled continuously at `limit` per
 * `windowMs`: bursts up to `limit` pass, the sustained rate is `limit / windowMs`.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly perMs: number;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    now: number,
  ) {
    this.tokens = limit;
    this.updatedAt = now;
    this.perMs = limit / windowMs;
  }

  /** Milliseconds until one token is available (0 when one is there now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
  }

  /** Takes a token; call only after waitMs() returned 0. */
  take(): void {
    this.tokens -= 1;
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.limit, this.tokens + elapsed * this.perMs);
    this.updatedAt = now;
  }
}
