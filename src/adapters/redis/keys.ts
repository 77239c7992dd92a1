/**
 * Key names. Hash tags (`{...}`) put each multi-use key in one Redis Cluster slot; identities
 * are URI-encoded so a `{` or `}` in one cannot change the tag.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** The presence record of a station. */
  presence(identity: string): string {
    return `${this.prefix}own:{${encodeURIComponent(identity)}}`;
  }

  /** A node's inbox stream. */
  inbox(nodeId: string): string {
    return `${this.prefix}in:{${nodeId}}`;
  }

  /** The node registry (one zset). */
  nodes(): string {
    return `${this.prefix}nodes`;
  }
}
