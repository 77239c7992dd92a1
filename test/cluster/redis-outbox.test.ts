import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisAdapter, type RedisLikeClient } from "../../src/adapters/redis/index.js";
import { MESSAGES_PER_ENTRY } from "../../src/adapters/redis/outbox.js";
import { RedisServer } from "../helpers/redis-server.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis.close());

async function clients(lib: string): Promise<RedisLikeClient[]> {
  if (lib === "ioredis") return [new Redis(redis.port), new Redis(redis.port)];
  const pub = createClient({ url: `redis://127.0.0.1:${redis.port}` });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  return [pub, sub];
}

describe.each(["ioredis", "redis"])("RedisAdapter send() coalescing with %s", (lib) => {
  it("delivers every message of one turn in order, in few XADD entries", async () => {
    const [pubClient, subClient] = await clients(lib);
    const adapter = new RedisAdapter({ pubClient: pubClient!, subClient: subClient!, prefix: lib });
    const received: string[] = [];
    const total = MESSAGES_PER_ENTRY * 2 + 10;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await adapter.start("node-x", {
      deliver: (m) => {
        received.push(m);
        if (received.length === total) done();
      },
      linkChanged: () => undefined,
    });
    const sent = Array.from({ length: total }, (_, i) => `msg-${i}`);
    // One big send and many small ones in the same turn.
    await Promise.all([
      adapter.send("node-x", sent.slice(0, MESSAGES_PER_ENTRY + 5)),
      ...sent.slice(MESSAGES_PER_ENTRY + 5).map((m) => adapter.send("node-x", [m])),
    ]);
    await all;
    expect(received).toEqual(sent);
    expect(Number(redis.cli("XLEN", `${lib}in:{node-x}`))).toBe(3);
    await adapter.stop();
    for (const c of [pubClient, subClient]) {
      if (c instanceof Redis) c.disconnect();
      else (c as { destroy(): void }).destroy();
    }
  });
});
