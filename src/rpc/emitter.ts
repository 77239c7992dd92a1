/** The events an emitter knows: event name → the listener's argument list. */
export type EventName<Events> = keyof Events & string;
export type EventArgs<Events, K extends keyof Events> = Events[K] extends unknown[]
  ? Events[K]
  : never;
export type EventListener<Events, K extends keyof Events> = (...args: EventArgs<Events, K>) => void;

type AnyListener = (...args: unknown[]) => unknown;

interface Registration {
  readonly fn: AnyListener;
  /** `this` of the call: the context given to on()/once(), else the emitter. */
  readonly context: unknown;
  readonly once: boolean;
}

const NO_LISTENERS: readonly never[] = Object.freeze([]);

/**
 * The typed event emitter every client class and the server extend, with the API of eventemitter3
 * and semantics: listeners run in the order added, with the emitter as `this` unless a
 * context was given; a once-listener is removed before it runs; an emit calls the listeners
 * registered when it began (adding or removing during it takes effect from the next emit);
 * emit() returns whether anyone listened, and 'error' with no listener is not thrown. A
 * throwing listener stops the emit and the error propagates to the emitter (RpcEngine
 * catches it there).
 */
export class EventEmitter<Events extends object> {
  // Made on the first listener: a server holds one emitter per connected station. Lists are
  // replaced, never changed in place, so an emit in progress keeps the list it began with.
  private registrations: Map<string, readonly Registration[]> | undefined;

  on<K extends EventName<Events>>(
    event: K,
    listener: EventListener<Events, K>,
    context?: unknown,
  ): this {
    return this.add(event, listener as AnyListener, context, false);
  }

  addListener<K extends EventName<Events>>(
    event: K,
    listener: EventListener<Events, K>,
    context?: unknown,
  ): this {
    return this.add(event, listener as AnyListener, context, false);
  }

  once<K extends EventName<Events>>(
    event: K,
    listener: EventListener<Events, K>,
    context?: unknown,
  ): this {
    return this.add(event, listener as AnyListener, context, true);
  }

  /**
   * Removes `listener` from `event` (every registration of it; only those with `context`, or
   * only once-listeners, when given), or every listener of `event` without `listener`.
   */
  off<K extends EventName<Events>>(
    event: K,
    listener?: EventListener<Events, K>,
    context?: unknown,
    once?: boolean,
  ): this {
    const list = this.registrations?.get(event);
    if (!list) return this;
    if (listener === undefined) {
      this.registrations!.delete(event);
      return this;
    }
    return this.keep(
      event,
      list.filter(
        (r) =>
          r.fn !== listener || (once === true && !r.once) || (!!context && r.context !== context),
      ),
    );
  }

  removeListener<K extends EventName<Events>>(
    event: K,
    listener?: EventListener<Events, K>,
    context?: unknown,
    once?: boolean,
  ): this {
    return this.off(event, listener, context, once);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: EventName<Events>): this {
    if (event === undefined) this.registrations = undefined;
    else this.registrations?.delete(event);
    return this;
  }

  /** Calls the listeners of `event` with `args`; false when there were none. */
  emit<K extends EventName<Events>>(event: K, ...args: EventArgs<Events, K>): boolean {
    const list = this.registrations?.get(event);
    if (!list) return false;
    for (const registration of list) {
      if (registration.once) {
        const current = this.registrations?.get(event);
        if (current)
          this.keep(
            event,
            current.filter((r) => r !== registration),
          );
      }
      registration.fn.apply(registration.context, args);
    }
    return true;
  }

  listenerCount(event: EventName<Events>): number {
    return this.registrations?.get(event)?.length ?? 0;
  }

  listeners<K extends EventName<Events>>(event: K): EventListener<Events, K>[] {
    return (this.registrations?.get(event) ?? NO_LISTENERS).map(
      (r) => r.fn as EventListener<Events, K>,
    );
  }

  /** The events that have listeners. */
  eventNames(): EventName<Events>[] {
    return [...(this.registrations?.keys() ?? [])] as EventName<Events>[];
  }

  private add(event: string, fn: AnyListener, context: unknown, once: boolean): this {
    const registration: Registration = { fn, context: context || this, once };
    const list = (this.registrations ??= new Map<string, readonly Registration[]>()).get(event);
    this.registrations.set(event, list ? [...list, registration] : [registration]);
    return this;
  }

  private keep(event: string, list: readonly Registration[]): this {
    if (list.length === 0) this.registrations!.delete(event);
    else this.registrations!.set(event, list);
    return this;
  }
}
