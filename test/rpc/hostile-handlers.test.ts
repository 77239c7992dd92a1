import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Peers } from "../helpers/peers.js";

const peers = new Peers();
let child: ChildProcess;
let url: string;
let exited: { code: number | null; stderr: string } | undefined;

beforeAll(async () => {
  child = spawn(
    process.execPath,
    ["--import", "tsx", "test/rpc/fixtures/hostile-handlers-server.ts"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.once("exit", (code) => (exited = { code, stderr }));
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  url = `ws://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}, 30_000);

afterAll(async () => {
  await peers.closeAll();
  child.kill();
});

describe("hostile handler values (server in a child process without a crash handler)", () => {
  it.each([
    ["ocpp1.6", "ThrowNullProto"],
    ["ocpp1.6", "RejectNullProto"],
    ["ocpp1.6", "ThrowingThen"],
    ["ocpp1.6", "ThenGetterThrows"],
    ["ocpp1.6", "HostileProxy"],
    ["ocpp1.6", "ResolveProxy"],
    ["ocpp1.6", "ThrowString"],
    ["ocpp2.0.1", "ThrowNullProto"],
    ["ocpp2.0.1", "HostileProxy"],
  ])(
    "%s %s: answered with CALLERROR InternalError, the process lives on",
    async (protocol, method) => {
      const peer = await peers.bareClient(url, `H-${protocol}-${method}`, [protocol]);
      peer.send([2, "h1", method, {}]);
      const answer = await peer.nextJson();
      expect(answer.slice(0, 3)).toEqual([4, "h1", "InternalError"]);
      // The connection still works afterwards.
      peer.send([2, "h2", "Ping", {}]);
      expect(await peer.nextJson()).toEqual([3, "h2", {}]);
      expect(exited).toBeUndefined();
    },
  );

  it("reports non-Error values and throwing listeners through 'error'", async () => {
    const peer = await peers.bareClient(url, "H-count", ["ocpp1.6"]);
    peer.send([2, "c1", "ThrowNullProto", {}]);
    await peer.nextJson();
    peer.send([2, "c2", "Errors", {}]);
    const [, , result] = await peer.nextJson();
    // At least: the thrown value, and the throwing 'call' listener for each of the two calls.
    expect((result as { errors: number }).errors).toBeGreaterThanOrEqual(3);
    expect(exited).toBeUndefined();
  });
});
