import { afterEach, describe, expect, it } from "vitest";
import { RPCError, TimeoutError } from "../../src/index.js";
import { Peers } from "../helpers/peers.js";
import { clientAndBareServer } from "../rpc/wire.js";

const peers = new Peers();
afterEach(() => peers.closeAll());

describe("safeCall()", () => {
  it("resolves the result, or undefined on a CALLERROR or a timeout", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const ok = client.safeCall("Heartbeat", {});
    const first = await peer.nextJson();
    peer.send([3, first[1], { currentTime: "2026-01-01T00:00:00Z" }]);
    await expect(ok).resolves.toEqual({ currentTime: "2026-01-01T00:00:00Z" });

    const failed = client.safeCall("Heartbeat", {});
    const second = await peer.nextJson();
    peer.send([4, second[1], "InternalError", "boom", {}]);
    await expect(failed).resolves.toBeUndefined();

    await expect(client.safeCall("Heartbeat", {}, { timeoutMs: 20 })).resolves.toBeUndefined();
  });
});

describe("call option retries", () => {
  it("retries a timed-out call under the same message id", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const result = client.call("Heartbeat", {}, { timeoutMs: 50, retries: 2, retryDelayMs: 5 });
    const first = await peer.nextJson();
    const second = await peer.nextJson();
    const third = await peer.nextJson();
    expect(second[1]).toBe(first[1]);
    expect(third[1]).toBe(first[1]);
    peer.send([3, third[1], { currentTime: "2026-01-01T00:00:00Z" }]);
    await expect(result).resolves.toEqual({ currentTime: "2026-01-01T00:00:00Z" });
  });

  it("rejects with the TimeoutError once the retries are used up", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const result = client.call("Heartbeat", {}, { timeoutMs: 20, retries: 1, retryDelayMs: 0 });
    await peer.nextJson();
    await peer.nextJson();
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
  });

  it("never retries after a CALLERROR", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const result = client.call("Heartbeat", {}, { retries: 3, retryDelayMs: 0 });
    const first = await peer.nextJson();
    peer.send([4, first[1], "GenericError", "no", {}]);
    await expect(result).rejects.toBeInstanceOf(RPCError);
    // The next frame on the wire is the next call, not a retry of the refused one.
    void client.call("Heartbeat", {}, { noReply: true, idempotencyKey: "after" });
    expect((await peer.nextJson())[1]).toBe("after");
  });

  it("refuses bad retries options", async () => {
    const { client } = await clientAndBareServer(peers);
    await expect(client.call("Heartbeat", {}, { retries: 1.5 })).rejects.toThrow(
      "call('Heartbeat'): retries must be an integer >= 0, got 1.5",
    );
    await expect(client.call("Heartbeat", {}, { retryDelayMs: -1 })).rejects.toThrow(
      "call('Heartbeat'): retryDelayMs must be a finite number >= 0",
    );
  });
});

describe("call option idempotencyKey", () => {
  it("is the message id on the wire", async () => {
    const { client, peer } = await clientAndBareServer(peers);
    const result = client.call("Heartbeat", {}, { idempotencyKey: "unique-boot-123" });
    const frame = await peer.nextJson();
    expect(frame[1]).toBe("unique-boot-123");
    peer.send([3, "unique-boot-123", { currentTime: "2026-01-01T00:00:00Z" }]);
    await expect(result).resolves.toEqual({ currentTime: "2026-01-01T00:00:00Z" });
  });

  it("must be 1 to 36 characters and unique among calls in flight", async () => {
    const { client, peer } = await clientAndBareServer(peers, { callConcurrency: 2 });
    await expect(client.call("Heartbeat", {}, { idempotencyKey: "x".repeat(37) })).rejects.toThrow(
      "idempotencyKey must be a string of 1 to 36 characters",
    );
    const first = client.call("Heartbeat", {}, { idempotencyKey: "k1" });
    await expect(client.call("Heartbeat", {}, { idempotencyKey: "k1" })).rejects.toThrow(
      "call('Heartbeat'): idempotencyKey 'k1' is already in use by a call in flight",
    );
    await peer.nextJson();
    peer.send([3, "k1", { currentTime: "2026-01-01T00:00:00Z" }]);
    await expect(first).resolves.toBeDefined();
  });
});
