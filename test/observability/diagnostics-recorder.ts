import diagnostics_channel from "node:diagnostics_channel";

/** One published message: the channel it came on and its payload. */
export interface Published {
  channel: string;
  payload: Record<string, unknown>;
}

const TRACING_EVENTS = ["start", "end", "asyncStart", "asyncEnd", "error"] as const;

/**
 * Subscribes to diagnostics channels (plain names, and tracing channels as `name` whose five
 * channels are recorded as `name:start` …) and records what they publish, in order.
 */
export class DiagnosticsRecorder {
  readonly published: Published[] = [];
  private readonly waiters: Array<{ test: (p: Published) => boolean; done: () => void }> = [];
  private readonly stops: Array<() => void> = [];

  constructor(channels: readonly string[], tracing: readonly string[] = []) {
    for (const name of channels) {
      const listener = (payload: unknown) => this.record(name, payload);
      diagnostics_channel.subscribe(name, listener);
      this.stops.push(() => diagnostics_channel.unsubscribe(name, listener));
    }
    for (const name of tracing) {
      const channel = diagnostics_channel.tracingChannel(name);
      const subscribers = Object.fromEntries(
        TRACING_EVENTS.map((event) => [
          event,
          (payload: unknown) => this.record(`${name}:${event}`, payload),
        ]),
      ) as unknown as Parameters<typeof channel.subscribe>[0];
      channel.subscribe(subscribers);
      this.stops.push(() => channel.unsubscribe(subscribers));
    }
  }

  /** Resolves once a message matching `test` was published (already, or later); fails after `ms`. */
  until(test: (p: Published) => boolean, ms = 2000): Promise<Published> {
    const found = this.published.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("not published in time")), ms);
      this.waiters.push({
        test,
        done: () => {
          clearTimeout(timer);
          resolve(this.published.find(test)!);
        },
      });
    });
  }

  /** What came on `channel` about `identity`. */
  on(channel: string, identity?: string): Record<string, unknown>[] {
    return this.published
      .filter(
        (p) => p.channel === channel && (identity === undefined || p.payload.identity === identity),
      )
      .map((p) => p.payload);
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private record(channel: string, payload: unknown): void {
    const entry = { channel, payload: payload as Record<string, unknown> };
    this.published.push(entry);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.test(entry)) this.waiters.splice(i, 1)[0]!.done();
    }
  }
}
