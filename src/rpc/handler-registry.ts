import type { CallHandler, WildcardHandler } from "./types.js";

/**
 * Handlers by method, optionally per subprotocol, plus one wildcard. Lookup order: the
 * handler registered for the negotiated subprotocol, then the protocol-less one.
 */
export class HandlerRegistry {
  private readonly generic = new Map<string, CallHandler>();
  private readonly byProtocol = new Map<string, Map<string, CallHandler>>();
  wildcard: WildcardHandler | undefined;

  set(protocol: string | undefined, method: string, handler: CallHandler): void {
    if (protocol === undefined) {
      this.generic.set(method, handler);
      return;
    }
    let methods = this.byProtocol.get(protocol);
    if (!methods) this.byProtocol.set(protocol, (methods = new Map<string, CallHandler>()));
    methods.set(method, handler);
  }

  delete(protocol: string | undefined, method: string): void {
    if (protocol === undefined) this.generic.delete(method);
    else this.byProtocol.get(protocol)?.delete(method);
  }

  clear(): void {
    this.generic.clear();
    this.byProtocol.clear();
    this.wildcard = undefined;
  }

  find(protocol: string | undefined, method: string): CallHandler | undefined {
    if (this.byProtocol.size > 0 && protocol !== undefined) {
      const handler = this.byProtocol.get(protocol)?.get(method);
      if (handler) return handler;
    }
    return this.generic.get(method);
  }
}
