import type { RpcOptions } from "./types.js";

export const RPC_DEFAULTS: Readonly<RpcOptions> = Object.freeze({
  callTimeoutMs: 30_000,
  callConcurrency: 1,
  maxBadMessages: Infinity,
  respondWithDetailedErrors: false,
  strictMode: false,
  pingIntervalMs: 30_000,
  deferPingsOnActivity: false,
});

export const RPC_OPTION_KEYS = [
  "callTimeoutMs",
  "callConcurrency",
  "maxBadMessages",
  "respondWithDetailedErrors",
  "strictMode",
  "strictModeMethods",
  "strictModeValidators",
  "lenientValidation",
  "pingIntervalMs",
  "deferPingsOnActivity",
] as const satisfies readonly (keyof RpcOptions)[];

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

/**
 * Checks the RPC options present in `input` (a partial set, as reconfigure() receives) and
 * returns them merged over `base`. Unknown keys are the caller's to check.
 */
export function mergeRpcOptions(base: RpcOptions, input: Partial<RpcOptions>): RpcOptions {
  const out: RpcOptions = { ...base };
  for (const key of RPC_OPTION_KEYS) {
    const value = input[key];
    if (value === undefined) continue;
    switch (key) {
      case "callTimeoutMs":
      case "pingIntervalMs":
        checkNumber(key, value, 0);
        break;
      case "callConcurrency":
        checkNumber(key, value, 1, true);
        break;
      case "maxBadMessages":
        checkNumber(key, value, 0, true);
        break;
      case "respondWithDetailedErrors":
      case "deferPingsOnActivity":
        checkBoolean(key, value);
        break;
      case "strictMode":
      case "lenientValidation":
        if (typeof value !== "boolean") checkStringArray(key, value);
        break;
      case "strictModeMethods":
        checkStringArray(key, value);
        break;
      case "strictModeValidators":
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
            `option 'strictModeValidators' must be an array of validators made by createValidator()`,
          );
        }
        break;
    }
    (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
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
