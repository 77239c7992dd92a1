import { describe, expect, it } from "vitest";
import { runScript } from "./child.js";

// Each scenario runs in its own process without an uncaughtException handler: an 'error'
// event that reaches no listener ends it, which is what these guard against.
describe("a malformed frame right after the upgrade never ends the process", () => {
  it.each(["no-common-protocol", "no-protocol", "unmasked", "oversized"])(
    "server, upgrade + bad frame in one write (%s)",
    async (scenario) => {
      const outcome = await runScript("server-bad-frame", [scenario]);
      expect(outcome.stderr).not.toMatch(/Unhandled|Error/);
      expect(outcome.printed).toBe("SERVED\n");
      expect(outcome.code).toBe(0);
    },
  );

  it.each([
    ["oversized", "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH"],
    ["invalid-utf8", "WS_ERR_INVALID_UTF8"],
    ["rsv1", "WS_ERR_UNEXPECTED_RSV_1"],
  ])("station, 101 + bad frame in one write (%s)", async (scenario, code) => {
    const outcome = await runScript("station-bad-frame", [scenario]);
    expect(outcome.stderr).not.toMatch(/Unhandled|Error/);
    expect(outcome.printed).toBe(`CLOSED ${code}\n`);
    expect(outcome.code).toBe(0);
  });

  it("strict-mode station, 101 + oversized frame in one write", async () => {
    const outcome = await runScript("station-bad-frame", ["oversized", "strict"]);
    expect(outcome.stderr).not.toMatch(/Unhandled|Error/);
    expect(outcome.printed).toBe("CLOSED WS_ERR_UNSUPPORTED_MESSAGE_LENGTH\n");
    expect(outcome.code).toBe(0);
  });
});

describe("a station resetting the connection never ends the server", () => {
  it("RST while the refusal of its upgrade is being written", async () => {
    const outcome = await runScript("server-refused-reset");
    expect(outcome.stderr).not.toMatch(/Unhandled|Error/);
    expect(outcome.printed).toBe("SERVED\n");
    // The default log reported the refusal, with the 512 KiB reason cut short.
    const refusal = outcome.logs.find((line) => line.msg === "handshake refused");
    expect(refusal).toMatchObject({ component: "OCPPServer", status: 403, type: "AUTH_FAILED" });
    expect(String(refusal!.reason).length).toBeLessThan(400);
    expect(outcome.code).toBe(0);
  });
});
