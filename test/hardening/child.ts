import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the script printed itself: stdout without the library's JSON log lines. */
  printed: string;
  /** The library's log lines (default logging, pino JSON), parsed. */
  logs: Record<string, unknown>[];
  stderr: string;
}

/**
 * Runs `scripts/<name>.ts` in a fresh Node process (through tsx, on the sources), with no
 * uncaughtException handler: an unhandled 'error' event ends it with a non-zero code.
 */
export function runScript(name: string, args: string[] = []): Promise<ChildOutcome> {
  const script = fileURLToPath(new URL(`./scripts/${name}.ts`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const lines = stdout.split("\n");
      const isLog = (line: string) => line.startsWith('{"level":');
      resolve({
        code,
        signal,
        printed: lines.filter((line) => !isLog(line)).join("\n"),
        logs: lines.filter(isLog).map((line) => JSON.parse(line) as Record<string, unknown>),
        stderr,
      });
    });
  });
}
