import { describe, expect, it } from "vitest";
import { runScript } from "../hardening/child.js";

describe("OCPPServer workerThreads, a worker that dies", () => {
  it("is replaced, its frame is checked on the main thread and answered, and close() lets the process end", async () => {
    const outcome = await runScript("worker-crash");
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
    const answers = outcome.printed.split("\n").filter((line) => line.startsWith("ANSWER "));
    expect(answers).toEqual([
      'ANSWER [3,"before",{}]',
      'ANSWER [3,"crash",{}]',
      'ANSWER [3,"after-1",{}]',
      // The replacement worker checks the next ones: this one fails strict mode there.
      expect.stringMatching(/^ANSWER \[4,"after-2","TypeConstraintViolation"/),
    ]);
    expect(outcome.printed).toContain("CLOSED");
    expect(
      outcome.logs.filter(
        (l) => l.msg === "worker thread failed; its frame was checked on the main thread",
      ),
    ).toHaveLength(1);
  }, 30_000);
});
