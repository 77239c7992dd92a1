import { fork } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OCPPClient } from "../../src/index.js";
import { RedisServer } from "../helpers/redis-server.js";

// The seed examples use the clients' defaults: Redis on localhost:6379, the server on 3000.
let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start(6379);
});
afterAll(() => redis.close());

async function runExample(file: string, identity: string, keyPrefix: string) {
  const script = fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
  const child = fork(script, [], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  try {
    const [ready] = (await once(child, "message")) as [{ port?: number }];
    const station = new OCPPClient({
      endpoint: `ws://127.0.0.1:${ready.port ?? 3000}`,
      identity,
      protocols: ["ocpp2.0.1"],
      reconnect: false,
    });
    await station.connect();
    const key = `${keyPrefix}own:{${identity}}`;
    // The presence record is written one Redis round trip after the connection.
    while (redis.cli("EXISTS", key).trim() !== "1") await new Promise((r) => setTimeout(r, 10));
    await station.close();
    expect(output).toContain(`${identity} connected`);
  } finally {
    child.send("stop");
    await once(child, "exit");
  }
}

describe.skipIf(!existsSync(new URL("../../dist/adapters/redis.js", import.meta.url)))(
  "seed 000: Clustering with Redis (built package)",
  () => {
    it("runs the ioredis example unchanged", () =>
      runExample("seed-ioredis.mjs", "CP-IOREDIS", "ocpp:"));
    it("runs the node-redis example unchanged", () =>
      runExample("seed-node-redis.mjs", "CP-NODE-REDIS", "ocpp-ws-io:"));
  },
);
