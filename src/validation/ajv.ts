import { Ajv } from "ajv";
import formatsModule from "ajv-formats";
import { jsonSchemaDraft06 } from "../generated/json-schema.js";
import { isDateTime } from "./date-time.js";

// ajv-formats is CommonJS whose `module.exports` is the plugin and also carries `.default`; under
// every interop (Node ESM, bundlers, the CommonJS build) `.default` is the plugin function.
const addFormats = formatsModule.default;

/**
 * `|Math.round(x / d) - x / d| < 1e-6`: 0.1 * 3 (0.30000000000000004) is a multiple of 0.1, and
 * so is 123456789.1. A tighter precision rejects large values (1e6 W / 0.1 errs by ~1e-9).
 */
export const MULTIPLE_OF_PRECISION = 6;

/** A new ajv instance configured for OCPP schemas; each Validator owns one. */
export function createAjv(): Ajv {
  const ajv = new Ajv({
    // The OCA schemas carry non-standard keywords (javaType, comment).
    strict: false,
    // Stop at the first failure: cheaper, and only the first one picks the OCPP-J error code.
    allErrors: false,
    multipleOfPrecision: MULTIPLE_OF_PRECISION,
    // Schemas are checked once against their meta-schema in createValidator, not on compile.
    validateSchema: false,
    // Library code never writes to the console.
    logger: false,
  });
  // All formats: the OCA schemas use date-time and uri; custom schemas may use others. Formats are
  // regular expressions and functions, compiled only into the schemas that use them.
  addFormats(ajv);
  ajv.addFormat("date-time", { type: "string", validate: isDateTime });
  // The OCA publishes the 2.1 schemas as draft-06; ajv knows draft-07 out of the box.
  ajv.addMetaSchema(jsonSchemaDraft06);
  return ajv;
}
