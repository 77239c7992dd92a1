import { describe, expect, it } from "vitest";
import { EventEmitter } from "../../src/rpc/emitter.js";

interface TestEvents {
  tick: [n: number];
  error: [error: Error];
  other: [];
}

const make = () => new EventEmitter<TestEvents>();

describe("EventEmitter", () => {
  it("calls listeners in the order added, with their arguments, and says whether anyone listened", () => {
    const e = make();
    const seen: string[] = [];
    expect(e.emit("tick", 1)).toBe(false);
    e.on("tick", (n) => seen.push(`a${n}`));
    e.addListener("tick", (n) => seen.push(`b${n}`));
    expect(e.emit("tick", 2)).toBe(true);
    expect(seen).toEqual(["a2", "b2"]);
  });

  it("does not throw for 'error' without a listener", () => {
    expect(make().emit("error", new Error("x"))).toBe(false);
  });

  it("runs a once-listener once, removed before it runs", () => {
    const e = make();
    const counts: number[] = [];
    e.once("tick", (n) => counts.push(e.listenerCount("tick"), n));
    e.emit("tick", 1);
    e.emit("tick", 2);
    expect(counts).toEqual([0, 1]);
    expect(e.eventNames()).toEqual([]);
  });

  it("calls the listeners registered when the emit began", () => {
    const e = make();
    const seen: string[] = [];
    const late = () => seen.push("late");
    const second = () => seen.push("second");
    e.on("tick", () => {
      seen.push("first");
      e.off("tick", second);
      e.on("tick", late);
    });
    e.on("tick", second);
    e.emit("tick", 1);
    expect(seen).toEqual(["first", "second"]);
    seen.length = 0;
    e.emit("tick", 2);
    expect(seen).toEqual(["first", "late"]);
  });

  it("uses the emitter as `this`, or the context given", () => {
    const e = make();
    const context = { name: "ctx" };
    const thisValues: unknown[] = [];
    e.on("other", function (this: unknown) {
      thisValues.push(this);
    });
    e.on(
      "other",
      function (this: unknown) {
        thisValues.push(this);
      },
      context,
    );
    e.emit("other");
    expect(thisValues).toEqual([e, context]);
  });

  it("removes one listener, only once-listeners, or every listener of an event", () => {
    const e = make();
    const fn = () => {};
    e.on("tick", fn).once("tick", fn).on("other", fn);
    e.removeListener("tick", fn, undefined, true);
    expect(e.listeners("tick")).toEqual([fn]);
    e.off("tick", () => {});
    expect(e.listenerCount("tick")).toBe(1);
    e.off("tick", fn);
    expect(e.listenerCount("tick")).toBe(0);
    e.on("tick", fn);
    e.off("tick");
    expect(e.eventNames()).toEqual(["other"]);
    e.on("tick", fn);
    e.removeAllListeners("other");
    expect(e.eventNames()).toEqual(["tick"]);
    e.removeAllListeners();
    expect(e.eventNames()).toEqual([]);
  });

  it("lets a throwing listener's error reach the emitter and stops that emit", () => {
    const e = make();
    const seen: number[] = [];
    e.on("tick", () => {
      throw new Error("listener bug");
    });
    e.on("tick", (n) => seen.push(n));
    expect(() => e.emit("tick", 1)).toThrow("listener bug");
    expect(seen).toEqual([]);
  });
});
