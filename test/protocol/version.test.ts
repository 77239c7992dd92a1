import { describe, expect, it } from "vitest";
import { RPC_ERROR_DESCRIPTIONS } from "../../src/protocol/errors.js";
import { MAX_MESSAGE_ID_LENGTH, MessageIdGenerator } from "../../src/protocol/message-id.js";
import { protocolFamily, wireErrorCode } from "../../src/protocol/version.js";

describe("protocolFamily", () => {
  it("maps the OCPP subprotocols to their family and anything else to 'other'", () => {
    expect(protocolFamily("ocpp1.6")).toBe("1.6");
    expect(protocolFamily("ocpp2.0.1")).toBe("2.0.1");
    expect(protocolFamily("ocpp2.1")).toBe("2.1");
    expect(protocolFamily("echo1.0")).toBe("other");
    expect(protocolFamily("ocpp2.0")).toBe("other");
    expect(protocolFamily(undefined)).toBe("other");
  });
});

describe("wireErrorCode", () => {
  it("spells the 1.6 codes as the errata keeps them", () => {
    expect(wireErrorCode("FormatViolation", "1.6")).toBe("FormationViolation");
    expect(wireErrorCode("FormationViolation", "1.6")).toBe("FormationViolation");
    expect(wireErrorCode("OccurrenceConstraintViolation", "1.6")).toBe(
      "OccurenceConstraintViolation",
    );
    expect(wireErrorCode("OccurenceConstraintViolation", "1.6")).toBe(
      "OccurenceConstraintViolation",
    );
  });

  it("never puts a code 1.6 does not define on a 1.6 wire", () => {
    // OCPP-J 1.6 §4.2.3 Table 7.
    const codes16 = [
      "NotImplemented",
      "NotSupported",
      "InternalError",
      "ProtocolError",
      "SecurityError",
      "FormationViolation",
      "PropertyConstraintViolation",
      "OccurenceConstraintViolation",
      "TypeConstraintViolation",
      "GenericError",
    ];
    for (const code of Object.keys(RPC_ERROR_DESCRIPTIONS)) {
      expect(codes16).toContain(wireErrorCode(code, "1.6"));
    }
  });

  it.each(["2.0.1", "2.1"] as const)("spells the 2.x codes correctly (%s)", (family) => {
    expect(wireErrorCode("FormatViolation", family)).toBe("FormatViolation");
    expect(wireErrorCode("FormationViolation", family)).toBe("FormatViolation");
    expect(wireErrorCode("OccurrenceConstraintViolation", family)).toBe(
      "OccurrenceConstraintViolation",
    );
    expect(wireErrorCode("OccurenceConstraintViolation", family)).toBe(
      "OccurrenceConstraintViolation",
    );
    expect(wireErrorCode("RpcFrameworkError", family)).toBe("RpcFrameworkError");
    expect(wireErrorCode("MessageTypeNotSupported", family)).toBe("MessageTypeNotSupported");
  });

  it.each(["1.6", "2.0.1", "2.1", "other"] as const)(
    "leaves codes without version spellings unchanged (%s)",
    (family) => {
      for (const code of [
        "GenericError",
        "NotImplemented",
        "NotSupported",
        "InternalError",
        "ProtocolError",
        "SecurityError",
        "PropertyConstraintViolation",
        "TypeConstraintViolation",
        "VendorSpecificCode",
      ]) {
        expect(wireErrorCode(code, family)).toBe(code);
      }
    },
  );

  it("leaves every code unchanged for custom subprotocols", () => {
    for (const code of Object.keys(RPC_ERROR_DESCRIPTIONS)) {
      expect(wireErrorCode(code, "other")).toBe(code);
    }
  });
});

describe("MessageIdGenerator", () => {
  it("makes string ids of at most 36 characters", () => {
    const ids = new MessageIdGenerator();
    for (let i = 0; i < 1000; i++) {
      const id = ids.next();
      expect(typeof id).toBe("string");
      expect(id.length).toBeGreaterThan(0);
      expect(id.length).toBeLessThanOrEqual(MAX_MESSAGE_ID_LENGTH);
    }
    expect(MAX_MESSAGE_ID_LENGTH).toBe(36);
  });

  it("never repeats an id over 10,000 calls", () => {
    const ids = new MessageIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(ids.next());
    expect(seen.size).toBe(10_000);
  });

  it("gives different generators different ids", () => {
    const a = new MessageIdGenerator();
    const b = new MessageIdGenerator();
    const fromA = new Set(Array.from({ length: 100 }, () => a.next()));
    for (let i = 0; i < 100; i++) expect(fromA.has(b.next())).toBe(false);
  });

  it("starts a new prefix on reset()", () => {
    const ids = new MessageIdGenerator();
    const before = ids.next();
    ids.reset();
    const after = ids.next();
    const prefix = (id: string) => id.slice(0, id.lastIndexOf("-"));
    expect(prefix(after)).not.toBe(prefix(before));
    expect(after).not.toBe(before);
    expect(after.length).toBeLessThanOrEqual(36);
  });
});
