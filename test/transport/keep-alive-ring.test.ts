import { describe, expect, it } from "vitest";
import { PhaseRing } from "../../src/transport/phase-ring.js";

/** Walks up to `upTo` and returns the items visited, in visit order. */
function walked<T>(ring: PhaseRing<T>, upTo: number): T[] {
  const seen: T[] = [];
  ring.walk(upTo, (item) => seen.push(item));
  return seen;
}

describe("PhaseRing", () => {
  it("spreads items added at once evenly over its groups", () => {
    const ring = new PhaseRing<number>(100);
    for (let i = 0; i < 10_000; i++) ring.add(i);
    const perSlot = Array.from({ length: 100 }, (_, slot) => walked(ring, slot + 1).length);
    expect(Math.min(...perSlot)).toBeGreaterThanOrEqual(90);
    expect(Math.max(...perSlot)).toBeLessThanOrEqual(110);
    expect(perSlot.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it("visits every item once per round, at the same slot of each round", () => {
    const ring = new PhaseRing<string>(4);
    for (const item of ["a", "b", "c"]) ring.add(item);
    const slotOf = new Map<string, number[]>();
    for (let slot = 1; slot <= 12; slot++) {
      for (const item of walked(ring, slot)) slotOf.set(item, [...(slotOf.get(item) ?? []), slot]);
    }
    for (const item of ["a", "b", "c"]) {
      const slots = slotOf.get(item)!;
      expect(slots).toHaveLength(3);
      expect(slots.map((s) => s % 4)).toEqual([slots[0]! % 4, slots[0]! % 4, slots[0]! % 4]);
    }
  });

  it("walks each group once after a long gap, not once per missed round", () => {
    const ring = new PhaseRing<number>(10);
    for (let i = 0; i < 50; i++) ring.add(i);
    const seen = walked(ring, 1_000);
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
    expect(walked(ring, 1_000)).toEqual([]);
  });

  it("moves an item added again, and skips one removed during a walk", () => {
    const ring = new PhaseRing<string>(1);
    for (const item of ["a", "b", "a", "c"]) ring.add(item);
    ring.remove("never added");
    expect(walked(ring, 1).sort()).toEqual(["a", "b", "c"]);
    const seen: string[] = [];
    ring.walk(2, (item) => {
      seen.push(item);
      for (const other of ["a", "b", "c"]) if (other !== item) ring.remove(other);
    });
    expect(seen).toHaveLength(1);
    expect(ring.size).toBe(1);
  });

  it("walks the group of a visit that threw again next time", () => {
    const ring = new PhaseRing<string>(1);
    for (const item of ["a", "b"]) ring.add(item);
    let visits = 0;
    expect(() =>
      ring.walk(1, () => {
        if (visits++ === 0) throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(walked(ring, 1).sort()).toEqual(["a", "b"]);
  });

  it("gives every item a fresh phase over the new number of groups on resize", () => {
    const ring = new PhaseRing<number>(1);
    for (let i = 0; i < 1000; i++) ring.add(i);
    ring.resize(10);
    const perSlot = Array.from({ length: 10 }, (_, slot) => walked(ring, slot + 1).length);
    expect(ring.size).toBe(1000);
    expect(Math.max(...perSlot)).toBeLessThanOrEqual(110);
    expect(perSlot.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});
