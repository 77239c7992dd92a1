import { KeepAlivePinger, type PingHost } from "../rpc/keep-alive-pinger.js";
import { PhaseRing } from "./phase-ring.js";

/** Something the sweeper visits: decides by itself whether a ping or a drop is due. */
export interface KeepAliveTarget {
  keepAliveTick(now: number): void;
}

/** Width of a slot: how finely the visits are spread over a tick. */
const SLOT_MS = 10;
/** How many targets one wake-up may visit before the timer runs more often to spread them. */
const VISITS_PER_WAKE = 1024;

/**
 * One timer for many connections: the server shares one sweeper among all its clients
 * instead of a timer per connection (a standalone client has its own). Each target is
 * visited once per tick at its own phase within the tick (a phase ring), so that at 10,000
 * connections a wake-up visits several hundred targets instead of all of them, and the
 * pings due go out a few at a time rather than in one burst a second whose pongs come back in
 * a burst too. The timer runs more often the more targets there are (at most once a slot),
 * only while there is a target, and is unref'd so it never keeps a process alive.
 */
export class KeepAliveSweeper {
  private slotMs = 0;
  private readonly ring = new PhaseRing<KeepAliveTarget>(1);
  private timer: ReturnType<typeof setInterval> | undefined;
  private periodMs = 0;

  constructor(private tickMs: number) {
    this.setSlots();
  }

  /** Ticks often enough to honour the shortest interval within a quarter of it. */
  static tickFor(pingIntervalMs: number): number {
    return Math.max(5, Math.min(1000, Math.floor(pingIntervalMs / 4)));
  }

  /** A new tick takes effect at once: every target gets a fresh phase within it. */
  setTickMs(tickMs: number): void {
    if (tickMs === this.tickMs) return;
    this.tickMs = tickMs;
    this.setSlots();
    if (this.timer) this.retime(true);
  }

  /**
   * A keep-alive for one connection, ticked by this sweeper. Made here rather than by the
   * engine, so that only the roles that can ping (Node) carry the pinger.
   */
  pinger(host: PingHost): KeepAlivePinger {
    return new KeepAlivePinger(host, this);
  }

  /** Starts visiting `target` (again, at a fresh phase, if it was already there). */
  add(target: KeepAliveTarget): void {
    if (this.ring.size === 0) this.ring.reset(this.slotAt(Date.now()));
    this.ring.add(target);
    this.retime(false);
  }

  delete(target: KeepAliveTarget): void {
    this.ring.remove(target);
    if (this.ring.size === 0) this.stop();
  }

  private setSlots(): void {
    this.slotMs = Math.min(SLOT_MS, this.tickMs);
    this.ring.resize(Math.max(1, Math.round(this.tickMs / this.slotMs)));
    this.ring.reset(this.slotAt(Date.now()));
  }

  private slotAt(time: number): number {
    return Math.floor(time / this.slotMs);
  }

  private sweep(): void {
    this.retime(true);
    const now = Date.now();
    this.ring.walk(this.slotAt(now), (target) => target.keepAliveTick(now));
  }

  /** Each wake-up visits about VISITS_PER_WAKE targets at most: a period halved per doubling. */
  private wantedPeriod(): number {
    const halvings = Math.max(0, Math.ceil(Math.log2(this.ring.size / VISITS_PER_WAKE)));
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
