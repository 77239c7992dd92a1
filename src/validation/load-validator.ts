import type { Validator } from "./validator.js";

/**
 * `createValidator` for code that must not carry ajv up front (the browser entry): loads the
 * validator module on first use, then creates the Validator the same way, with the same
 * checks and messages (a bad schema rejects with the TypeError createValidator throws).
 *
 * @example
 * const echoValidator = await loadValidator("echo1.0", echoSchemas);
 * const client = new BrowserOCPPClient({ ..., strictMode: ["echo1.0"], strictModeValidators: [echoValidator] });
 */
export async function loadValidator(
  subprotocol: string,
  schemas: readonly object[],
): Promise<Validator> {
  const { createValidator } = await import("./validator.js");
  return createValidator(subprotocol, schemas);
}
