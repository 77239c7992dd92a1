import { describe, expect, it } from "vitest";
import { KEYWORD_ERROR_CODES, validationErrorCode } from "../../src/validation/index.js";

describe("validationErrorCode", () => {
  it("maps a wrong field type to TypeConstraintViolation, a non-object payload to FormatViolation", () => {
    expect(validationErrorCode({ keyword: "type", instancePath: "/interval" })).toBe(
      "TypeConstraintViolation",
    );
    expect(validationErrorCode({ keyword: "type", instancePath: "" })).toBe("FormatViolation");
  });

  it("maps missing fields and item counts to OccurrenceConstraintViolation", () => {
    for (const keyword of ["required", "minItems", "maxItems", "minProperties", "maxProperties"]) {
      expect(validationErrorCode({ keyword, instancePath: "/a" }), keyword).toBe(
        "OccurrenceConstraintViolation",
      );
    }
  });

  it("maps bad values to PropertyConstraintViolation", () => {
    for (const keyword of [
      "enum",
      "const",
      "minLength",
      "maxLength",
      "pattern",
      "format",
      "minimum",
      "maximum",
      "exclusiveMinimum",
      "exclusiveMaximum",
      "multipleOf",
    ]) {
      expect(validationErrorCode({ keyword, instancePath: "/a" }), keyword).toBe(
        "PropertyConstraintViolation",
      );
    }
  });

  it("maps unknown fields and unknown keywords to FormatViolation", () => {
    expect(validationErrorCode({ keyword: "additionalProperties", instancePath: "" })).toBe(
      "FormatViolation",
    );
    expect(validationErrorCode({ keyword: "oneOf", instancePath: "/a" })).toBe("FormatViolation");
    expect(validationErrorCode({ keyword: "toString", instancePath: "/a" })).toBe(
      "FormatViolation",
    );
  });

  it("uses only canonical 2.x spellings", () => {
    const codes = new Set(Object.values(KEYWORD_ERROR_CODES));
    expect(codes).toEqual(
      new Set([
        "TypeConstraintViolation",
        "OccurrenceConstraintViolation",
        "PropertyConstraintViolation",
        "FormatViolation",
      ]),
    );
    expect(Object.isFrozen(KEYWORD_ERROR_CODES)).toBe(true);
  });
});
