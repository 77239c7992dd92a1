/** The golden ratio's fraction: its successive multiples spread evenly over [0, 1), however many. */
const GOLDEN = 0.6180339887498949;

/**
 * Items that want a visit once per round, each at its own phase: a ring of groups, one per
 * slot of the round, and slot `s` visits group `s mod size`. An item stays in its group from
 * round to round, so a visit costs no bookkeeping, and a walk touches only the groups whose
 * slots came by. Items added are spread over the groups by the golden ratio, so any number
 * added at once (a server accepting a wave of stations) lands evenly.
 */
export class PhaseRing<T> {
  private groups: Array<Set<T>> = [];
  private readonly groupOf = new Map<T, number>();
  private phase = 0;
  /** The last slot walked. */
  private cursor = 0;

  constructor(size: number) {
    this.resize(size);
  }

  get size(): number {
    return this.groupOf.size;
  }

  has(item: T): boolean {
    return this.groupOf.has(item);
  }

  /** Sets the number of groups (slots per round); every item gets a fresh phase. */
  resize(size: number): void {
    const items = [...this.groupOf.keys()];
    this.groups = Array.from({ length: size }, () => new Set<T>());
    this.groupOf.clear();
    for (const item of items) this.add(item);
  }

  /** Sets the last slot walked; the next walk starts after it. */
  reset(cursor: number): void {
    this.cursor = cursor;
  }

  /** Adds `item` at the next phase (moving it there if it was already in the ring). */
  add(item: T): void {
    this.remove(item);
    this.phase = (this.phase + GOLDEN) % 1;
    const group = Math.floor(this.phase * this.groups.length);
    this.groups[group]!.add(item);
    this.groupOf.set(item, group);
  }

  remove(item: T): void {
    const group = this.groupOf.get(item);
    if (group === undefined) return;
    this.groups[group]!.delete(item);
    this.groupOf.delete(item);
  }

  /**
   * Visits the groups of the slots after the last one walked, up to `upTo`: each group at
   * most once, however long since the last walk (a stalled process does not replay rounds).
   * A visit that throws ends the walk; its group is walked again next time.
   */
  walk(upTo: number, visit: (item: T) => void): void {
    const slots = Math.min(upTo - this.cursor, this.groups.length);
    for (let k = 1; k <= slots; k++) {
      const slot = upTo - slots + k;
      for (const item of this.groups[slot % this.groups.length]!) visit(item);
      this.cursor = slot;
    }
  }
}
