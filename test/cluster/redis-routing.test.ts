import { describe, expect, it } from "vitest";
import { useRedisCluster } from "./support.js";

const cluster = useRedisCluster();
const { startNodes, station } = cluster;

describe.each(["ioredis", "ioredis5", "redis", "redis5", "redis4"])(
  "RedisAdapter with %s",
  (lib) => {
    it("routes a call to the station on the other node, with results and RPC errors", async () => {
      const [a, b] = await startNodes(lib, 2);
      await station(a!, "CP-1", (cp) => {
        cp.handle("Reset", ({ params }) => {
          if (params.type === "Hard") throw new Error("boom");
          return { status: "Accepted" };
        });
      });
      const first = await b!.call("CP-1", "Reset", { type: "Soft" });
      expect(first).toMatchObject({
        ok: true,
        value: { status: "Accepted" },
      });
      const failed = await b!.call("CP-1", "ocpp1.6", "Reset", { type: "Hard" });
      expect(failed).toMatchObject({
        ok: false,
        error: { name: "RPCInternalError", rpcErrorCode: "InternalError" },
      });
    });

    it("rejects with StationNotConnectedError at once and TimeoutError at the deadline", async () => {
      const [a, b] = await startNodes(lib, 2);
      await station(a!, "CP-SLOW", (cp) =>
        cp.handle("Reset", () => new Promise<never>(() => undefined)),
      );
      const nowhere = await b!.call("NOWHERE", "Reset", { type: "Soft" }, { timeoutMs: 60_000 });
      expect(nowhere).toMatchObject({ ok: false, error: { name: "StationNotConnectedError" } });
      const slow = await b!.call("CP-SLOW", "Reset", { type: "Soft" }, { timeoutMs: 300 });
      expect(slow).toMatchObject({
        ok: false,
        error: { name: "TimeoutError", code: "ERR_CALL_TIMEOUT" },
      });
    });
  },
);

describe("RedisAdapter: node loss", () => {
  it("rejects a call with NodeLostError when the holding node is killed mid-call", async () => {
    const [a, b] = await startNodes("ioredis", 2);
    let called!: () => void;
    const inHandler = new Promise<void>((resolve) => (called = resolve));
    await station(a!, "CP-1", (cp) =>
      cp.handle("Reset", () => {
        called();
        return new Promise<never>(() => undefined);
      }),
    );
    const pending = b!.call("CP-1", "Reset", { type: "Soft" }, { timeoutMs: 30_000 });
    await Promise.race([
      inHandler,
      pending.then((r) => Promise.reject(new Error(JSON.stringify(r)))),
    ]);
    await a!.kill("SIGKILL");
    expect(await pending).toMatchObject({
      ok: false,
      error: { name: "NodeLostError", code: "ERR_NODE_LOST" },
    });
  });
});
