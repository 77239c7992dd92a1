import { describe, expect, it } from "vitest";
import { TimerWheel } from "../../src/transport/timer-wheel.js";

/** Drains up to `upTo` and returns the items visited, with their slots, in visit order. */
function drained<T>(wheel: TimerWheel<T>, upTo: number): Array<[T, number]> {
  const seen: Array<[T, number]> = [];
  wheel.drain(upTo, (item, slot) => seen.push([item, slot]));
  return seen;
}

describe("TimerWheel", () => {
  it("drains the slots that came due, in slot order, and keeps the later ones", () => {
    const wheel = new TimerWheel<string>();
    wheel.place("c", 3);
    wheel.place("a", 1);
    wheel.place("later", 10);
    wheel.place("b", 1);
    expect(drained(wheel, 5)).toEqual([
      ["a", 1],
      ["b", 1],
      ["c", 3],
    ]);
    expect(wheel.size).toBe(1);
    expect(drained(wheel, 9)).toEqual([]);
    expect(drained(wheel, 10)).toEqual([["later", 10]]);
    expect(wheel.size).toBe(0);
  });

  it("moves an item placed again, and forgets one removed", () => {
    const wheel = new TimerWheel<string>();
    wheel.place("x", 2);
    wheel.place("x", 7);
    wheel.place("y", 3);
    wheel.remove("y");
    wheel.remove("never placed");
    expect(wheel.size).toBe(1);
    expect(wheel.has("y")).toBe(false);
    expect(drained(wheel, 6)).toEqual([]);
    expect(drained(wheel, 7)).toEqual([["x", 7]]);
  });

  it("puts an item placed in a drained slot into the next one", () => {
    const wheel = new TimerWheel<string>();
    wheel.reset(100);
    wheel.place("past", 40);
    expect(drained(wheel, 100)).toEqual([]);
    expect(drained(wheel, 101)).toEqual([["past", 101]]);
  });

  it("visits an item placed during a drain at a later drain, never twice in one", () => {
    const wheel = new TimerWheel<string>();
    wheel.place("again", 1);
    const slots: number[] = [];
    const visit = (item: string, slot: number): void => {
      slots.push(slot);
      wheel.place(item, slot + 1); // due in a slot this drain still walks
    };
    wheel.drain(4, visit);
    expect(slots).toEqual([1]);
    wheel.drain(6, visit);
    expect(slots).toEqual([1, 5]);
  });

  it("skips an item of the same slot that a visit removed", () => {
    const wheel = new TimerWheel<string>();
    for (const item of ["a", "b", "c"]) wheel.place(item, 1);
    const seen: string[] = [];
    wheel.drain(1, (item) => {
      seen.push(item);
      if (item === "a") wheel.remove("b");
    });
    expect(seen).toEqual(["a", "c"]);
    expect(wheel.size).toBe(0);
  });

  it("keeps the rest of a slot for the next drain when a visit throws", () => {
    const wheel = new TimerWheel<string>();
    for (const item of ["a", "b", "c"]) wheel.place(item, 1);
    wheel.place("d", 2);
    expect(() =>
      wheel.drain(2, (item) => {
        if (item === "a") throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(wheel.has("a")).toBe(false);
    expect(wheel.size).toBe(3);
    expect(drained(wheel, 3)).toEqual([
      ["d", 2],
      ["b", 3],
      ["c", 3],
    ]);
  });

  it("after a long gap, walks only the slots that hold items, in order", () => {
    const wheel = new TimerWheel<string>();
    wheel.place("far", 2_000_000_000);
    wheel.place("near", 5);
    wheel.place("beyond", 2_000_000_100);
    expect(drained(wheel, 2_000_000_050)).toEqual([
      ["near", 5],
      ["far", 2_000_000_000],
    ]);
    expect(drained(wheel, 2_000_000_100)).toEqual([["beyond", 2_000_000_100]]);
  });
});
