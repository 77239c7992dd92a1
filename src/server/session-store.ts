import type { SessionData } from "./auth-context.js";

/**
 * Sessions of stations that disconnected, kept by identity for `ttlMs` after their last
 * activity so the next connection of the same identity starts from them. A Map keeps
 * insertion order and an entry is re-inserted when stored, so the oldest entries are at the
 * front: a sweep drops from the front and stops at the first live one, touching only what
 * it removes (no full scan of a large map).
 */
export class SessionStore {
  private readonly parked = new Map<string, { session: SessionData; inactiveSince: number }>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(private readonly ttlMs: number) {
    if (Number.isFinite(ttlMs)) {
      this.timer = setInterval(() => this.sweep(Date.now()), Math.min(ttlMs, 60_000));
      this.timer.unref();
    }
  }

  /** Sessions kept for identities not connected now. */
  get size(): number {
    return this.parked.size;
  }

  /** Keeps the session of an identity that just disconnected. */
  park(identity: string, session: SessionData): void {
    this.parked.delete(identity);
    this.parked.set(identity, { session, inactiveSince: Date.now() });
  }

  /** The session for a new connection: the kept one (if still live) under the new accept's fields. */
  restore(identity: string, fresh: SessionData): SessionData {
    const kept = this.parked.get(identity);
    if (!kept) return fresh;
    if (!isRecord(fresh) || !isRecord(kept.session)) {
      this.parked.delete(identity);
      return fresh;
    }
    this.parked.delete(identity);
    if (Date.now() - kept.inactiveSince >= this.ttlMs) return fresh;
    return { ...kept.session, ...fresh };
  }

  /** Drops the sessions inactive for ttlMs, oldest first. */
  sweep(now: number): void {
    for (const [identity, kept] of this.parked) {
      if (now - kept.inactiveSince < this.ttlMs) return;
      this.parked.delete(identity);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.parked.clear();
  }
}

function isRecord(value: unknown): value is SessionData {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
