/**
 * The default outputs, in child processes whose stdout is read: pino JSON lines, pino-pretty
 * lines, nothing with `logging: false`, and no secret in any line of a TLS + Basic auth run.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useTestPki } from "../helpers/test-pki.js";

const SCRIPT = fileURLToPath(new URL("./scripts/log-run.ts", import.meta.url));

function run(mode: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, mode], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("the default log output", () => {
  it("is pino JSON on stdout: lifecycle lines at info, none per message", async () => {
    const { code, stdout } = await run("default");
    expect(code).toBe(0);
    const lines = jsonLines(stdout);
    expect(lines.map((l) => `${l.component as string} ${l.msg as string}`)).toEqual(
      expect.arrayContaining([
        "OCPPServer station connected",
        "OCPPClient connected",
        "OCPPServer station disconnected",
        "OCPPClient disconnected",
        "OCPPServer closing",
      ]),
    );
    expect(lines.every((l) => typeof l.time === "number" && l.level === 30)).toBe(true);
    expect(lines.find((l) => l.msg === "station connected")).toMatchObject({
      identity: "CP-1",
      protocol: "ocpp1.6",
      pid: expect.any(Number),
    });
    expect(stdout).not.toContain("Heartbeat");
    expect(stdout.split("\n")).toContain("DONE");
  });

  it("writes nothing with logging: false", async () => {
    const { code, stdout, stderr } = await run("off");
    expect(code).toBe(0);
    expect(stdout).toBe("DONE\n");
    expect(stderr).toBe("");
  });

  it("prettify renders readable lines with pino-pretty, source tag and key=value metadata", async () => {
    const { code, stdout } = await run("pretty");
    expect(code).toBe(0);
    expect(stdout).toMatch(/INFO.*: \[OCPPClient\/CP-1\] connected protocol=ocpp1\.6/);
    expect(stdout).toMatch(/\[OCPPClient\/CP-1\] disconnected code=1000 reason=""/);
    expect(stdout).not.toContain('{"level"');
  });
});

describe("secrets", () => {
  const pki = useTestPki();

  it("never reach a log line, at every level with the exchange log and payloads on", async () => {
    const password = "s3cret-Basic-pass-4711";
    const { code, stdout, stderr } = await run("secrets", {
      OCPP_TEST_PASSWORD: password,
      OCPP_TEST_CERT: pki.serverRsa.cert,
      OCPP_TEST_KEY: pki.serverRsa.key,
      OCPP_TEST_CA: pki.ca.cert,
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = jsonLines(stdout);
    // The run did log: the refused password, the exchange, the lifecycle.
    expect(lines.some((l) => l.msg === "handshake refused" && l.status === 401)).toBe(true);
    expect(lines.some((l) => l.msg === "IN CALL Heartbeat")).toBe(true);
    const keyBody = pki.serverRsa.key.split("\n")[1]!;
    for (const secret of [password, Buffer.from(`CP-1:${password}`).toString("base64"), keyBody]) {
      expect(stdout).not.toContain(secret);
    }
    expect(stdout).not.toContain("PRIVATE KEY");
  });
});
