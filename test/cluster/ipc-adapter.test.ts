import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("IpcAdapter under node:cluster", () => {
  it("routes between workers, refuses unknown stations at once, and reports a killed worker", async () => {
    const primary = fork(fileURLToPath(new URL("./fixtures/ipc-primary.ts", import.meta.url)), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const [report] = (await once(primary, "message")) as [Record<string, unknown>];
    await once(primary, "exit");
    expect(report.routed).toMatchObject({
      ok: true,
      value: { status: "Accepted", data: "from worker 1" },
    });
    expect(report.nowhere).toMatchObject({ ok: false, name: "StationNotConnectedError" });
    expect(report.lost).toMatchObject({ ok: false, name: "NodeLostError" });
  }, 30_000);
});
