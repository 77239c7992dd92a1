import type { PresenceStore } from "./contract.js";
import { presenceNode, presenceValue } from "./envelope.js";

/** What the core needs of a station connected to this node. */
export interface LocalStation {
  readonly identity: string;
  call(...args: unknown[]): Promise<unknown>;
  close(options: { code: number; reason: string }): Promise<unknown>;
}

interface Held {
  station: LocalStation;
  /** This connection's presence value (the fence). */
  own: string;
  connectedAt: number;
}

/** Close code for a session superseded by a newer connection of the station elsewhere. */
export const REPLACED_CLOSE_CODE = 4001;

/** Refreshes run this many presence scripts at a time (bounds the pipeline). */
const REFRESH_BATCH = 500;

/**
 * The stations this node holds and their presence records. Each connection gets its own
 * sequence number, so its record fences requests: a node answers only for the exact
 * connection a caller was routed to, never for one that has since been replaced.
 */
export class LocalPresence {
  private readonly held = new Map<string, Held>();
  private seq = 0;
  failures = 0;

  constructor(
    private readonly store: () => PresenceStore,
    private readonly nodeId: string,
    private readonly ttlMs: number,
    /** Told when a claim displaced a connection on another node. */
    private readonly onDisplaced: (identity: string, previousOwner: string) => void,
  ) {}

  get size(): number {
    return this.held.size;
  }

  /** The connection of `identity` held here, if it is exactly the one `own` names. */
  station(identity: string, own?: string): LocalStation | undefined {
    const entry = this.held.get(identity);
    if (!entry || (own !== undefined && entry.own !== own)) return undefined;
    return entry.station;
  }

  add(station: LocalStation): void {
    const connectedAt = Date.now();
    const own = presenceValue(this.nodeId, ++this.seq, connectedAt);
    this.held.set(station.identity, { station, own, connectedAt });
    this.store()
      .claim(station.identity, own, this.ttlMs)
      .then((previous) => {
        if (previous && presenceNode(previous) !== this.nodeId) {
          this.onDisplaced(station.identity, previous);
        }
      })
      .catch(() => {
        // The backend is down; the next refresh (or the one after it comes back) claims it.
        this.failures++;
      });
  }

  remove(station: LocalStation): void {
    const entry = this.held.get(station.identity);
    // A replaced connection closing late must not remove its successor's record.
    if (!entry || entry.station !== station) return;
    this.held.delete(station.identity);
    this.store()
      .release(station.identity, entry.own)
      .catch(() => {
        // The record then expires on its own (presenceTtlMs), and lookups check node liveness.
        this.failures++;
      });
  }

  /** Closes our connection of `identity` if it is still `own` (evicted by a newer one). */
  evict(identity: string, own: string): void {
    const entry = this.held.get(identity);
    if (!entry || entry.own !== own) return;
    this.held.delete(identity);
    void entry.station
      .close({ code: REPLACED_CLOSE_CODE, reason: "Replaced by a connection on another node" })
      .catch(() => undefined);
  }

  /**
   * Renews every record (re-creating lost ones, newest connection winning) and closes local
   * sessions another node now holds. Resolves with the number of sessions closed.
   */
  async refreshAll(): Promise<number> {
    let closed = 0;
    const entries = [...this.held.values()];
    for (let i = 0; i < entries.length; i += REFRESH_BATCH) {
      const batch = entries.slice(i, i + REFRESH_BATCH);
      const results = await Promise.all(
        batch.map((e) =>
          this.store()
            .refresh(e.station.identity, e.own, e.connectedAt, this.ttlMs)
            .catch(() => {
              this.failures++;
              return null;
            }),
        ),
      );
      results.forEach((holder, k) => {
        const entry = batch[k]!;
        if (holder === null) return;
        closed++;
        this.evict(entry.station.identity, entry.own);
      });
    }
    return closed;
  }

  identities(): string[] {
    return [...this.held.keys()];
  }
}
