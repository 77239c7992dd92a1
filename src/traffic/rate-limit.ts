import { RPCGenericError } from "../protocol/errors.js";
import { MessageType } from "../protocol/message-type.js";
import type { InboundMessageContext, Middleware, MiddlewareClient } from "../rpc/middleware.js";
import type { RateLimitAction, RateLimitBreach, ResolvedRateLimit } from "./rate-limit-options.js";
import { TokenBucket } from "./token-bucket.js";

/** A breach as the server reports it ('rateLimitExceeded'). */
export interface RateLimitExceededEvent extends RateLimitBreach {
  identity: string;
  /** When a token is available again (ms). */
  retryAfterMs: number;
  /** "refused": answered CALLERROR; "delayed": a transaction CALL held until a token; "disconnected". */
  outcome: "refused" | "delayed" | "disconnected";
}

/** What the limiter needs from the server it runs in. */
export interface RateLimitHost<C> {
  /** The limits now in force (reconfigure() may change them); undefined turns limiting off. */
  options(): ResolvedRateLimit<C> | undefined;
  /** The server-side client a middleware context belongs to. */
  clientOf(connection: MiddlewareClient): C | undefined;
  /** Closes a client that broke the limit under the "disconnect" policy. */
  disconnect(client: C): void;
  /** Reports a breach (the server's 'rateLimitExceeded' event). */
  breach(event: RateLimitExceededEvent): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface ConnectionBuckets {
  all: TokenBucket;
  methods: Map<string, TokenBucket>;
}

/**
 * CALLs a refusal could lose billing data for (OCPP 1.6 §4.8/§5.x StartTransaction,
 * StopTransaction, transaction MeterValues; OCPP 2.0.1 E TransactionEvent): these are
 * delayed until a token is free, never refused.
 */
function isTransactionCall(method: string, params: unknown): boolean {
  if (method === "TransactionEvent" || method === "StartTransaction") return true;
  if (method === "StopTransaction") return true;
  return (
    method === "MeterValues" &&
    typeof params === "object" &&
    params !== null &&
    (params as { transactionId?: unknown }).transactionId !== undefined
  );
}

/**
 * The `rateLimit` server option as a middleware: token buckets per connection (kept in a
 * WeakMap keyed by the connection, so they die with it), counted on inbound CALLs only —
 * CALLRESULT/CALLERROR answers to the CSMS's own calls are never limited.
 */
export function rateLimitMiddleware<C>(host: RateLimitHost<C>): Middleware {
  const buckets = new WeakMap<MiddlewareClient, ConnectionBuckets>();
  const bucketsOf = (
    options: ResolvedRateLimit<C>,
    connection: MiddlewareClient,
    now: number,
  ): ConnectionBuckets => {
    let own = buckets.get(connection);
    if (!own) {
      own = { all: new TokenBucket(options.limit, options.windowMs, now), methods: new Map() };
      buckets.set(connection, own);
    }
    return own;
  };
  /** Takes a token from every bucket that applies, or returns the fullest one's wait. */
  const tryTake = (
    options: ResolvedRateLimit<C>,
    own: ConnectionBuckets,
    method: string,
    now: number,
  ) => {
    let bucket = own.methods.get(method);
    const methodLimit = options.methods.get(method);
    if (!bucket && methodLimit) {
      bucket = new TokenBucket(methodLimit.limit, methodLimit.windowMs, now);
      own.methods.set(method, bucket);
    }
    const methodWait = bucket ? bucket.waitMs(now) : 0;
    const allWait = own.all.waitMs(now);
    if (methodWait === 0 && allWait === 0) {
      bucket?.take();
      own.all.take();
      return undefined;
    }
    const over = methodWait >= allWait && bucket ? bucket : own.all;
    return { bucket: over, retryAfterMs: Math.max(methodWait, allWait) };
  };

  /** Over the limit: delay a transaction CALL, else refuse it (and apply the policy). */
  const onOver = async (
    ctx: InboundMessageContext,
    next: () => Promise<void>,
    options: ResolvedRateLimit<C>,
    own: ConnectionBuckets,
    method: string,
    params: unknown,
    first: { bucket: TokenBucket; retryAfterMs: number },
  ): Promise<void> => {
    let over: typeof first | undefined = first;
    const breach = { method, limit: over.bucket.limit, windowMs: over.bucket.windowMs };
    const report = (outcome: RateLimitExceededEvent["outcome"], retryAfterMs: number) =>
      host.breach({ identity: ctx.client.identity, ...breach, retryAfterMs, outcome });
    if (isTransactionCall(method, params)) {
      // Awaiting here holds this connection's later messages behind the CALL (the pipeline
      // keeps inbound order), so the transaction's messages stay in sequence.
      report("delayed", over.retryAfterMs);
      while (over) {
        await sleep(over.retryAfterMs);
        over = tryTake(options, own, method, Date.now());
      }
      return next();
    }
    const client = host.clientOf(ctx.client);
    const policy = options.onLimitExceeded;
    const action: RateLimitAction =
      typeof policy === "function" && client !== undefined
        ? ((await policy(client, breach)) ?? "ignore")
        : policy === "disconnect"
          ? "disconnect"
          : "ignore";
    ctx.refuse(
      new RPCGenericError("rate limit exceeded", { retryAfterMs: over.retryAfterMs, ...breach }),
    );
    report(action === "disconnect" ? "disconnected" : "refused", over.retryAfterMs);
    if (action === "disconnect" && client !== undefined) host.disconnect(client);
  };

  // Not async: a CALL within its limits returns next() as is, so the pipeline stays
  // synchronous for it (an async middleware would make every message wait a microtask).
  return (ctx, next) => {
    if (ctx.direction !== "inbound") return next();
    const message = ctx.message;
    const options = host.options();
    if (!options || message[0] !== MessageType.CALL) return next();
    const method = message[2];
    const now = Date.now();
    const own = bucketsOf(options, ctx.client, now);
    const over = tryTake(options, own, method, now);
    if (!over) return next();
    return onOver(ctx, next, options, own, method, message[3], over);
  };
}
