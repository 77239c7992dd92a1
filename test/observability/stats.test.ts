import { afterEach, describe, expect, it } from "vitest";
import { Peers } from "../helpers/peers.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

describe("server.stats()", () => {
  it("reports seed 002's fields from live data", async () => {
    const { server, url } = await peers.server({ protocols: ["ocpp1.6"] });
    expect(server.stats()).toMatchObject({ activeSessions: 0, connectedClients: 0 });
    await peers.client({ endpoint: url, identity: "CP-STATS", protocols: ["ocpp1.6"] }).connect();
    const stats = server.stats();
    expect(stats.activeSessions).toBe(1);
    expect(stats.connectedClients).toBe(1);
    expect(stats.webSockets).toEqual({ total: 1, bufferedAmount: 0 });
    expect(stats.memoryUsage.heapUsed).toBeGreaterThan(0);
    expect(stats.cpuUsage.user).toBeGreaterThan(0);
    expect(stats.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(stats.pid).toBe(process.pid);
  });
});
