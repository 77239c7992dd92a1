import { describe, expect, it } from "vitest";
import { ConnectionRateLimiter } from "../../src/server/connection-rate-limit.js";

describe("ConnectionRateLimiter", () => {
  it("admits `limit` attempts per window and says when the window ends", () => {
    const limiter = new ConnectionRateLimiter({ limit: 2, windowMs: 1000 });
    expect(limiter.admit("a", 0)).toBe(0);
    expect(limiter.admit("a", 100)).toBe(0);
    expect(limiter.admit("a", 400)).toBe(600);
    expect(limiter.admit("b", 400)).toBe(0);
    expect(limiter.admit("a", 1000)).toBe(0);
  });

  it("forgets finished windows as new ones start", () => {
    const limiter = new ConnectionRateLimiter({ limit: 1, windowMs: 1000 });
    for (let i = 0; i < 50; i++) limiter.admit(`10.0.0.${i}`, i);
    expect(limiter.size).toBe(50);
    limiter.admit("10.0.1.1", 1020);
    // Windows that started at 0..20 ended by 1020; the other 29 are still live.
    expect(limiter.size).toBe(30);
  });

  it("stays within its bound under a scan from more addresses than it tracks", () => {
    const limiter = new ConnectionRateLimiter({ limit: 1, windowMs: 60_000 }, 1000);
    for (let i = 0; i < 5000; i++) limiter.admit(`addr-${i}`, i);
    expect(limiter.size).toBe(1000);
    // The newest addresses are still limited; the oldest were forgotten and start over.
    expect(limiter.admit("addr-4999", 5000)).toBeGreaterThan(0);
    expect(limiter.admit("addr-0", 5000)).toBe(0);
  });
});
