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
