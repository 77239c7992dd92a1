export {
  createValidator,
  type MessageKind,
  type SchemaValidator,
  type Validator,
} from "./validator.js";
export { loadValidator } from "./load-validator.js";
export { getBuiltinValidator, isBuiltinProtocol, loadBuiltinValidator } from "./builtin.js";
export {
  KEYWORD_ERROR_CODES,
  validationErrorCode,
  type ValidationErrorCode,
  type ValidationErrorDetail,
} from "./error-codes.js";
export { MULTIPLE_OF_PRECISION } from "./ajv.js";
