import { TimerWheel } from "./timer-wheel.js";

/**
 * Something the sweeper visits: decides by itself whether a ping or a drop is due. It may
 * return when it next needs a visit (a `Date.now()` time); without one, it is visited again
 * one tick later.
 */
export interface KeepAliveTarget {
  keepAliveTick(now: number): number | void;
}

/** Width of a wheel slot: how precisely a visit is placed in time. */
const SLOT_MS = 10;
/** How many visits one wake-up may make before the timer runs more often to spread them. */
const VISITS_PER_WAKE = 64;
/** The golden ratio's fraction: successive multiples spread evenly over [0, 1) in any number. */
const GOLDEN = 0.6180339887498949;

/**
 * One timer for many connections: the server shares one sweeper among all its clients
 * instead of a timer per connection (a standalone client has its own). Targets sit in a
 * timer wheel; each is visited once per tick at its own phase within the tick (or when it
 * said it is next due), so that at 10,000 connections a wake-up visits about a hundred
 * targets instead of all of them, and the pings due go out a few at a time rather than in
 * one burst a second whose pongs then come back in a burst too. The timer runs more often the
 * more targets there are (at most once a slot), only while there is a target, and is
 * unref'd so it never keeps a process alive.
 */
export class KeepAliveSweeper {
  private readonly wheel = new TimerWheel<KeepAliveTarget>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private periodMs = 0;
  private slotMs = 0;
  private tickSlots = 0;
  /** Where in the tick the next target added is first visited, as a fraction of the tick. */
  private phase = 0;

  constructor(private tickMs: number) {
    this.setSlots();
  }

  /** Ticks often enough to honour the shortest interval within a quarter of it. */
  static tickFor(pingIntervalMs: number): number {
    return Math.max(5, Math.min(1000, Math.floor(pingIntervalMs / 4)));
  }

  setTickMs(tickMs: number): void {
    if (tickMs === this.tickMs) return;
    this.tickMs = tickMs;
    this.setSlots();
    if (this.wheel.size === 0) return;
    // The slot numbering changed: every target gets a fresh phase within the new tick, so a
    // shorter tick takes effect at once rather than after the old one.
    const targets = [...this.wheel.items()];
    const now = Date.now();
    this.wheel.reset(this.slotAt(now));
    for (const target of targets) this.wheel.place(target, this.phaseSlot(now));
    this.retime(true);
  }

  /** Starts visiting `target` (again, at a fresh phase, if it was already there). */
  add(target: KeepAliveTarget): void {
    const now = Date.now();
    if (this.wheel.size === 0) this.wheel.reset(this.slotAt(now));
    this.wheel.place(target, this.phaseSlot(now));
    this.retime(false);
  }

  delete(target: KeepAliveTarget): void {
    this.wheel.remove(target);
    if (this.wheel.size === 0) this.stop();
  }

  private setSlots(): void {
    this.slotMs = Math.min(SLOT_MS, this.tickMs);
    this.tickSlots = Math.max(1, Math.round(this.tickMs / this.slotMs));
  }

  private slotAt(time: number): number {
    return Math.floor(time / this.slotMs);
  }

  /** A slot within the next tick, at the next golden-ratio phase: any number of adds spread evenly. */
  private phaseSlot(now: number): number {
    this.phase = (this.phase + GOLDEN) % 1;
    return this.slotAt(now) + 1 + Math.floor(this.phase * this.tickSlots);
  }

  private sweep(): void {
    this.retime(true);
    const now = Date.now();
    const current = this.slotAt(now);
    this.wheel.drain(current, (target, slot) => {
      // One tick later at the same phase (skipping ticks a stall missed); placed before the
      // visit, so a target whose tick throws is still visited next time.
      const missed = Math.floor((current - slot) / this.tickSlots);
      this.wheel.place(target, slot + (missed + 1) * this.tickSlots);
      const due = target.keepAliveTick(now);
      if (typeof due === "number" && Number.isFinite(due) && this.wheel.has(target)) {
        this.wheel.place(target, Math.max(current + 1, Math.ceil(due / this.slotMs)));
      }
    });
  }

  /** Each wake-up visits about VISITS_PER_WAKE targets at most: a period halved per doubling. */
  private wantedPeriod(): number {
    const halvings = Math.max(0, Math.ceil(Math.log2(this.wheel.size / VISITS_PER_WAKE)));
    return Math.max(this.slotMs, Math.round(this.tickMs / 2 ** halvings));
  }

  /**
   * (Re)starts the timer for the wanted period. Outside a wake-up only a shorter period is
   * applied: restarting pushes the next wake-up back, which is only safe when it comes sooner.
   */
  private retime(fromSweep: boolean): void {
    const wanted = this.wantedPeriod();
    if (this.timer && (wanted === this.periodMs || (!fromSweep && wanted > this.periodMs))) return;
    if (this.timer) clearInterval(this.timer);
    this.periodMs = wanted;
    this.timer = setInterval(() => this.sweep(), wanted);
    // Browsers have no unref; Node's keeps an idle sweeper from holding the process open.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.periodMs = 0;
  }
}

/** A ping interval with ±25% random jitter, so thousands of stations don't ping in step. */
export function jitteredInterval(intervalMs: number): number {
  return intervalMs * (0.75 + Math.random() * 0.5);
}
