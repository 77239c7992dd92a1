import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OCPPClient } from "../../src/index.js";
import { RedisCluster } from "../helpers/redis-server.js";
import { connectStation, NodeProcess } from "./support.js";

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await RedisCluster.start(3);
}, 60_000);
afterAll(() => cluster.close());

const nodes: NodeProcess[] = [];
const stations: OCPPClient[] = [];
afterEach(async () => {
  await Promise.all(stations.splice(0).map((s) => s.close({ force: true }).catch(() => undefined)));
  await Promise.all(nodes.splice(0).map((n) => n.kill()));
});

describe.each(["ioredis", "redis"])("RedisAdapter on a 3-master Redis Cluster with %s", (lib) => {
  it("routes calls to stations whose keys live on different masters", async () => {
    const [a, b] = await Promise.all(
      [0, 1].map(() => NodeProcess.start({ lib, clusterPorts: cluster.ports })),
    );
    nodes.push(a!, b!);
    const ids = ["CP-1", "CP-2", "CP-3", "CP-4", "CP-5", "CP-6"];
    for (const id of ids) {
      stations.push(
        await connectStation(a!, id, (cp) =>
          cp.handle("DataTransfer", () => ({ status: "Accepted", data: id })),
        ),
      );
    }
    // The presence keys spread over the masters (hash tags per identity).
    const keysPerMaster = cluster.servers.map((s) => Number(s.cli("DBSIZE").trim()));
    expect(keysPerMaster.filter((n) => n > 0).length).toBeGreaterThan(1);
    for (const id of ids) {
      expect(await b!.call(id, "DataTransfer", { vendorId: "t" })).toMatchObject({
        ok: true,
        value: { data: id },
      });
    }
    const batch = await b!.request({
      cmd: "broadcast",
      identities: ids,
      method: "DataTransfer",
      params: { vendorId: "t" },
    });
    expect((batch.value as Array<{ status: string }>).every((r) => r.status === "fulfilled")).toBe(
      true,
    );
  }, 30_000);
});
