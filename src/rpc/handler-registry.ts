import type { CallHandler, WildcardHandler } from "./types.js";

/**
 * Handlers by method, optionally per subprotocol, plus one wildcard. Lookup order: the
 * handler registered for the negotiated subprotocol, then the protocol-less one.
 */
export class HandlerRegistry {
  // Created on first registration: a server holds one registry per connected station.
  private generic: Map<string, CallHandler> | undefined;
  private byProtocol: Map<string, Map<string, CallHandler>> | undefined;
  wildcard: WildcardHandler | undefined;

  /**
   * Reads handle()'s arguments — `(method, handler)`, `(protocol, method, handler)` or
   * `(wildcardHandler)` — and registers the handler; `check` may refuse the method.
   */
  register(
    args: readonly unknown[],
    check: (method: string, protocol: string | undefined) => void,
  ): void {
    if (args.length === 1) {
      if (typeof args[0] !== "function") {
        throw new TypeError("handle(handler): the wildcard handler must be a function");
      }
      this.wildcard = args[0] as WildcardHandler;
      return;
    }
    const [protocol, method, handler] = args.length >= 3 ? args : [undefined, args[0], args[1]];
    if (protocol !== undefined && typeof protocol !== "string") {
      throw new TypeError("handle(protocol, method, handler): protocol must be a string");
    }
    if (typeof method !== "string" || method.length === 0) {
      throw new TypeError("handle(method, handler): method must be a non-empty string");
    }
    if (typeof handler !== "function") {
      throw new TypeError(`handle('${method}', handler): handler must be a function`);
    }
    check(method, protocol);
    this.set(protocol, method, handler as CallHandler);
  }

  /** Reads removeHandler()'s arguments: `()` (wildcard), `(method)` or `(protocol, method)`. */
  unregister(args: readonly (string | undefined)[]): void {
    if (args.length === 0 || args[0] === undefined) this.wildcard = undefined;
    else if (args.length >= 2) this.delete(args[0], args[1]!);
    else this.delete(undefined, args[0]);
  }

  set(protocol: string | undefined, method: string, handler: CallHandler): void {
    if (protocol === undefined) {
      (this.generic ??= new Map()).set(method, handler);
      return;
    }
    this.byProtocol ??= new Map();
    let methods = this.byProtocol.get(protocol);
    if (!methods) this.byProtocol.set(protocol, (methods = new Map<string, CallHandler>()));
    methods.set(method, handler);
  }

  delete(protocol: string | undefined, method: string): void {
    if (protocol === undefined) this.generic?.delete(method);
    else this.byProtocol?.get(protocol)?.delete(method);
  }

  clear(): void {
    this.generic = undefined;
    this.byProtocol = undefined;
    this.wildcard = undefined;
  }

  find(protocol: string | undefined, method: string): CallHandler | undefined {
    if (this.byProtocol !== undefined && protocol !== undefined) {
      const handler = this.byProtocol.get(protocol)?.get(method);
      if (handler) return handler;
    }
    return this.generic?.get(method);
  }
}
