import type { EventAdapterInterface } from "./contract.js";
import type { RequestEnvelope, SerializedError } from "./envelope.js";
import { NOT_HERE, serializeError } from "./error-codec.js";
import type { InboundRequests } from "./inbound-requests.js";
import type { LocalPresence } from "./local-presence.js";

/** Counters the request server shares with adapterMetrics(). */
export interface ServeCounters {
  servedCalls: number;
  duplicates: number;
  dropped: number;
}

/**
 * The receiving side of routed calls: runs each request id at most once, only on exactly the
 * connection it was routed by, only before its deadline, and answers the calling node.
 */
export class RequestServer {
  constructor(
    private readonly nodeId: string,
    private readonly adapter: EventAdapterInterface,
    private readonly inbound: InboundRequests,
    private readonly presence: LocalPresence,
    private readonly counters: ServeCounters,
  ) {}

  async serve(env: RequestEnvelope): Promise<void> {
    const admission = this.inbound.admit(env.id, env.dl);
    if (admission.kind !== "new") {
      // A resend: in flight → its answer is on the way; done → the same answer again.
      this.counters.duplicates++;
      if (admission.kind === "done") this.reply(env.from, admission.reply);
      return;
    }
    this.counters.servedCalls++;
    // Both bounds: the absolute deadline (caller's clock) and the relative ttl (skew).
    const remaining = Math.min(env.ttl, env.dl - Date.now());
    const station = this.presence.station(env.to, env.own);
    let reply: string;
    if (remaining <= 0) {
      reply = this.encodeError(env.id, {
        name: "TimeoutError",
        message: `The call to '${env.to}' expired before node ${this.nodeId} could run it (not executed)`,
      });
    } else if (!station) {
      reply = this.encodeError(env.id, {
        name: NOT_HERE,
        message: `Station '${env.to}' is not connected to node ${this.nodeId}`,
      });
    } else {
      try {
        const result = await station.call(...env.a, { timeoutMs: remaining });
        reply = JSON.stringify({ t: "res", id: env.id, from: this.nodeId, ok: true, r: result });
      } catch (err) {
        reply = this.encodeError(env.id, serializeError(err));
      }
    }
    this.inbound.complete(env.id, reply);
    this.reply(env.from, reply);
  }

  private encodeError(id: string, e: SerializedError): string {
    return JSON.stringify({ t: "res", id, from: this.nodeId, ok: false, e });
  }

  private reply(node: string, reply: string): void {
    // A lost reply is the caller's timeout ("outcome unknown"); a resent request gets it again.
    this.adapter.send(node, [reply]).catch(() => {
      this.counters.dropped++;
    });
  }
}
