import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisAdapter } from "../../src/adapters/redis/index.js";
import { StationNotConnectedError } from "../../src/index.js";
import { decodeEnvelope } from "../../src/cluster/envelope.js";
import { streamEntries } from "../../src/adapters/redis/stream-reply.js";

describe("new RedisAdapter()", () => {
  it("refuses what is not a Redis client, naming the option", () => {
    expect(() => new RedisAdapter({ pubClient: {}, subClient: {} })).toThrow(
      "RedisAdapter: options.pubClient must be an ioredis or node-redis client (got object)",
    );
    expect(() => new RedisAdapter(undefined as never)).toThrow(
      "RedisAdapter: options must be an object",
    );
  });

  it("checks prefix and maxInboxLength", () => {
    // lazyConnect: nothing connects; only the options are checked.
    const client = new Redis({ lazyConnect: true });
    expect(
      () => new RedisAdapter({ pubClient: client, subClient: client, prefix: 1 as never }),
    ).toThrow("RedisAdapter: options.prefix must be a string");
    expect(
      () => new RedisAdapter({ pubClient: client, subClient: client, maxInboxLength: 5 }),
    ).toThrow("RedisAdapter: options.maxInboxLength must be an integer >= 100");
    client.disconnect();
  });
});

describe("cluster wire helpers", () => {
  it("drops messages that are not well-formed envelopes", () => {
    expect(decodeEnvelope("not json")).toBeUndefined();
    expect(decodeEnvelope('{"t":"req","from":"n"}')).toBeUndefined();
    expect(decodeEnvelope('{"t":"pub","from":"n","ch":"c","d":1}')).toMatchObject({
      ch: "c",
      d: 1,
    });
  });

  it("reads XREAD replies in RESP2, flattened RESP3 and RESP3 map shapes", () => {
    // The second entry carries three coalesced messages; a foreign field is ignored.
    const entries = [
      ["1-0", ["m", "a"]],
      ["2-0", ["m", "b", "m1", "c", "x", "not-ours", "m2", "d"]],
    ];
    const expected = [
      { id: "1-0", messages: ["a"] },
      { id: "2-0", messages: ["b", "c", "d"] },
    ];
    expect(streamEntries([["key", entries]])).toEqual(expected);
    expect(streamEntries(["key", entries])).toEqual(expected);
    expect(streamEntries({ key: entries })).toEqual(expected);
    expect(streamEntries(new Map([["key", entries]]))).toEqual(expected);
    expect(streamEntries(null)).toEqual([]);
  });

  it("keeps StationNotConnectedError a ConnectionClosedError", () => {
    expect(new StationNotConnectedError("x").code).toBe("ERR_STATION_NOT_CONNECTED");
  });
});
