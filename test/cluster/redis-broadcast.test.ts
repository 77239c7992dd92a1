import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OCPPClient } from "../../src/index.js";
import { RedisServer } from "../helpers/redis-server.js";
import { connectStation, NodeProcess } from "./support.js";

let redis: RedisServer;
const nodes: NodeProcess[] = [];
const stations: OCPPClient[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await Promise.all(stations.map((s) => s.close({ force: true }).catch(() => undefined)));
  await Promise.all(nodes.map((n) => n.kill()));
  await redis.close();
});

describe("OCPPServer#broadcastBatch over Redis", () => {
  it("calls 1,000 stations on 3 nodes, one result per identity", async () => {
    nodes.push(
      ...(await Promise.all(
        [0, 1, 2].map(() => NodeProcess.start({ lib: "ioredis", redisPort: redis.port })),
      )),
    );
    const identities = Array.from({ length: 1000 }, (_, i) => `CP-${i}`);
    const concurrentCalls = new Map<string, number>();
    let overlapping = 0;
    for (let i = 0; i < identities.length; i += 100) {
      await Promise.all(
        identities.slice(i, i + 100).map(async (identity, k) => {
          const client = await connectStation(nodes[(i + k) % 3]!, identity, (cp) =>
            cp.handle("DataTransfer", async () => {
              const now = (concurrentCalls.get(identity) ?? 0) + 1;
              concurrentCalls.set(identity, now);
              if (now > 1) overlapping++;
              await new Promise((resolve) => setImmediate(resolve));
              concurrentCalls.set(identity, now - 1);
              return { status: "Accepted", data: identity };
            }),
          );
          stations.push(client);
        }),
      );
    }
    const targets = [...identities, "NOT-CONNECTED"];
    const reply = await nodes[0]!.request({
      cmd: "broadcast",
      identities: targets,
      method: "DataTransfer",
      params: { vendorId: "test" },
    });
    const results = reply.value as Array<{
      identity: string;
      status: string;
      value?: { data: string };
      reason?: { name: string };
    }>;
    expect(results.map((r) => r.identity)).toEqual(targets);
    expect(
      results.slice(0, 1000).every((r) => r.status === "fulfilled" && r.value!.data === r.identity),
    ).toBe(true);
    expect(results[1000]).toMatchObject({
      status: "rejected",
      reason: { name: "StationNotConnectedError" },
    });
    expect(overlapping).toBe(0);
  }, 60_000);
});
