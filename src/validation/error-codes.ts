import type { ErrorObject } from "ajv";
import { createRPCError, type RPCError, type RPCErrorCode } from "../protocol/errors.js";

/** The OCPP-J error codes a schema violation can produce (canonical 2.x spellings). */
export type ValidationErrorCode = Extract<
  RPCErrorCode,
  | "FormatViolation"
  | "OccurrenceConstraintViolation"
  | "PropertyConstraintViolation"
  | "TypeConstraintViolation"
>;

/**
 * ajv keyword → OCPP-J error code (OCPP 2.0.1/2.1 Part 4 §4.3, OCPP-J 1.6 §4.2.3 Table 7).
 * Codes are the canonical 2.x spellings; wireErrorCode() turns them into the 1.6 ones.
 *
 * | keyword                                              | code                          | why                                           |
 * | ---------------------------------------------------- | ----------------------------- | --------------------------------------------- |
 * | type (of a field)                                    | TypeConstraintViolation       | "violates data type constraints"              |
 * | type (of the payload itself, instancePath "")        | FormatViolation               | payload does not have the PDU's structure     |
 * | required, dependencies, dependentRequired            | OccurrenceConstraintViolation | a field that must occur is missing            |
 * | minItems, maxItems, additionalItems                  | OccurrenceConstraintViolation | a field occurs too few / too many times       |
 * | minProperties, maxProperties                         | OccurrenceConstraintViolation | (same, for object members)                    |
 * | enum, const                                          | PropertyConstraintViolation   | "at least one field contains an invalid value"|
 * | minLength, maxLength, pattern, format                | PropertyConstraintViolation   | string value out of its allowed set           |
 * | minimum, maximum, exclusiveMinimum, exclusiveMaximum | PropertyConstraintViolation   | number value out of range                     |
 * | multipleOf, uniqueItems                              | PropertyConstraintViolation   | invalid value                                 |
 * | additionalProperties, propertyNames, false schema    | FormatViolation               | a field the PDU does not define               |
 * | anything else (anyOf, oneOf, not, if, ...)           | FormatViolation               | payload does not conform to the PDU structure |
 *
 * ocpp-rpc's table differs where it is wrong: it reports minimum/maximum/minLength/maxLength as
 * FormatViolation and exclusiveMinimum/exclusiveMaximum/multipleOf as occurrence violations, though
 * all of them constrain a value that is present and of the right type. An unknown field is a
 * structural mismatch with the PDU, not an invalid value, hence FormatViolation.
 */
export const KEYWORD_ERROR_CODES: Readonly<Record<string, ValidationErrorCode>> = Object.freeze({
  type: "TypeConstraintViolation",
  required: "OccurrenceConstraintViolation",
  dependencies: "OccurrenceConstraintViolation",
  dependentRequired: "OccurrenceConstraintViolation",
  minItems: "OccurrenceConstraintViolation",
  maxItems: "OccurrenceConstraintViolation",
  additionalItems: "OccurrenceConstraintViolation",
  minProperties: "OccurrenceConstraintViolation",
  maxProperties: "OccurrenceConstraintViolation",
  enum: "PropertyConstraintViolation",
  const: "PropertyConstraintViolation",
  minLength: "PropertyConstraintViolation",
  maxLength: "PropertyConstraintViolation",
  pattern: "PropertyConstraintViolation",
  format: "PropertyConstraintViolation",
  minimum: "PropertyConstraintViolation",
  maximum: "PropertyConstraintViolation",
  exclusiveMinimum: "PropertyConstraintViolation",
  exclusiveMaximum: "PropertyConstraintViolation",
  multipleOf: "PropertyConstraintViolation",
  uniqueItems: "PropertyConstraintViolation",
  additionalProperties: "FormatViolation",
  propertyNames: "FormatViolation",
  "false schema": "FormatViolation",
});

/** The OCPP-J error code for one ajv error. */
export function validationErrorCode(
  error: Pick<ErrorObject, "keyword" | "instancePath">,
): ValidationErrorCode {
  // A payload that is not even an object (an array, a string, null) has no PDU structure at all.
  if (error.keyword === "type" && error.instancePath === "") return "FormatViolation";
  return Object.hasOwn(KEYWORD_ERROR_CODES, error.keyword)
    ? KEYWORD_ERROR_CODES[error.keyword]!
    : "FormatViolation";
}

/** What an RPCError built from ajv errors carries in `details.errors`. */
export interface ValidationErrorDetail {
  instancePath: string;
  keyword: string;
  message: string | undefined;
  params: Record<string, unknown>;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "payload" : error.instancePath;
  let text = `${where} ${error.message ?? `fails '${error.keyword}'`}`;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties") text += ` ('${String(params.additionalProperty)}')`;
  if (Array.isArray(params.allowedValues))
    text += `: ${params.allowedValues.map(String).join(", ")}`;
  return text;
}

/**
 * The RPCError for a failed validation: its code comes from the first ajv error, its message says
 * what failed where, and `details.errors` lists ajv's errors (instancePath, keyword, message, params).
 */
export function validationError(
  method: string,
  kind: "request" | "response",
  errors: readonly ErrorObject[],
): RPCError {
  const first = errors[0];
  if (!first)
    return createRPCError("FormatViolation", `${method} ${kind} does not match its schema`);
  const details: ValidationErrorDetail[] = errors.map((e) => ({
    instancePath: e.instancePath,
    keyword: e.keyword,
    message: e.message,
    params: e.params as Record<string, unknown>,
  }));
  return createRPCError(validationErrorCode(first), `${method} ${kind}: ${describe(first)}`, {
    errors: details,
  });
}
