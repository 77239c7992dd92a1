import { getBuiltinValidator, type Validator } from "../validation/index.js";
import type { RpcOptions } from "./types.js";

/** The subprotocols strict mode applies to, given the options and the offered protocols. */
export function strictProtocols(
  options: Pick<RpcOptions, "strictMode">,
  protocols: readonly string[],
): readonly string[] {
  if (Array.isArray(options.strictMode)) return options.strictMode as readonly string[];
  return options.strictMode ? protocols : [];
}

/** The validator for `protocol`: a user's (strictModeValidators) wins over a built-in one. */
export function findValidator(
  options: Pick<RpcOptions, "strictModeValidators">,
  protocol: string,
): Validator | undefined {
  const custom = options.strictModeValidators?.find((v) => v.subprotocol === protocol);
  return custom ?? getBuiltinValidator(protocol);
}

/** The validator strict mode uses on a connection that negotiated `protocol`, if any. */
export function resolveValidator(
  options: Pick<RpcOptions, "strictMode" | "strictModeValidators">,
  protocol: string | undefined,
): Validator | undefined {
  if (protocol === undefined || protocol === "" || options.strictMode === false) return undefined;
  if (Array.isArray(options.strictMode) && !options.strictMode.includes(protocol)) return undefined;
  return findValidator(options, protocol);
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
  options: Pick<RpcOptions, "strictMode" | "strictModeValidators">,
  protocols: readonly string[],
): void {
  if (options.strictMode === true && protocols.length === 0) {
    throw new TypeError(`${component}: strictMode needs at least one subprotocol in 'protocols'`);
  }
  for (const protocol of strictProtocols(options, protocols)) {
    if (!findValidator(options, protocol)) {
      throw new TypeError(
        `${component}: strictMode has no validator for subprotocol '${protocol}'; pass one in 'strictModeValidators' (createValidator())`,
      );
    }
  }
}
