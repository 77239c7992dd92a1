import { describe, expect, it } from "vitest";
import { InboundRequests } from "../../src/cluster/inbound-requests.js";

describe("InboundRequests (the receiver's memory of routed request ids)", () => {
  it("admits an id once: in flight while out, then its reply is given again", () => {
    const seen = new InboundRequests(10);
    expect(seen.admit("r1", Date.now() + 1000)).toEqual({ kind: "new" });
    expect(seen.admit("r1", Date.now() + 1000)).toEqual({ kind: "in-flight" });
    seen.complete("r1", "reply-1");
    expect(seen.admit("r1", Date.now() + 1000)).toEqual({ kind: "done", reply: "reply-1" });
  });

  it("never holds more than its bound, forgetting the oldest ids first", () => {
    const seen = new InboundRequests(3);
    const far = Date.now() + 60_000;
    for (let i = 0; i < 5000; i++) seen.admit(`r${i}`, far);
    expect(seen.size).toBe(3);
    // The three newest are remembered, anything older is new again.
    expect(seen.admit("r4999", far).kind).toBe("in-flight");
    expect(seen.admit("r4997", far).kind).toBe("in-flight");
    expect(seen.admit("r4996", far).kind).toBe("new");
  });

  it("sweep forgets ids only once their deadline is 30 s past", () => {
    const seen = new InboundRequests(100);
    seen.admit("early", 1_000);
    seen.admit("late", 5_000);
    seen.sweep(30_999);
    expect(seen.size).toBe(2);
    seen.sweep(31_000);
    expect(seen.size).toBe(1);
    expect(seen.admit("late", 5_000).kind).toBe("in-flight");
    expect(seen.admit("early", 1_000).kind).toBe("new");
  });

  it("keeps an id admitted later with a shorter deadline until the ones before it go", () => {
    const seen = new InboundRequests(100);
    seen.admit("long", 10_000);
    seen.admit("short", 1_000);
    seen.sweep(35_000);
    // Not forgotten early, only possibly late.
    expect(seen.size).toBe(2);
    seen.sweep(40_000);
    expect(seen.size).toBe(0);
  });

  it("stays consistent across many compactions of its order", () => {
    const seen = new InboundRequests(50);
    for (let i = 0; i < 20_000; i++) {
      expect(seen.admit(`id-${i}`, i).kind).toBe("new");
      if (i % 7 === 0) seen.complete(`id-${i}`, `reply-${i}`);
      if (i % 1000 === 0) seen.sweep(i + 30_000 - 25);
      expect(seen.size).toBeLessThanOrEqual(50);
    }
    expect(seen.admit("id-19998", 0).kind).toBe("in-flight");
    expect(seen.admit("id-19992", 0)).toEqual({ kind: "done", reply: "reply-19992" });
  });
});
