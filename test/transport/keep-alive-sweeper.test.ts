import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jitteredInterval } from "../../src/rpc/keep-alive-pinger.js";
import { KeepAliveSweeper, type KeepAliveTarget } from "../../src/transport/keep-alive.js";

const sweepers: KeepAliveSweeper[] = [];
const targetsOf = new Map<KeepAliveSweeper, KeepAliveTarget[]>();

beforeEach(() => {
  // The sweeper runs on setInterval and Date only.
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
  vi.setSystemTime(1_700_000_000_000);
});

afterEach(() => {
  for (const sweeper of sweepers.splice(0)) {
    for (const target of targetsOf.get(sweeper) ?? []) sweeper.delete(target);
  }
  targetsOf.clear();
  vi.useRealTimers();
});

function sweeperWith(tickMs: number, targets: KeepAliveTarget[]): KeepAliveSweeper {
  const sweeper = new KeepAliveSweeper(tickMs);
  sweepers.push(sweeper);
  targetsOf.set(sweeper, targets);
  for (const target of targets) sweeper.add(target);
  return sweeper;
}

/** Records when it is visited, then does `also` (throw, delete another target...). */
class Recorder implements KeepAliveTarget {
  readonly visits: number[] = [];
  constructor(private readonly also: () => void = () => undefined) {}
  keepAliveTick(now: number): void {
    this.visits.push(now);
    this.also();
  }
}

/** Pings as the engine does: at the first visit after its jittered due time. */
class Pinger implements KeepAliveTarget {
  readonly pings: number[] = [];
  private nextPingAt: number;
  constructor(private readonly intervalMs: number) {
    this.nextPingAt = Date.now() + jitteredInterval(intervalMs);
  }
  keepAliveTick(now: number): void {
    if (now < this.nextPingAt) return;
    this.pings.push(now);
    this.nextPingAt = now + jitteredInterval(this.intervalMs);
  }
}

/**
 * Runs the timers one wake-up at a time for `ms`, returning what `count()` grew by at each
 * wake-up and the gaps between wake-ups.
 */
function perWake(ms: number, count: () => number): { counts: number[]; gaps: number[] } {
  const end = Date.now() + ms;
  const counts: number[] = [];
  const gaps: number[] = [];
  let last = Date.now();
  while (Date.now() < end) {
    const before = count();
    vi.advanceTimersToNextTimer();
    counts.push(count() - before);
    gaps.push(Date.now() - last);
    last = Date.now();
  }
  return { counts, gaps };
}

const many = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe("KeepAliveSweeper", () => {
  it("visits a target within a tick of add(), then once per tick", () => {
    const target = new Recorder();
    const start = Date.now();
    sweeperWith(1000, [target]);
    vi.advanceTimersByTime(1000);
    expect(target.visits).toHaveLength(1);
    expect(target.visits[0]! - start).toBeLessThanOrEqual(1000);
    vi.advanceTimersByTime(5000);
    expect(target.visits).toHaveLength(6);
    const gaps = target.visits.slice(1).map((t, i) => t - target.visits[i]!);
    for (const gap of gaps) expect(gap).toBe(1000);
  });

  it("spreads 10,000 targets over the tick: a wake-up visits several hundred, not all", () => {
    const targets = many(10_000, () => new Recorder());
    sweeperWith(1000, targets);
    const visits = (): number => sum(targets.map((t) => t.visits.length));
    const { counts, gaps } = perWake(3000, visits);
    expect(Math.max(...counts)).toBeLessThanOrEqual(1024);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(63);
    // Once per second: three visits, four if the last wake-up ran past the three seconds.
    for (const target of targets) expect(target.visits.length).toBeGreaterThanOrEqual(3);
    for (const target of targets) expect(target.visits.length).toBeLessThanOrEqual(4);
  });

  it("sends the pings of 10,000 connections a few per wake-up, not in bursts", () => {
    const pingers = many(10_000, () => new Pinger(10_000));
    sweeperWith(KeepAliveSweeper.tickFor(10_000), pingers);
    const pings = (): number => sum(pingers.map((p) => p.pings.length));
    const { counts } = perWake(40_000, pings);
    // A wake-up every 63 ms; the first round, all due within 7.5-12.5 s of the start, runs at
    // 2,000 pings a second: 126 a wake-up on average (a full sweep would send 2,000 at once).
    expect(Math.max(...counts)).toBeLessThanOrEqual(250);
    for (const pinger of pingers) expect(pinger.pings.length).toBeGreaterThanOrEqual(3);
  });

  it("wakes once per tick for one target, and every 63 ms for ten thousand", () => {
    const one = new Recorder();
    const sweeper = sweeperWith(1000, [one]);
    expect(perWake(3000, () => 0).gaps).toEqual([1000, 1000, 1000]);
    const more = many(10_000, () => new Recorder());
    targetsOf.get(sweeper)!.push(...more);
    for (const target of more) sweeper.add(target);
    const { gaps } = perWake(100, () => 0);
    expect(new Set(gaps)).toEqual(new Set([63]));
  });

  it("visits a target added twice once per tick", () => {
    const target = new Recorder();
    const sweeper = sweeperWith(1000, [target]);
    sweeper.add(target);
    vi.advanceTimersByTime(5000);
    expect(target.visits).toHaveLength(5);
  });

  it("stops its timer when the last target goes, even from inside a visit", () => {
    const sweeper = new KeepAliveSweeper(5);
    const b = new Recorder();
    const a = new Recorder(() => {
      sweeper.delete(a);
      sweeper.delete(b);
    });
    sweeper.add(a);
    sweeper.add(b);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50);
    expect(a.visits).toHaveLength(1);
    expect(b.visits).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("loses no target when a visit throws", () => {
    let throwOnce = true;
    const thrower = new Recorder(() => {
      if (throwOnce) {
        throwOnce = false;
        throw new Error("listener failed");
      }
    });
    const others = many(3, () => new Recorder());
    sweeperWith(5, [thrower, ...others]);
    expect(() => vi.advanceTimersByTime(5)).toThrow("listener failed");
    vi.advanceTimersByTime(20);
    expect(thrower.visits.length).toBeGreaterThanOrEqual(2);
    for (const other of others) expect(other.visits.length).toBeGreaterThanOrEqual(1);
  });

  it("applies a shorter tick at once", () => {
    const target = new Recorder();
    const sweeper = sweeperWith(1000, [target]);
    vi.advanceTimersByTime(1000);
    expect(target.visits).toHaveLength(1);
    sweeper.setTickMs(20);
    vi.advanceTimersByTime(30);
    expect(target.visits.length).toBeGreaterThanOrEqual(2);
    vi.advanceTimersByTime(1000);
    expect(target.visits.length).toBeGreaterThanOrEqual(50);
  });

  it("after a stall, visits each target once and keeps them spread", () => {
    const targets = many(10_000, () => new Recorder());
    sweeperWith(1000, targets);
    vi.advanceTimersByTime(1000);
    const before = targets.map((t) => t.visits.length);
    vi.setSystemTime(Date.now() + 10_000); // ten seconds pass with no timer running
    vi.advanceTimersToNextTimer();
    targets.forEach((t, i) => expect(t.visits.length - before[i]!).toBeLessThanOrEqual(1));
    const visits = (): number => sum(targets.map((t) => t.visits.length));
    const { counts } = perWake(2000, visits);
    expect(Math.max(...counts)).toBeLessThanOrEqual(1024);
  });
});
