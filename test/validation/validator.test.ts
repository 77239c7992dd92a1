import { Ajv } from "ajv";
import { afterEach, describe, expect, it, vi } from "vitest";
import { protocolSchemaLoaders } from "../../src/generated/index.js";
import { RPCError } from "../../src/protocol/errors.js";
import {
  createValidator,
  getBuiltinValidator,
  loadBuiltinValidator,
} from "../../src/validation/index.js";
import { setChargingProfile16 } from "../helpers/payloads.js";

const protocolSchemas = {
  "ocpp1.6": await protocolSchemaLoaders["ocpp1.6"](),
  "ocpp2.0.1": await protocolSchemaLoaders["ocpp2.0.1"](),
  "ocpp2.1": await protocolSchemaLoaders["ocpp2.1"](),
};
await Promise.all(Object.keys(protocolSchemas).map((p) => loadBuiltinValidator(p)));

const now = "2024-05-01T12:00:00Z";

function echoValidator() {
  // The example from the ocpp-rpc README (seed 001, "Adding additional validation schemas").
  const echo = {
    $schema: "http://json-schema.org/draft-07/schema",
    type: "object",
    properties: { val: { type: "string" } },
    additionalProperties: false,
    required: ["val"],
  };
  return createValidator("echo1.0", [
    { ...echo, $id: "urn:Echo.req" },
    { ...echo, $id: "urn:Echo.conf" },
  ]);
}

function builtin(protocol: string) {
  const validator = getBuiltinValidator(protocol);
  if (!validator) throw new Error(`no built-in validator for ${protocol}`);
  return validator;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("getBuiltinValidator('ocpp1.6')", () => {
  const v = builtin("ocpp1.6");

  it("accepts valid BootNotification request and response", () => {
    expect(
      v.validate("BootNotification", "request", { chargePointVendor: "V", chargePointModel: "M" }),
    ).toBeUndefined();
    expect(
      v.validate("BootNotification", "response", {
        status: "Accepted",
        currentTime: now,
        interval: 300,
      }),
    ).toBeUndefined();
  });

  it("reports a missing required field as OccurrenceConstraintViolation", () => {
    const err = v.validate("BootNotification", "request", { chargePointModel: "M" });
    expect(err).toBeInstanceOf(RPCError);
    expect(err?.rpcErrorCode).toBe("OccurrenceConstraintViolation");
    expect(err?.message).toContain("chargePointVendor");
    expect(err?.details).toEqual({
      errors: [
        {
          instancePath: "",
          keyword: "required",
          message: "must have required property 'chargePointVendor'",
          params: { missingProperty: "chargePointVendor" },
        },
      ],
    });
  });

  it("reports a wrong field type as TypeConstraintViolation", () => {
    const err = v.validate("BootNotification", "request", {
      chargePointVendor: 42,
      chargePointModel: "M",
    });
    expect(err?.rpcErrorCode).toBe("TypeConstraintViolation");
    expect(err?.message).toBe("BootNotification request: /chargePointVendor must be string");
  });

  it("reports a value outside the enum as PropertyConstraintViolation", () => {
    const err = v.validate("BootNotification", "response", {
      status: "Maybe",
      currentTime: now,
      interval: 1,
    });
    expect(err?.rpcErrorCode).toBe("PropertyConstraintViolation");
    expect(err?.message).toContain("Accepted, Pending, Rejected");
  });

  it("reports a too long string as PropertyConstraintViolation", () => {
    const err = v.validate("Authorize", "request", { idTag: "x".repeat(21) });
    expect(err?.rpcErrorCode).toBe("PropertyConstraintViolation");
    expect((err?.details.errors as Array<{ keyword: string }>)[0]?.keyword).toBe("maxLength");
  });

  it("reports a bad date-time as PropertyConstraintViolation", () => {
    const err = v.validate("BootNotification", "response", {
      status: "Accepted",
      currentTime: "yesterday",
      interval: 1,
    });
    expect(err?.rpcErrorCode).toBe("PropertyConstraintViolation");
  });

  it("reports an unknown property as FormatViolation", () => {
    const err = v.validate("Heartbeat", "request", { extra: true });
    expect(err?.rpcErrorCode).toBe("FormatViolation");
    expect(err?.message).toContain("('extra')");
  });

  it("reports a payload that is not an object as FormatViolation", () => {
    expect(v.validate("Heartbeat", "request", [])?.rpcErrorCode).toBe("FormatViolation");
    expect(v.validate("Heartbeat", "request", null)?.rpcErrorCode).toBe("FormatViolation");
    expect(v.validate("Heartbeat", "request", "{}")?.rpcErrorCode).toBe("FormatViolation");
  });

  it("tolerates floating-point representation in multipleOf", () => {
    const profile = setChargingProfile16;
    expect(0.1 * 3).not.toBe(0.3);
    expect(v.validate("SetChargingProfile", "request", profile(0.1 * 3))).toBeUndefined();
    expect(v.validate("SetChargingProfile", "request", profile(22000.1))).toBeUndefined();
    expect(v.validate("SetChargingProfile", "request", profile(123456789.1))).toBeUndefined();
    const err = v.validate("SetChargingProfile", "request", profile(0.15));
    expect(err?.rpcErrorCode).toBe("PropertyConstraintViolation");
    expect((err?.details.errors as Array<{ keyword: string }>)[0]?.keyword).toBe("multipleOf");
  });

  it("knows which schemas exist", () => {
    expect(v.subprotocol).toBe("ocpp1.6");
    expect(v.hasSchema("BootNotification", "request")).toBe(true);
    expect(v.hasSchema("BootNotification", "response")).toBe(true);
    expect(v.hasSchema("TransactionEvent", "request")).toBe(false);
    expect(v.hasSchema("Authorize", "conf" as "response")).toBe(false);
  });

  it("answers ProtocolError for a method without schema", () => {
    const err = v.validate("TransactionEvent", "request", {});
    expect(err?.rpcErrorCode).toBe("ProtocolError");
    expect(err?.message).toContain("TransactionEvent");
  });
});

describe("getBuiltinValidator('ocpp2.0.1')", () => {
  const v = builtin("ocpp2.0.1");
  const boot = { reason: "PowerUp", chargingStation: { model: "M", vendorName: "V" } };

  it("accepts a valid BootNotification and open customData", () => {
    expect(v.validate("BootNotification", "request", boot)).toBeUndefined();
    // CustomDataType is the one type without additionalProperties: false.
    expect(
      v.validate("BootNotification", "request", {
        ...boot,
        customData: { vendorId: "acme", anything: [1] },
      }),
    ).toBeUndefined();
    expect(
      v.validate("BootNotification", "response", {
        currentTime: now,
        interval: 60,
        status: "Accepted",
      }),
    ).toBeUndefined();
  });

  it("maps nested failures to their OCPP-J codes", () => {
    expect(
      v.validate("BootNotification", "request", { chargingStation: boot.chargingStation })
        ?.rpcErrorCode,
    ).toBe("OccurrenceConstraintViolation");
    expect(
      v.validate("BootNotification", "request", {
        ...boot,
        chargingStation: { model: 1, vendorName: "V" },
      })?.rpcErrorCode,
    ).toBe("TypeConstraintViolation");
    expect(
      v.validate("BootNotification", "request", { ...boot, reason: "Bored" })?.rpcErrorCode,
    ).toBe("PropertyConstraintViolation");
    expect(
      v.validate("BootNotification", "request", {
        ...boot,
        chargingStation: { ...boot.chargingStation, colour: "red" },
      })?.rpcErrorCode,
    ).toBe("FormatViolation");
  });

  it("reports too few array items as OccurrenceConstraintViolation", () => {
    const err = v.validate("SetVariables", "request", { setVariableData: [] });
    expect(err?.rpcErrorCode).toBe("OccurrenceConstraintViolation");
    expect((err?.details.errors as Array<{ keyword: string }>)[0]?.keyword).toBe("minItems");
  });
});

describe("getBuiltinValidator('ocpp2.1')", () => {
  const v = builtin("ocpp2.1");

  it("validates 2.1-only messages", () => {
    expect(
      v.validate("AdjustPeriodicEventStream", "request", { id: 1, params: { interval: 60 } }),
    ).toBeUndefined();
    const err = v.validate("AdjustPeriodicEventStream", "request", { id: -1, params: {} });
    expect(err?.rpcErrorCode).toBe("PropertyConstraintViolation");
    expect((err?.details.errors as Array<{ keyword: string }>)[0]?.keyword).toBe("minimum");
  });

  it("has a request schema and no response schema for the SEND-only NotifyPeriodicEventStream", () => {
    expect(v.hasSchema("NotifyPeriodicEventStream", "request")).toBe(true);
    expect(v.hasSchema("NotifyPeriodicEventStream", "response")).toBe(false);
    const payload = { id: 1, pending: 0, basetime: now, data: [{ t: 0, v: "230.1" }] };
    expect(v.validate("NotifyPeriodicEventStream", "request", payload)).toBeUndefined();
    expect(
      v.validate("NotifyPeriodicEventStream", "request", { ...payload, data: [] })?.rpcErrorCode,
    ).toBe("OccurrenceConstraintViolation");
  });

  it("validates BootNotification in 2.1 as well", () => {
    expect(
      v.validate("BootNotification", "request", {
        reason: "PowerUp",
        chargingStation: { model: "M", vendorName: "V" },
      }),
    ).toBeUndefined();
    expect(v.validate("BootNotification", "request", {})?.rpcErrorCode).toBe(
      "OccurrenceConstraintViolation",
    );
  });
});

describe("built-in validators", () => {
  it("are shared per process and exist only for the three OCPP versions", () => {
    expect(getBuiltinValidator("ocpp1.6")).toBe(getBuiltinValidator("ocpp1.6"));
    expect(getBuiltinValidator("ocpp2.0.1")).not.toBe(getBuiltinValidator("ocpp2.1"));
    expect(getBuiltinValidator("ocpp1.5")).toBeUndefined();
    expect(getBuiltinValidator("constructor")).toBeUndefined();
    expect(getBuiltinValidator("")).toBeUndefined();
  });

  it("compile every schema without error (so no InternalError at run time)", () => {
    for (const protocol of ["ocpp1.6", "ocpp2.0.1", "ocpp2.1"]) {
      const v = builtin(protocol);
      for (const kind of ["request", "response"] as const) {
        for (const method of v.methods(kind)) {
          const err = v.validate(method, kind, {});
          if (err)
            expect(["OccurrenceConstraintViolation"], `${protocol} ${method} ${kind}`).toContain(
              err.rpcErrorCode,
            );
        }
      }
      expect(v.compiledCount).toBe(
        protocolSchemas[protocol as keyof typeof protocolSchemas].length,
      );
    }
  }, 30_000);

  it("hold valid JSON schemas (createValidator checks each against its meta-schema)", () => {
    for (const [protocol, schemas] of Object.entries(protocolSchemas)) {
      const v = createValidator(`${protocol}-copy`, schemas);
      expect(v.methods("request").length).toBeGreaterThan(30);
      expect(v.compiledCount).toBe(0);
    }
  });
});

describe("lazy compilation", () => {
  it("compiles a schema on its first validate() and reuses it afterwards", () => {
    const compile = vi.spyOn(Ajv.prototype, "compile");
    const v = echoValidator();
    expect(v.compiledCount).toBe(0);
    expect(compile).not.toHaveBeenCalled();

    expect(v.validate("Echo", "request", { val: "foo" })).toBeUndefined();
    expect(v.compiledCount).toBe(1);
    expect(compile).toHaveBeenCalledTimes(1);

    expect(v.validate("Echo", "request", { val: "bar" })).toBeUndefined();
    expect(v.validate("Echo", "request", ["bar"])?.rpcErrorCode).toBe("FormatViolation");
    expect(v.compiledCount).toBe(1);
    expect(compile).toHaveBeenCalledTimes(1);

    expect(v.validate("Echo", "response", { val: "foo" })).toBeUndefined();
    expect(v.compiledCount).toBe(2);
  });

  it("loads no schema and compiles nothing until a built-in validator is asked for", async () => {
    vi.resetModules();
    const compile = vi.spyOn(Ajv.prototype, "compile");
    const fresh = await import("../../src/validation/index.js");
    expect(fresh.getBuiltinValidator("ocpp2.0.1")).toBeUndefined();
    expect(compile).not.toHaveBeenCalled();
    const v = (await fresh.loadBuiltinValidator("ocpp2.0.1"))!;
    expect(fresh.getBuiltinValidator("ocpp2.0.1")).toBe(v);
    expect(v.compiledCount).toBe(0);
    expect(compile).not.toHaveBeenCalled();
    v.validate("Heartbeat", "request", {});
    expect(v.compiledCount).toBe(1);
    expect(compile).toHaveBeenCalledTimes(1);
  });
});

describe("createValidator", () => {
  it("validates the Echo example from the seed", () => {
    const v = echoValidator();
    expect(v.subprotocol).toBe("echo1.0");
    expect(v.hasSchema("Echo", "request")).toBe(true);
    expect(v.hasSchema("Echo", "response")).toBe(true);
    expect(v.hasSchema("Ping", "request")).toBe(false);
    expect(v.validate("Echo", "request", { val: "foo" })).toBeUndefined();
    expect(v.validate("Echo", "request", ["bar"])?.rpcErrorCode).toBe("FormatViolation");
    expect(v.validate("Echo", "request", {})?.rpcErrorCode).toBe("OccurrenceConstraintViolation");
    expect(v.validate("Echo", "response", { val: 1 })?.rpcErrorCode).toBe(
      "TypeConstraintViolation",
    );
    expect(v.validate("Echo", "response", { val: "x", more: 1 })?.rpcErrorCode).toBe(
      "FormatViolation",
    );
  });

  it("accepts 2.1-style ids and draft-06 schemas", () => {
    const schema = {
      $schema: "http://json-schema.org/draft-06/schema#",
      type: "object",
      properties: { kwh: { type: "number", multipleOf: 0.01 } },
      required: ["kwh"],
    };
    const v = createValidator("meter1.0", [
      { ...schema, $id: "urn:ReadMeterRequest" },
      { ...schema, $id: "urn:ReadMeterResponse" },
      { ...schema, $id: "urn:StreamMeter" },
    ]);
    expect(v.hasSchema("ReadMeter", "request")).toBe(true);
    expect(v.hasSchema("ReadMeter", "response")).toBe(true);
    expect(v.hasSchema("StreamMeter", "request")).toBe(true);
    expect(v.hasSchema("StreamMeter", "response")).toBe(false);
    expect(v.validate("ReadMeter", "request", { kwh: 1.1 })).toBeUndefined();
    expect(v.validate("ReadMeter", "response", { kwh: 1.005 })?.rpcErrorCode).toBe(
      "PropertyConstraintViolation",
    );
  });

  it("is not affected by later changes to the schemas it was given", () => {
    const schema = { $id: "urn:Echo.req", type: "object", required: ["val"] as string[] };
    const v = createValidator("echo1.0", [schema]);
    schema.required.push("other");
    expect(v.validate("Echo", "request", { val: 1 })).toBeUndefined();
  });

  it("answers InternalError, without throwing, for a schema that cannot compile", () => {
    const v = createValidator("broken1.0", [
      { $id: "urn:Broken.req", $ref: "#/definitions/Missing" },
    ]);
    const err = v.validate("Broken", "request", {});
    expect(err?.rpcErrorCode).toBe("InternalError");
    expect(err?.message).toContain("Broken");
    expect(v.validate("Broken", "request", {})).toBe(err);
  });

  it("throws a TypeError for input that is not an array of schemas", () => {
    expect(() => createValidator("x", "nope" as unknown as object[])).toThrow(
      new TypeError(
        "createValidator('x', schemas): schemas must be an array of JSON schemas, got string",
      ),
    );
    expect(() => createValidator("x", { $id: "urn:A.req" } as unknown as object[])).toThrow(
      TypeError,
    );
    expect(() => createValidator("x", [null as unknown as object])).toThrow(
      /schemas\[0\] must be a JSON schema object/,
    );
    expect(() => createValidator("", [])).toThrow(/subprotocol must be a non-empty string/);
  });

  it("throws a TypeError for a schema without a usable $id", () => {
    expect(() => createValidator("x", [{ type: "object" }])).toThrow(
      new TypeError(
        `createValidator('x'): schemas[0] has no $id (e.g. "urn:BootNotification.req")`,
      ),
    );
    expect(() => createValidator("x", [{ $id: "https://example.com/a.json" }])).toThrow(
      /must be urn:<Method>\.req/,
    );
  });

  it("throws a TypeError for duplicate ids, including the same message under both id styles", () => {
    expect(() => createValidator("x", [{ $id: "urn:A.req" }, { $id: "urn:A.req" }])).toThrow(
      /schemas\[1\] duplicates \$id "urn:A\.req"/,
    );
    expect(() => createValidator("x", [{ $id: "urn:A.conf" }, { $id: "urn:AResponse" }])).toThrow(
      /names the same response as "urn:A\.conf"/,
    );
  });

  it("throws a TypeError for an invalid JSON schema or an unknown meta-schema", () => {
    expect(() => createValidator("x", [{ $id: "urn:A.req", type: "strin" }])).toThrow(
      /is not a valid JSON schema/,
    );
    expect(() =>
      createValidator("x", [
        { $id: "urn:A.req", $schema: "https://json-schema.org/draft/2030-01/schema" },
      ]),
    ).toThrow(TypeError);
  });
});
