import { afterEach, describe, expect, it, vi } from "vitest";
import { reconnectDelay } from "../../src/client/backoff.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("reconnectDelay", () => {
  it("stays within [min, max] for every attempt and any randomness", () => {
    for (let attempt = 1; attempt <= 60; attempt++) {
      for (let i = 0; i < 20; i++) {
        const delay = reconnectDelay(attempt, 1000, 30_000);
        expect(delay).toBeGreaterThanOrEqual(1000);
        expect(delay).toBeLessThanOrEqual(30_000);
      }
    }
  });

  it("doubles per attempt up to max when the jitter is at its top", () => {
    vi.spyOn(Math, "random").mockReturnValue(0.999999);
    const delays = [1, 2, 3, 4, 5, 6, 7].map((a) => reconnectDelay(a, 1000, 30_000));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it("never drops below min when the jitter is at its bottom", () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    expect(reconnectDelay(1, 1000, 30_000)).toBe(1000);
    expect(reconnectDelay(3, 1000, 30_000)).toBe(2000);
    expect(reconnectDelay(20, 1000, 30_000)).toBe(15_000);
  });

  it("grows: the lowest possible delay of a later attempt is above that of an earlier one", () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const lows = [2, 3, 4, 5].map((a) => reconnectDelay(a, 500, 60_000));
    for (let i = 1; i < lows.length; i++) expect(lows[i]!).toBeGreaterThan(lows[i - 1]!);
  });

  it("is randomised, so stations dropped together do not reconnect in step", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) seen.add(reconnectDelay(4, 1000, 30_000));
    expect(seen.size).toBeGreaterThan(5);
  });

  it("stays finite and equal to max for a huge attempt number", () => {
    expect(reconnectDelay(10_000, 1000, 30_000)).toBeLessThanOrEqual(30_000);
    expect(Number.isFinite(reconnectDelay(10_000, 1000, 30_000))).toBe(true);
    vi.spyOn(Math, "random").mockReturnValue(0.999999);
    expect(reconnectDelay(10_000, 1000, 30_000)).toBe(30_000);
  });

  it("returns min when min equals max", () => {
    for (let attempt = 1; attempt < 10; attempt++)
      expect(reconnectDelay(attempt, 250, 250)).toBe(250);
  });
});
