/** Entries kept at most; the oldest go first. */
const MAX_ENTRIES = 50_000;

/**
 * A short-lived cache of presence lookups, so a steady stream of calls to one station costs two
 * Redis commands instead of three. A stale entry is harmless: the node it names refuses a
 * request for a connection it no longer holds ("not here", fenced by the connection
 * sequence), and the caller then looks up again, bypassing the cache.
 */
export class OwnerCache {
  private readonly entries = new Map<string, { owner: string; until: number }>();

  constructor(private readonly ttlMs: number) {}

  get(identity: string): string | undefined {
    const entry = this.entries.get(identity);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.owner;
    this.entries.delete(identity);
    return undefined;
  }

  set(identity: string, owner: string): void {
    this.entries.delete(identity);
    if (this.entries.size >= MAX_ENTRIES) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(identity, { owner, until: Date.now() + this.ttlMs });
  }

  forget(identity: string): void {
    this.entries.delete(identity);
  }
}
