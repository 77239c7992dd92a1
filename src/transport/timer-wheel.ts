/**
 * Items bucketed by slot number (a time divided by the slot width, chosen by the owner).
 * Placing, moving and removing an item cost O(1), and draining touches only the slots that
 * came due, so a tick costs what is due, not what is held. Slots are absolute numbers kept
 * in a Map (a "hashed" wheel): no ring to overflow, however far ahead an item is placed.
 */
export class TimerWheel<T> {
  private readonly buckets = new Map<number, Set<T>>();
  private readonly slotOf = new Map<T, number>();
  /** The last slot drained: nothing is ever placed at or before it. */
  private cursor = 0;
  /** While draining, the slot drained up to: what is placed meanwhile goes after it. */
  private drainingUpTo = -Infinity;

  get size(): number {
    return this.slotOf.size;
  }

  has(item: T): boolean {
    return this.slotOf.has(item);
  }

  items(): IterableIterator<T> {
    return this.slotOf.keys();
  }

  /** Empties the wheel and sets the last drained slot; the next drain starts after it. */
  reset(cursor: number): void {
    this.buckets.clear();
    this.slotOf.clear();
    this.cursor = cursor;
  }

  /**
   * Puts `item` in `slot` (moving it if it was elsewhere). A slot already drained means the
   * next one; during a drain, the first slot after it.
   */
  place(item: T, slot: number): void {
    const target = Math.max(slot, this.cursor + 1, this.drainingUpTo + 1);
    const previous = this.slotOf.get(item);
    if (previous === target) return;
    if (previous !== undefined) this.detach(item, previous);
    let bucket = this.buckets.get(target);
    if (!bucket) {
      bucket = new Set();
      this.buckets.set(target, bucket);
    }
    bucket.add(item);
    this.slotOf.set(item, target);
  }

  remove(item: T): void {
    const slot = this.slotOf.get(item);
    if (slot === undefined) return;
    this.detach(item, slot);
    this.slotOf.delete(item);
  }

  /**
   * Takes every item out of the slots up to `upTo`, in slot order, and hands each to `visit`
   * (which may place it again: it is visited at a later drain). A visit that throws ends the
   * drain; the rest of its slot and the slots after it wait for the next one, nothing lost.
   */
  drain(upTo: number, visit: (item: T, slot: number) => void): void {
    if (upTo <= this.cursor) return;
    this.drainingUpTo = upTo;
    try {
      if (upTo - this.cursor > this.buckets.size) {
        // A long gap (a stalled process, a clock jump): walk the slots that exist, not the gap.
        const due = [...this.buckets.keys()].filter((slot) => slot <= upTo).sort((a, b) => a - b);
        for (const slot of due) this.drainSlot(slot, visit);
      } else {
        for (let slot = this.cursor + 1; slot <= upTo; slot++) this.drainSlot(slot, visit);
      }
      this.cursor = upTo;
    } finally {
      this.drainingUpTo = -Infinity;
    }
  }

  private drainSlot(slot: number, visit: (item: T, slot: number) => void): void {
    const bucket = this.buckets.get(slot);
    if (bucket) {
      // The bucket stays in the map while it is walked, so a visit that removes another
      // item of this slot removes it from the walk too.
      try {
        for (const item of bucket) {
          this.remove(item);
          visit(item, slot);
        }
      } finally {
        for (const item of bucket) this.place(item, slot + 1);
      }
    }
    this.cursor = slot;
  }

  private detach(item: T, slot: number): void {
    const bucket = this.buckets.get(slot);
    if (!bucket) return;
    bucket.delete(item);
    if (bucket.size === 0) this.buckets.delete(slot);
  }
}
