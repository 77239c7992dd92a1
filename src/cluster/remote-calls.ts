import { ClusterUnavailableError, NodeLostError, TimeoutError } from "../protocol/errors.js";
import type { ResponseEnvelope } from "./envelope.js";
import { deserializeError } from "./error-codec.js";

/** Most routed calls one node keeps waiting at once; more are refused, not queued. */
export const MAX_PENDING_REMOTE_CALLS = 100_000;

interface PendingRemoteCall {
  node: string;
  /** The encoded request, kept to resend it after the backend comes back. */
  message: string;
  describe: string;
  sentAt: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  onAbort?: () => void;
  signal?: AbortSignal;
}

/**
 * The caller's side of routed calls: one timer per call set to exactly the caller's deadline
 * (no grace period), settled by the first matching response from the node it was sent to,
 * by that node's loss, or by the deadline. Late and duplicate responses are dropped.
 */
export class RemoteCalls {
  private readonly pending = new Map<string, PendingRemoteCall>();
  /** Round-trip times of the last answered calls (ms), for adapterMetrics(). */
  private readonly rtts: number[] = [];
  private rttNext = 0;

  get size(): number {
    return this.pending.size;
  }

  /** Registers call `id` sent to `node`; the returned promise settles exactly once. */
  track(
    id: string,
    node: string,
    message: string,
    deadline: number,
    describe: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    if (this.pending.size >= MAX_PENDING_REMOTE_CALLS) {
      return Promise.reject(
        new ClusterUnavailableError(
          `${describe}: ${MAX_PENDING_REMOTE_CALLS} routed calls are already waiting on this node`,
        ),
      );
    }
    return new Promise<unknown>((resolve, reject) => {
      const timeoutMs = Math.max(0, deadline - Date.now());
      const timer = setTimeout(() => {
        this.finish(id)?.reject(
          new TimeoutError(`${describe} timed out after ${timeoutMs} ms (outcome unknown)`),
        );
      }, timeoutMs);
      const entry: PendingRemoteCall = {
        node,
        message,
        describe,
        sentAt: Date.now(),
        resolve,
        reject,
        timer,
      };
      if (signal) {
        // AbortSignal semantics as for a local call: reject with the reason as given.
        entry.signal = signal;
        entry.onAbort = () => this.finish(id)?.reject(signal.reason as Error);
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.pending.set(id, entry);
    });
  }

  /** Rejects a call that could not be sent. */
  fail(id: string, error: Error): void {
    this.finish(id)?.reject(error);
  }

  /** Settles the call a response answers; false when it is late, duplicate or misaddressed. */
  settle(response: ResponseEnvelope): boolean {
    const entry = this.pending.get(response.id);
    // Only the node the call was sent to may answer it (a stale node never can).
    if (!entry || entry.node !== response.from) return false;
    this.finish(response.id);
    this.recordRtt(Date.now() - entry.sentAt);
    if (response.ok) entry.resolve(response.r);
    else
      entry.reject(deserializeError(response.e ?? { name: "Error", message: "" }, response.from));
    return true;
  }

  /** Rejects every call waiting on a node that is no longer live; returns how many. */
  failLostNodes(isLive: (node: string) => boolean): number {
    let count = 0;
    for (const [id, entry] of this.pending) {
      if (isLive(entry.node)) continue;
      this.finish(id);
      entry.reject(
        new NodeLostError(
          entry.node,
          `${entry.describe}: node ${entry.node} was lost while the call was out (outcome unknown)`,
        ),
      );
      count++;
    }
    return count;
  }

  /** The requests still waiting, grouped by node, to resend after the backend came back. */
  unanswered(): Map<string, string[]> {
    const byNode = new Map<string, string[]>();
    for (const entry of this.pending.values()) {
      const list = byNode.get(entry.node) ?? [];
      list.push(entry.message);
      byNode.set(entry.node, list);
    }
    return byNode;
  }

  /** Rejects everything (the adapter is being replaced or the server closes). */
  failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.finish(id)?.reject(error);
  }

  /** p50 and p99 of recent round trips, ms. */
  latency(): { p50: number; p99: number; samples: number } {
    const sorted = [...this.rtts].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { p50: at(0.5), p99: at(0.99), samples: sorted.length };
  }

  private recordRtt(ms: number): void {
    // A ring of the last 1024 samples: bounded, and recent enough for an autoscaler.
    if (this.rtts.length < 1024) this.rtts.push(ms);
    else this.rtts[this.rttNext] = ms;
    this.rttNext = (this.rttNext + 1) % 1024;
  }

  private finish(id: string): PendingRemoteCall | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (entry.onAbort) entry.signal?.removeEventListener("abort", entry.onAbort);
    return entry;
  }
}
