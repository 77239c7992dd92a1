import type { Middleware, MiddlewareClient } from "../rpc/middleware.js";
import type { Logger } from "./logger.js";
import type { ExchangeLogOptions } from "./logging-config.js";

/** The exchange log of a client, with the promise its connections wait for. */
export interface DeferredExchangeLog {
  /** Takes the exchange log's place in the middleware stack from construction on. */
  readonly middleware: Middleware;
  /** Settles once the exchange log's code is loaded (or failed to load, reported). */
  readonly ready: Promise<void>;
}

/**
 * A client's exchange log (`logging.exchangeLog`) with its code loaded on first use, so that
 * a browser page without it never downloads it. The client's connections wait for `ready`
 * before any frame moves, so no message goes unlogged. Should the code fail to load (a
 * browser that lost the network), the failure goes to `onError` and messages pass unlogged.
 */
export function deferredExchangeLog(
  loggerOf: (client: MiddlewareClient) => Logger,
  options: ExchangeLogOptions,
  onError: (error: unknown) => void,
): DeferredExchangeLog {
  let log: Middleware | undefined;
  const ready = import("./exchange-log.js").then((module) => {
    log = module.exchangeLog(loggerOf, options);
  }, onError);
  return { middleware: (ctx, next) => (log ? log(ctx, next) : next()), ready };
}
