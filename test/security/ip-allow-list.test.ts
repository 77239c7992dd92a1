import { describe, expect, it } from "vitest";
import { createIpAllowList } from "../../src/security/index.js";

describe("createIpAllowList", () => {
  it("allows a listed IPv4 address and nothing else", () => {
    const list = createIpAllowList(["192.168.1.20"]);
    expect(list.allows("192.168.1.20")).toBe(true);
    expect(list.allows("192.168.1.21")).toBe(false);
    expect(list.allows("10.0.0.1")).toBe(false);
  });

  it("allows every address in an IPv4 CIDR range", () => {
    const list = createIpAllowList(["10.0.0.0/8", "172.16.5.0/24"]);
    expect(list.allows("10.0.0.1")).toBe(true);
    expect(list.allows("10.255.255.255")).toBe(true);
    expect(list.allows("11.0.0.0")).toBe(false);
    expect(list.allows("172.16.5.200")).toBe(true);
    expect(list.allows("172.16.6.1")).toBe(false);
  });

  it("treats /32 as one address and /0 as every IPv4 address", () => {
    expect(createIpAllowList(["1.2.3.4/32"]).allows("1.2.3.5")).toBe(false);
    expect(createIpAllowList(["1.2.3.4/32"]).allows("1.2.3.4")).toBe(true);
    expect(createIpAllowList(["0.0.0.0/0"]).allows("203.0.113.9")).toBe(true);
  });

  it("allows a listed IPv6 address in any spelling", () => {
    const list = createIpAllowList(["2001:db8::1"]);
    expect(list.allows("2001:db8::1")).toBe(true);
    expect(list.allows("2001:0DB8:0000:0000:0000:0000:0000:0001")).toBe(true);
    expect(list.allows("2001:db8::2")).toBe(false);
    expect(list.allows("::1")).toBe(false);
  });

  it("allows every address in an IPv6 CIDR range", () => {
    const list = createIpAllowList(["2001:db8::/32", "fd00:1:2:3::/64"]);
    expect(list.allows("2001:db8:ffff::42")).toBe(true);
    expect(list.allows("2001:db9::1")).toBe(false);
    expect(list.allows("fd00:1:2:3:aaaa::1")).toBe(true);
    expect(list.allows("fd00:1:2:4::1")).toBe(false);
  });

  it("matches IPv4-mapped IPv6 peers against IPv4 entries", () => {
    const list = createIpAllowList(["10.0.0.0/8", "192.168.1.20"]);
    expect(list.allows("::ffff:10.0.0.5")).toBe(true);
    expect(list.allows("::ffff:a00:5")).toBe(true);
    expect(list.allows("::ffff:192.168.1.20")).toBe(true);
    expect(list.allows("::ffff:192.168.1.21")).toBe(false);
    expect(list.allows("::ffff:11.0.0.1")).toBe(false);
  });

  it("does not match an IPv4 entry against an unrelated IPv6 address", () => {
    const list = createIpAllowList(["10.0.0.5"]);
    expect(list.allows("::a00:5")).toBe(false);
    expect(list.allows("2001:db8::a00:5")).toBe(false);
  });

  it("allows nothing when the list is empty", () => {
    const list = createIpAllowList([]);
    expect(list.allows("127.0.0.1")).toBe(false);
    expect(list.allows("::1")).toBe(false);
  });

  it("answers false, without throwing, for a missing or malformed address", () => {
    const list = createIpAllowList(["0.0.0.0/0", "::/0"]);
    expect(list.allows("127.0.0.1")).toBe(true);
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows("")).toBe(false);
    expect(list.allows("localhost")).toBe(false);
    expect(list.allows("10.0.0.256")).toBe(false);
    expect(list.allows(42 as unknown as string)).toBe(false);
  });

  it.each([
    "10.0.0.256",
    "localhost",
    "",
    "10.0.0.0/33",
    "10.0.0.0/",
    "10.0.0.0/8/8",
    "10.0.0.0/ 8",
    "10.0.0.0/0x8",
    "10.0.0.0/-1",
    "2001:db8::/129",
    "/8",
    "2001:db8:::1",
  ])("throws a TypeError naming the invalid entry %j", (entry) => {
    expect(() => createIpAllowList(["127.0.0.1", entry])).toThrow(
      new TypeError(
        `Invalid IP allow-list entry ${JSON.stringify(entry)}: expected an IPv4 or IPv6 ` +
          `address or a CIDR range such as "10.0.0.0/8" or "2001:db8::/32"`,
      ),
    );
  });

  it("throws a TypeError for an entry that is not a string", () => {
    expect(() => createIpAllowList([42 as unknown as string])).toThrow(
      /^Invalid IP allow-list entry 42: /,
    );
    expect(() => createIpAllowList("10.0.0.1" as unknown as string[])).toThrow(
      new TypeError("IP allow-list entries must be an array of addresses or CIDR ranges"),
    );
  });
});
