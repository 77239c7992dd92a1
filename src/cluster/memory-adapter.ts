import type { AdapterSink, EventAdapterInterface, PresenceStore } from "./contract.js";

interface PresenceRecord {
  value: string;
  expiresAt: number;
}

/** Trailing `connectedAtMs` of a presence value. */
function connectedAt(value: string): number {
  return Number(value.slice(value.lastIndexOf("|") + 1)) || 0;
}

/**
 * The shared state of in-memory nodes: inboxes, heartbeats and presence, in one process.
 * It is also the state the node:cluster primary keeps for its workers (IpcAdapter).
 */
export class InMemoryHub {
  private readonly sinks = new Map<string, AdapterSink>();
  private readonly beats = new Map<string, number>();
  private readonly records = new Map<string, PresenceRecord>();

  readonly presence: PresenceStore = {
    claim: (identity, value, ttlMs) => {
      const previous = this.current(identity);
      this.records.set(identity, { value, expiresAt: Date.now() + ttlMs });
      return Promise.resolve(previous);
    },
    refresh: (identity, value, at, ttlMs) => {
      const current = this.current(identity);
      if (current === null || current === value || connectedAt(current) < at) {
        this.records.set(identity, { value, expiresAt: Date.now() + ttlMs });
        return Promise.resolve(null);
      }
      return Promise.resolve(current);
    },
    release: (identity, value) => {
      if (this.current(identity) === value) this.records.delete(identity);
      return Promise.resolve();
    },
    lookup: (identities) => Promise.resolve(identities.map((id) => this.current(id))),
  };

  join(nodeId: string, sink: AdapterSink): void {
    this.sinks.set(nodeId, sink);
  }

  leave(nodeId: string): void {
    this.sinks.delete(nodeId);
    this.beats.delete(nodeId);
  }

  /** Delivers in order, asynchronously (as any real transport would); unknown nodes drop it. */
  send(nodeId: string, messages: readonly string[]): Promise<void> {
    const sink = this.sinks.get(nodeId);
    if (sink) {
      const copy = [...messages];
      setImmediate(() => {
        for (const message of copy) sink.deliver(message);
      });
    }
    return Promise.resolve();
  }

  heartbeat(nodeId: string, lossAfterMs: number): Promise<string[]> {
    const now = Date.now();
    this.beats.set(nodeId, now);
    const live: string[] = [];
    for (const [node, at] of this.beats) if (now - at < lossAfterMs) live.push(node);
    return Promise.resolve(live);
  }

  private current(identity: string): string | null {
    const record = this.records.get(identity);
    if (!record) return null;
    if (record.expiresAt <= Date.now()) {
      this.records.delete(identity);
      return null;
    }
    return record.value;
  }
}

const processHub = new InMemoryHub();

/**
 * An adapter for servers in one process (tests, or several servers on several ports). All
 * InMemoryAdapters share one hub unless given their own.
 *
 * @example
 * await serverA.setAdapter(new InMemoryAdapter());
 * await serverB.setAdapter(new InMemoryAdapter());
 */
export class InMemoryAdapter implements EventAdapterInterface {
  readonly name = "memory";
  readonly presence: PresenceStore;
  private nodeId: string | undefined;

  constructor(private readonly hub: InMemoryHub = processHub) {
    this.presence = hub.presence;
  }

  start(nodeId: string, sink: AdapterSink): Promise<void> {
    this.nodeId = nodeId;
    this.hub.join(nodeId, sink);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    if (this.nodeId !== undefined) this.hub.leave(this.nodeId);
    this.nodeId = undefined;
    return Promise.resolve();
  }

  isReady(): boolean {
    return this.nodeId !== undefined;
  }

  send(nodeId: string, messages: readonly string[]): Promise<void> {
    return this.hub.send(nodeId, messages);
  }

  heartbeat(nodeId: string, lossAfterMs: number): Promise<string[]> {
    return this.hub.heartbeat(nodeId, lossAfterMs);
  }
}
