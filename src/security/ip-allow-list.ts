import { BlockList, isIP } from "node:net";

/** Answers whether a peer address is on the list. */
export interface IpAllowList {
  /** `true` when `address` matches an entry; `false` for anything else, never throws. */
  allows(address: string | undefined): boolean;
}

function invalidEntry(entry: unknown, cause?: unknown): TypeError {
  return new TypeError(
    `Invalid IP allow-list entry ${JSON.stringify(entry)}: expected an IPv4 or IPv6 address ` +
      `or a CIDR range such as "10.0.0.0/8" or "2001:db8::/32"`,
    cause === undefined ? undefined : { cause },
  );
}

function addEntry(list: BlockList, entry: unknown): void {
  if (typeof entry !== "string") throw invalidEntry(entry);
  const slash = entry.indexOf("/");
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) throw invalidEntry(entry);
  const type = family === 4 ? "ipv4" : "ipv6";
  if (slash === -1) {
    list.addAddress(address, type);
    return;
  }
  const prefixText = entry.slice(slash + 1);
  // Digits only: Number() would also take "", " 8" or "0x8".
  if (!/^\d{1,3}$/.test(prefixText)) throw invalidEntry(entry);
  try {
    // BlockList checks the range itself (0–32 or 0–128).
    list.addSubnet(address, Number(prefixText), type);
  } catch (err) {
    throw invalidEntry(entry, err);
  }
}

/**
 * An allow list of IP addresses and CIDR ranges, matched with Node's `net.BlockList`.
 * IPv4-mapped IPv6 peers (`::ffff:10.0.0.5`, as a dual-stack server reports them) match IPv4
 * entries. An empty list allows nothing. Throws a TypeError naming the first invalid entry.
 *
 * @example
 * const list = createIpAllowList(["10.0.0.0/8", "192.168.1.20", "2001:db8::/32"]);
 * list.allows(req.socket.remoteAddress); // true for "::ffff:10.1.2.3"
 */
export function createIpAllowList(entries: readonly string[]): IpAllowList {
  if (!Array.isArray(entries)) {
    throw new TypeError("IP allow-list entries must be an array of addresses or CIDR ranges");
  }
  const list = new BlockList();
  for (const entry of entries as readonly unknown[]) addEntry(list, entry);
  return {
    allows(address) {
      if (typeof address !== "string") return false;
      const family = isIP(address);
      if (family === 0) return false;
      return list.check(address, family === 4 ? "ipv4" : "ipv6");
    },
  };
}
