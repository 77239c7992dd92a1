import { decodeEnvelope, type PublishEnvelope } from "./envelope.js";

/** A subscriber of server.subscribe(): the published data and the publishing node. */
export type PublishHandler = (data: unknown, meta: { channel: string; fromNode: string }) => void;

/** Channel subscriptions of server.publish()/subscribe(), on this node. */
export class Subscriptions {
  private readonly handlers = new Map<string, Set<PublishHandler>>();

  constructor(private readonly reportError: (error: Error) => void) {}

  subscribe(channel: string, handler: PublishHandler): () => void {
    if (typeof channel !== "string" || channel.length === 0) {
      throw new TypeError("subscribe(channel, handler): channel must be a non-empty string");
    }
    if (typeof handler !== "function") {
      throw new TypeError("subscribe(channel, handler): handler must be a function");
    }
    const set = this.handlers.get(channel) ?? new Set();
    set.add(handler);
    this.handlers.set(channel, set);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(channel) === set) this.handlers.delete(channel);
    };
  }

  /** The wire form of a publish; throws TypeError for data JSON cannot carry. */
  encode(fromNode: string, channel: string, data: unknown): string {
    if (typeof channel !== "string" || channel.length === 0) {
      throw new TypeError("publish(channel, data): channel must be a non-empty string");
    }
    let message: string | undefined;
    try {
      const env: PublishEnvelope = { t: "pub", from: fromNode, ch: channel, d: data };
      message = JSON.stringify(env);
    } catch (err) {
      throw new TypeError(`publish('${channel}'): data must be JSON-serializable`, { cause: err });
    }
    if (data === undefined || message === undefined) {
      throw new TypeError(`publish('${channel}'): data must be JSON-serializable, not undefined`);
    }
    return message;
  }

  /** Delivers a publish (as sent, so every node sees the same JSON-decoded value). */
  deliverLocal(message: string, decoded?: PublishEnvelope): void {
    const env = decoded ?? decodeEnvelope(message);
    if (!env || env.t !== "pub") return;
    const set = this.handlers.get(env.ch);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(env.d, { channel: env.ch, fromNode: env.from });
      } catch (err) {
        this.reportError(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }
}
