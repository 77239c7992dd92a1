// Straight from the modules, not the validation index: that one also reaches ajv, which the
// browser entry loads only when strict mode needs it.
import {
  getBuiltinValidator,
  isBuiltinProtocol,
  loadBuiltinValidator,
} from "../validation/builtin.js";
import type { Validator } from "../validation/validator.js";
import type { RpcOptions } from "./types.js";

type StrictOptions = Pick<RpcOptions, "strictMode" | "strictModeValidators">;

/** The subprotocols strict mode applies to, given the options and the offered protocols. */
export function strictProtocols(
  options: Pick<RpcOptions, "strictMode">,
  protocols: readonly string[],
): readonly string[] {
  if (Array.isArray(options.strictMode)) return options.strictMode as readonly string[];
  return options.strictMode ? protocols : [];
}

/** Whether strict mode validates the messages of a connection that negotiated `protocol`. */
export function strictApplies(options: StrictOptions, protocol: string | undefined): boolean {
  if (protocol === undefined || protocol === "" || options.strictMode === false) return false;
  return !Array.isArray(options.strictMode) || options.strictMode.includes(protocol);
}

function customValidator(options: StrictOptions, protocol: string): Validator | undefined {
  return options.strictModeValidators?.find((v) => v.subprotocol === protocol);
}

/**
 * The validator strict mode uses on a connection that negotiated `protocol`: a user's
 * (strictModeValidators) wins over a built-in one; a built-in one only once loaded.
 */
export function resolveValidator(
  options: StrictOptions,
  protocol: string | undefined,
): Validator | undefined {
  if (!strictApplies(options, protocol)) return undefined;
  return customValidator(options, protocol!) ?? getBuiltinValidator(protocol!);
}

/**
 * Loads what strict mode needs for `protocol` before a connection on it opens. Undefined
 * when nothing has to be loaded (the common case after the first connection).
 */
export function prepareValidator(
  options: StrictOptions,
  protocol: string | undefined,
): Promise<unknown> | undefined {
  if (!strictApplies(options, protocol) || customValidator(options, protocol!)) return undefined;
  if (!isBuiltinProtocol(protocol!) || getBuiltinValidator(protocol)) return undefined;
  return loadBuiltinValidator(protocol);
}

/** Whether failures on `protocol` are only reported (lenientValidation), not refused. */
export function isLenient(
  options: Pick<RpcOptions, "lenientValidation">,
  protocol: string,
): boolean {
  const lenient = options.lenientValidation;
  return Array.isArray(lenient) ? lenient.includes(protocol) : lenient === true;
}

/**
 * Throws when strict mode is asked for a subprotocol with no validator, so a typo in
 * `protocols` or a missing custom validator shows at construction, not as silent passes.
 */
export function checkStrictValidators(
  component: string,
  options: StrictOptions,
  protocols: readonly string[],
): void {
  if (options.strictMode === true && protocols.length === 0) {
    throw new TypeError(`${component}: strictMode needs at least one subprotocol in 'protocols'`);
  }
  for (const protocol of strictProtocols(options, protocols)) {
    if (!customValidator(options, protocol) && !isBuiltinProtocol(protocol)) {
      throw new TypeError(
        `${component}: strictMode has no validator for subprotocol '${protocol}'; pass one in 'strictModeValidators' (createValidator())`,
      );
    }
  }
}
