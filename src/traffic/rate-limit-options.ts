import { checkNumber } from "../rpc/options.js";

/** What to do with a station that went over its limit. */
export type RateLimitAction = "ignore" | "disconnect";

/** The limit a CALL went over, as a policy function and the 'rateLimitExceeded' event see it. */
export interface RateLimitBreach {
  method: string;
  limit: number;
  windowMs: number;
}

/**
 * Decides what happens on a breach; returning nothing means "ignore". `C` is the server-side
 * client the CALL came from.
 */
export type RateLimitPolicy<C> = (
  client: C,
  breach: RateLimitBreach,
) => RateLimitAction | void | Promise<RateLimitAction | void>;

export interface MethodRateLimit {
  limit: number;
  windowMs: number;
}

/** Inbound CALLs allowed per connection (seed 002 RateLimitOptions). */
export interface RateLimitOptions<C = unknown> {
  /** CALLs allowed per connection per `windowMs`, every method together (bucket size). */
  limit: number;
  /** The window (ms) over which `limit` tokens are refilled. */
  windowMs: number;
  /**
   * "ignore" (default): answer CALLERROR GenericError and go on; "disconnect": also close
   * the connection with 1008; a function decides per breach.
   */
  onLimitExceeded?: RateLimitAction | RateLimitPolicy<C>;
  /** Limits of their own for some methods, checked in addition to the global one. */
  methods?: Record<string, MethodRateLimit>;
}

export interface ResolvedRateLimit<C> {
  limit: number;
  windowMs: number;
  onLimitExceeded: RateLimitAction | RateLimitPolicy<C>;
  methods: ReadonlyMap<string, MethodRateLimit>;
}

function checkLimit(name: string, value: { limit?: unknown; windowMs?: unknown }): void {
  checkNumber(`${name}.limit`, value.limit, 1, true);
  checkNumber(`${name}.windowMs`, value.windowMs, 1);
  if (!Number.isFinite(value.windowMs)) {
    throw new RangeError(`option '${name}.windowMs' must be finite, got ${String(value.windowMs)}`);
  }
}

/** Checks the `rateLimit` option; throws a TypeError naming the faulty field. */
export function resolveRateLimit<C>(input: unknown): ResolvedRateLimit<C> {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("option 'rateLimit' must be an object { limit, windowMs }");
  }
  const options = input as RateLimitOptions<C>;
  checkLimit("rateLimit", options);
  const policy = options.onLimitExceeded ?? "ignore";
  if (policy !== "ignore" && policy !== "disconnect" && typeof policy !== "function") {
    throw new TypeError(
      `option 'rateLimit.onLimitExceeded' must be "ignore", "disconnect" or a function, got ${String(policy)}`,
    );
  }
  const methods = new Map<string, MethodRateLimit>();
  if (options.methods !== undefined) {
    if (typeof options.methods !== "object" || options.methods === null) {
      throw new TypeError(
        "option 'rateLimit.methods' must be an object { [method]: { limit, windowMs } }",
      );
    }
    for (const [method, limit] of Object.entries(options.methods)) {
      if (typeof limit !== "object" || limit === null) {
        throw new TypeError(
          `option 'rateLimit.methods.${method}' must be an object { limit, windowMs }`,
        );
      }
      checkLimit(`rateLimit.methods.${method}`, limit);
      methods.set(method, { limit: limit.limit, windowMs: limit.windowMs });
    }
  }
  return { limit: options.limit, windowMs: options.windowMs, onLimitExceeded: policy, methods };
}
