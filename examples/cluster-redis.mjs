// README "Clustering with Redis": two CSMS nodes (here in one process, in production one per
// process or machine behind a load balancer) joined by the RedisAdapter. A station connects to
// node A; node B reaches it with sendToClient(), routed through Redis.
// Needs a Redis server: REDIS_URL (default redis://127.0.0.1:6379).
// Run: `npm run build && node examples/cluster-redis.mjs`.
import { OCPPClient, OCPPServer, StationNotConnectedError } from "ocpp-ws-io";
import { RedisAdapter } from "ocpp-ws-io/adapters/redis";
import Redis from "ioredis";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisClients = [];
/** A connected ioredis client; without a Redis server the example stops here, saying so. */
async function redis() {
  const client = new Redis(redisUrl, { lazyConnect: true });
  redisClients.push(client);
  await client.connect().catch((err) => {
    console.error(`no Redis at ${redisUrl} (set REDIS_URL): ${err.message}`);
    process.exit(1);
  });
  return client;
}

/** One CSMS node: its own server, on the shared Redis. */
async function startNode(name) {
  const server = new OCPPServer({ protocols: ["ocpp2.0.1"] });
  await server.setAdapter(
    new RedisAdapter({ pubClient: await redis(), subClient: await redis(), prefix: "example:" }),
  );
  server.on("client", (client) => {
    console.log(`node ${name}: ${client.identity} connected`);
    client.handle("BootNotification", () => ({
      status: "Accepted",
      currentTime: new Date().toISOString(),
      interval: 300,
    }));
  });
  const httpServer = await server.listen(0, "127.0.0.1");
  console.log(`node ${name} listening on ws://127.0.0.1:${httpServer.address().port}`);
  return { server, port: httpServer.address().port };
}

const a = await startNode("A");
const b = await startNode("B");

// ---- a station, connected to node A ------------------------------------------------------
const station = new OCPPClient({
  endpoint: `ws://127.0.0.1:${a.port}`,
  identity: "CP001",
  protocols: ["ocpp2.0.1"],
});
station.handle("Reset", ({ params }) => {
  console.log(`station: Reset (${params.type}) asked`);
  return { status: "Accepted" };
});
await station.connect();
await station.call("BootNotification", {
  reason: "PowerUp",
  chargingStation: { vendorName: "VendorX", model: "ModelY" },
});

// ---- node B calls the station it does not hold ---------------------------------------------
// Node A records the station's presence in Redis one round trip after the connection: until
// then the cluster does not know where CP001 is, and the call fails at once.
async function sendFromB() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await b.server.sendToClient("CP001", "Reset", { type: "Immediate" });
    } catch (err) {
      if (!(err instanceof StationNotConnectedError) || attempt === 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
const reset = await sendFromB();
console.log(`node B: Reset on CP001 (held by node A): ${reset.status}`);

await station.close();
await Promise.all([a.server.close(), b.server.close()]);
await Promise.all(redisClients.map((client) => client.quit()));
console.log("cluster stopped");
