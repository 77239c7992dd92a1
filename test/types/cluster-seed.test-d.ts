/**
 * The typed parts of the seeds' clustering examples (seed 000 "Clustering with Redis" and
 * `publish`; seed 002 `sendToClient`, `safeSendToClient`, `broadcastBatch`, `stats`,
 * `adapterMetrics`), copied unchanged except that top-level awaits are wrapped in functions
 * that are never called, and the package name points at the sources.
 */
import { describe, expectTypeOf, it } from "vitest";
// ioredis's declarations make its default import non-constructable under moduleResolution
// NodeNext, so the named export stands in for `import Redis from "ioredis"` here (the same class;
// test/cluster/seed-examples.test.ts runs the example itself with the default import).
import { Redis } from "ioredis";
import { createClient } from "redis";
import { OCPPServer, type EventAdapterInterface, type NodeStats } from "../../src/index.js";
import { RedisAdapter } from "../../src/adapters/redis/index.js";

describe("seed 000: Clustering with Redis", () => {
  it("accepts ioredis clients as the example passes them", () => {
    const server = new OCPPServer({ protocols: ["ocpp2.0.1"] });

    // The seed does not await setAdapter() here.
    // eslint-disable-next-line @typescript-eslint/no-floating-promises
    server.setAdapter(
      new RedisAdapter({
        pubClient: new Redis(),
        subClient: new Redis(),
        prefix: "ocpp:", // optional, default: 'ocpp-ws-io:'
      }),
    );
    expectTypeOf(server.adapter).toEqualTypeOf<EventAdapterInterface | undefined>();
  });

  it("accepts node-redis clients as the example passes them", () => {
    const server = new OCPPServer({ protocols: ["ocpp2.0.1"] });
    async function example() {
      // With node-redis
      const pub = createClient();
      const sub = pub.duplicate();
      await pub.connect();
      await sub.connect();

      // eslint-disable-next-line @typescript-eslint/no-floating-promises
      server.setAdapter(new RedisAdapter({ pubClient: pub, subClient: sub }));
    }
    expectTypeOf(example).returns.resolves.toBeVoid();
  });

  it("publishes across instances", () => {
    const server = new OCPPServer();
    async function example() {
      // Publish events across instances
      await server.publish("firmware-update", { stationId: "CP001" });
    }
    expectTypeOf(example).returns.resolves.toBeVoid();
  });
});

describe("seed 002: cluster-wide server methods", () => {
  const server = new OCPPServer({ protocols: ["ocpp1.6"] });

  it("sendToClient / safeSendToClient", () => {
    async function example() {
      const result = await server.sendToClient(
        "CP-001",
        "ocpp1.6",
        "Reset",
        {
          type: "Soft",
        },
        { timeoutMs: 10000 },
      );
      const maybe = await server.safeSendToClient(
        "CP-001",
        "ocpp1.6",
        "UpdateFirmware",
        { location: "...", retrieveDate: new Date().toISOString() },
        { timeoutMs: 30000 },
      );

      if (maybe !== undefined) {
        console.log("Firmware update accepted");
      }
      return result.status;
    }
    expectTypeOf(example).returns.resolves.toEqualTypeOf<"Accepted" | "Rejected">();
  });

  it("broadcastBatch, stats, adapterMetrics", () => {
    async function example() {
      const targets = ["CP-001", "CP-002", "CP-003"];

      await server.broadcastBatch(targets, "Reset", { type: "Hard" });

      const telemetry = server.stats();

      console.log(`Active Managed Sessions: ${telemetry.activeSessions}`);
      console.log(`Active Raw WebSockets: ${telemetry.webSockets?.total}`);
      console.log(`Pending Network Flushes: ${telemetry.webSockets?.bufferedAmount} bytes`);
      console.log(`Memory Used: ${telemetry.memoryUsage.heapUsed} bytes`);
      console.log(`Uptime: ${telemetry.uptimeSeconds}s`);
      console.log(`PID: ${telemetry.pid}`);

      const metrics = await server.adapterMetrics();
      console.log("Redis Backlog:", metrics?.redisConsumerLag?.pendingMessages);
      return telemetry;
    }
    expectTypeOf(example).returns.resolves.toEqualTypeOf<NodeStats>();
  });
});
