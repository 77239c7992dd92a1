/**
 * Every example in examples/ runs as a user would run it: a child process importing the
 * built package by its name (`ocpp-ws-io`, `ocpp-ws-io/express`, ... resolved through the
 * package's "exports"), which must end by itself with exit code 0 and print what it shows.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeImportsOf } from "../../scripts/browser-bundle.js";
import type { OCPPServerClient } from "../../src/index.js";
import { BrowserHarness } from "../browser/support.js";
import { waitFor } from "../helpers/events.js";
import { Peers } from "../helpers/peers.js";
import { RedisServer } from "../helpers/redis-server.js";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url).pathname;
const tsx = join(root, "node_modules/.bin/tsx");
const tsc = join(root, "node_modules/.bin/tsc");

interface Example {
  file: string;
  command: [string, ...string[]];
  /** Lines (or parts of lines) the example must print, in this order. */
  prints: Array<string | RegExp>;
  /** Environment variables the example reads (e.g. where its Redis server is). */
  env?: () => Record<string, string>;
}

/** The Redis server the clustering example runs against (started by beforeAll). */
let redis: RedisServer | undefined;

const node = (file: string): [string, ...string[]] => [process.execPath, file];

const EXAMPLES: Example[] = [
  {
    file: "examples/csms-quick-start.mjs",
    command: node("examples/csms-quick-start.mjs"),
    prints: [
      /^CSMS listening on ws:\/\/127\.0\.0\.1:\d+$/,
      "CP001 connected with ocpp1.6",
      "CP001 is a VendorX ModelY",
      'configuration: [{"key":"HeartbeatInterval","readonly":true,"value":"300"}]',
      "BLOCKED refused: HTTP 401",
      "CSMS stopped",
    ],
  },
  {
    file: "examples/station-quick-start.mjs",
    command: node("examples/station-quick-start.mjs"),
    prints: [
      "connected to ocpp1.6 CSMS",
      "boot Accepted, heartbeat every 300 s",
      /^CSMS time: \d{4}-/,
      "station stopped",
    ],
  },
  {
    file: "examples/security-profile-1.mjs",
    command: node("examples/security-profile-1.mjs"),
    prints: [
      "wrong password: HTTP 401",
      "CSMS: CP001 authenticated",
      /^station: heartbeat answered at /,
    ],
  },
  {
    file: "examples/security-profile-2.mjs",
    command: node("examples/security-profile-2.mjs"),
    prints: ["CSMS: CP001 connected over TLS with ocpp2.0.1", "station: boot Accepted"],
  },
  {
    file: "examples/security-profile-3.mjs",
    command: node("examples/security-profile-3.mjs"),
    prints: [
      "CP999 with CP001's certificate: HTTP 401",
      /^CSMS: CP001 presented CN=CP001 \([0-9A-F]{2}:/,
      "station: heartbeat answered",
    ],
  },
  {
    file: "examples/strict-mode.mjs",
    command: node("examples/strict-mode.mjs"),
    prints: [
      "station strict: BootNotification call (out) OccurrenceConstraintViolation",
      /^refused before sending: OccurrenceConstraintViolation: .*chargePointModel/,
      "valid boot: Accepted",
      "CSMS strict: BootNotification call (in) OccurrenceConstraintViolation",
      // OCPP-J 1.6 spells it with one "r" on the wire.
      "CSMS answered: OccurenceConstraintViolation",
    ],
  },
  {
    file: "examples/express.mjs",
    command: node("examples/express.mjs"),
    prints: [
      /^Express \+ OCPP on port \d+$/,
      "station: boot Accepted",
      "CSMS: Reset Accepted",
      'GET /health: {"stations":1}',
      "station: closed by the CSMS (1001)",
      "Express + OCPP stopped",
    ],
  },
  {
    file: "examples/fastify.mjs",
    command: node("examples/fastify.mjs"),
    prints: [
      /^Fastify \+ OCPP on http:\/\/127\.0\.0\.1:\d+$/,
      "station: boot Accepted",
      "CSMS: HeartbeatInterval = 300",
      'GET /health: {"stations":1}',
      "station: closed by the CSMS (1001)",
      "Fastify + OCPP stopped",
    ],
  },
  {
    file: "examples/hono.mjs",
    command: node("examples/hono.mjs"),
    prints: [
      /^Hono \+ OCPP on port \d+$/,
      /^station: CSMS time \d{4}-/,
      "station: CSMS triggers Heartbeat",
      'GET /health: {"stations":1}',
      "station: closed by the CSMS (1001)",
      "Hono + OCPP stopped",
    ],
  },
  {
    file: "examples/nestjs/main.ts",
    command: [tsx, "--tsconfig", "examples/nestjs/tsconfig.json", "examples/nestjs/main.ts"],
    prints: [
      /^Nest \+ OCPP on port \d+$/,
      "CP001 is a VendorX ModelY",
      "CSMS: CP001 HeartbeatInterval = 300",
      "station: boot Accepted",
      'GET /health: {"stations":1}',
      "station: closed by the CSMS (1001)",
      "Nest + OCPP stopped",
    ],
  },
  {
    file: "examples/cluster-redis.mjs",
    command: node("examples/cluster-redis.mjs"),
    env: () => ({ REDIS_URL: redis!.url }),
    prints: [
      /^node A listening on ws:\/\/127\.0\.0\.1:\d+$/,
      /^node B listening on ws:\/\/127\.0\.0\.1:\d+$/,
      "node A: CP001 connected",
      "station: Reset (Immediate) asked",
      "node B: Reset on CP001 (held by node A): Accepted",
      "cluster stopped",
    ],
  },
  {
    file: "examples/demo.mjs",
    command: node("examples/demo.mjs"),
    prints: [/refused: HTTP 401$/, /CS-201 +boot Accepted/, /CSMS +stopped$/],
  },
];

/** The page examples: bundled for the browser and run in Chromium (below), not by Node. */
const BROWSER_STATION = "examples/browser-station/station.mjs";

/** Runs `command` from the repository root; resolves with its output and exit code. */
async function runExample(command: [string, ...string[]], env: Record<string, string> = {}) {
  const [file, ...args] = command;
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; signal?: string };
    return { code: e.code ?? e.signal, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** Checks that `prints` appear among the output lines in that order. */
function expectInOrder(stdout: string, prints: Array<string | RegExp>): void {
  const lines = stdout.split("\n");
  let at = 0;
  for (const expected of prints) {
    const found = lines.findIndex(
      (line, i) =>
        i >= at && (typeof expected === "string" ? line === expected : expected.test(line)),
    );
    expect(
      found,
      `expected ${String(expected)} after line ${at} in:\n${stdout}`,
    ).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

beforeAll(async () => {
  if (!existsSync(join(root, "dist/index.js"))) {
    throw new Error("The examples run against the built package: run `npm run build` first");
  }
  redis = await RedisServer.start();
});
afterAll(() => redis?.close());

describe("examples/", () => {
  it("has a smoke test for every example", () => {
    const files = readdirSync(join(root, "examples"), { recursive: true, encoding: "utf8" })
      .filter((f) => /\.(mjs|ts)$/.test(f) && f !== "certs.mjs")
      .map((f) => `examples/${f}`)
      .sort();
    expect(files).toEqual([...EXAMPLES.map((e) => e.file), BROWSER_STATION].sort());
  });

  it("imports the package by its name, as a user would", () => {
    const files = [...EXAMPLES.map((e) => e.file), BROWSER_STATION];
    for (const file of files.filter((f) => f !== "examples/demo.mjs")) {
      const source = readFileSync(join(root, file), "utf8");
      const specifiers = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);
      expect(
        specifiers.filter((s) => /^\.\.|\/src\/|\/dist\//.test(s)),
        file,
      ).toEqual([]);
      expect(
        specifiers.some((s) => s.startsWith("ocpp-ws-io")),
        file,
      ).toBe(true);
    }
  });

  for (const example of EXAMPLES) {
    it(`${example.file} runs to completion`, async () => {
      const { code, stdout, stderr } = await runExample(example.command, example.env?.());
      expect(code, `exit code; stderr:\n${stderr}`).toBe(0);
      expectInOrder(stdout, example.prints);
    }, 60_000);
  }

  it("examples/nestjs compiles with a Nest project's tsconfig against the built types", async () => {
    const { code, stdout } = await runExample([tsc, "-p", "examples/nestjs/tsconfig.json"]);
    expect(code, stdout).toBe(0);
  }, 60_000);
});

describe(BROWSER_STATION, () => {
  const source = readFileSync(join(root, BROWSER_STATION), "utf8");
  const pageHtml = readFileSync(join(root, "examples/browser-station/index.html"), "utf8");
  // The page as the folder's README bundles it: esbuild, platform browser, code splitting.
  const harness = new BrowserHarness({
    script: source,
    html: (scriptPath) => pageHtml.replace('src="dist/station.js"', `src="/${scriptPath}"`),
    signalsReady: false,
  });
  const peers = new Peers();

  beforeAll(() => harness.start(), 60_000);
  afterAll(async () => {
    await harness.stop();
    await peers.closeAll();
  }, 30_000);

  it("bundles for the browser with no Node-only module in its graph", async () => {
    expect(pageHtml).toContain('src="dist/station.js"');
    expect(await nodeImportsOf(BROWSER_STATION)).toEqual([]);
  });

  it("runs in Chromium against a real CSMS: boot, heartbeat, and a Reset from the CSMS", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    server.on("client", (client) => {
      client.handle("BootNotification", () => ({
        status: "Accepted",
        currentTime: new Date().toISOString(),
        interval: 300,
      }));
      client.handle("Heartbeat", () => ({ currentTime: "2026-01-01T00:00:00.000Z" }));
    });
    const connected = waitFor<OCPPServerClient>(server, "client", 10_000);
    const tab = await harness.newPage(`?csms=${encodeURIComponent(url)}&identity=SIM-EX`);
    const lines = () => tab.page.$$eval("#log li", (items) => items.map((i) => i.textContent));
    const showing = (line: string) =>
      tab.page.waitForFunction(
        (text) =>
          Array.from(document.querySelectorAll("#log li")).some((i) => i.textContent === text),
        line,
        { timeout: 10_000 },
      );
    const station = await connected;
    expect(station.identity).toBe("SIM-EX");
    await showing("CSMS time: 2026-01-01T00:00:00.000Z");
    expect(await station.call("Reset", { type: "Soft" })).toEqual({ status: "Accepted" });
    await showing("CSMS asked for a Soft reset");
    expect(await lines()).toEqual([
      `SIM-EX connected to ${url} with ocpp1.6`,
      "boot Accepted, heartbeat every 300 s",
      "CSMS time: 2026-01-01T00:00:00.000Z",
      "CSMS asked for a Soft reset",
    ]);
    expect(tab.errors.map(String)).toEqual([]);
    await tab.page.close();
  }, 30_000);
});
