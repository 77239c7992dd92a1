import type { RpcOptions } from "./types.js";

/** Throws a TypeError/RangeError naming `name` unless `value` is a number >= min (Infinity ok). */
export function checkNumber(name: string, value: unknown, min: number, integer = false): void {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`option '${name}' must be a number, got ${describe(value)}`);
  }
  if (value < min || (integer && Number.isFinite(value) && !Number.isInteger(value))) {
    throw new RangeError(
      `option '${name}' must be ${integer ? "an integer" : "a number"} >= ${min}, got ${value}`,
    );
  }
}

export function checkBoolean(name: string, value: unknown): void {
  if (typeof value !== "boolean") {
    throw new TypeError(`option '${name}' must be a boolean, got ${describe(value)}`);
  }
}

export function checkStringArray(name: string, value: unknown): void {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new TypeError(`option '${name}' must be an array of strings, got ${describe(value)}`);
  }
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  return `${typeof value} ${typeof value === "symbol" ? value.toString() : `${value as number}`}`;
}

/** One option of a component: its default and the check of a value given for it. */
export interface OptionSpec<T> {
  readonly default: T;
  /** Throws a TypeError/RangeError naming the option when `value` is not acceptable. */
  check(name: string, value: unknown): void;
}

/**
 * Every option of an options type, each with its spec. `satisfies OptionRegistry<O>` makes a
 * key of `O` without an entry (or an entry without a key) a compile error, so the accepted
 * keys, the defaults and the type cannot drift apart.
 */
export type OptionRegistry<O> = { readonly [K in keyof O]-?: OptionSpec<O[K]> };

/** The defaults of a registry, frozen. */
export function defaultsOf<O>(registry: OptionRegistry<O>): Readonly<O> {
  const out = {} as O;
  for (const key of Object.keys(registry) as (keyof O)[]) {
    const value = registry[key].default;
    if (value !== undefined) out[key] = value;
  }
  return Object.freeze(out);
}

/**
 * Checks the options of `registry` present in `input` (a partial set, as reconfigure()
 * receives) and returns them merged over `base`. Keys outside the registry are ignored here:
 * rejectUnknownOptions() refuses them for the whole component.
 */
export function mergeOptions<O>(
  registry: OptionRegistry<O>,
  base: Readonly<O>,
  input: Partial<O>,
): O {
  const out = { ...base } as O;
  for (const key of Object.keys(registry) as (keyof O & string)[]) {
    const value = input[key];
    if (value === undefined) continue;
    registry[key].check(key, value);
    out[key] = value;
  }
  return out;
}

const atLeast =
  (min: number, integer = false) =>
  (name: string, value: unknown) =>
    checkNumber(name, value, min, integer);

/** A delay a timer can wait: finite, 0 to 2^31 - 1 ms (longer ones fire at once in Node). */
function checkTimerDelay(name: string, value: unknown): void {
  checkNumber(name, value, 0);
  if ((value as number) >= 2 ** 31) {
    throw new RangeError(
      `option '${name}' must be a number of ms below 2^31, got ${value as number}`,
    );
  }
}

const booleanOrProtocols = (name: string, value: unknown) => {
  if (typeof value !== "boolean") checkStringArray(name, value);
};

function checkValidators(name: string, value: unknown): void {
  if (
    !Array.isArray(value) ||
    value.some(
      (v: unknown) =>
        typeof v !== "object" ||
        v === null ||
        typeof (v as { validate?: unknown }).validate !== "function" ||
        typeof (v as { subprotocol?: unknown }).subprotocol !== "string",
    )
  ) {
    throw new TypeError(
      `option '${name}' must be an array of validators made by createValidator()`,
    );
  }
}

/** The RPC engine's options, shared by every client class and inherited from a server. */
export const RPC_OPTIONS = {
  callTimeoutMs: { default: 30_000, check: atLeast(0) },
  callConcurrency: { default: 1, check: atLeast(1, true) },
  maxBadMessages: { default: Infinity, check: atLeast(0, true) },
  respondWithDetailedErrors: { default: false, check: checkBoolean },
  strictMode: { default: false, check: booleanOrProtocols },
  strictModeMethods: { default: undefined, check: checkStringArray },
  strictModeValidators: { default: undefined, check: checkValidators },
  lenientValidation: { default: undefined, check: booleanOrProtocols },
  pingIntervalMs: { default: 30_000, check: atLeast(0) },
  deferPingsOnActivity: { default: false, check: checkBoolean },
  closeTimeoutMs: { default: 5_000, check: atLeast(0) },
  handlerGraceMs: { default: 1_000, check: checkTimerDelay },
} as const satisfies OptionRegistry<RpcOptions>;

export const RPC_DEFAULTS: Readonly<RpcOptions> = defaultsOf<RpcOptions>(RPC_OPTIONS);
export const RPC_OPTION_KEYS = Object.keys(RPC_OPTIONS) as (keyof RpcOptions)[];

/** Checks the RPC options present in `input` and returns them merged over `base`. */
export function mergeRpcOptions(
  base: Readonly<RpcOptions>,
  input: Partial<RpcOptions>,
): RpcOptions {
  return mergeOptions<RpcOptions>(RPC_OPTIONS, base, input);
}

/** Throws a TypeError listing keys of `input` that are not in `known`. */
export function rejectUnknownOptions(
  component: string,
  input: object,
  known: ReadonlySet<string>,
): void {
  const unknown = Object.keys(input).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new TypeError(
      `${component}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}`,
    );
  }
}
