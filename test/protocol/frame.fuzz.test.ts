import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RPCError } from "../../src/protocol/errors.js";
import { decodeFrame } from "../../src/protocol/frame.js";
import type { ProtocolFamily } from "../../src/protocol/version.js";

const FAMILIES: ProtocolFamily[] = ["1.6", "2.0.1", "2.1", "other"];

/** The invariants every outcome of decodeFrame must satisfy, whatever the input. */
function checkOutcome(text: string, family: ProtocolFamily): void {
  let result: ReturnType<typeof decodeFrame>;
  expect(() => (result = decodeFrame(text, family))).not.toThrow();
  result = result!;
  if (result.ok) {
    const message = result.message;
    expect(Array.isArray(message)).toBe(true);
    expect(typeof message[1]).toBe("string");
    expect(message[1].length).toBeLessThanOrEqual(36);
    const types = family === "2.1" ? [2, 3, 4, 5, 6] : [2, 3, 4];
    expect(types).toContain(message[0]);
  } else {
    expect(result.error).toBeInstanceOf(RPCError);
    expect(typeof result.error.rpcErrorCode).toBe("string");
    expect(typeof result.respond).toBe("boolean");
    expect(typeof result.messageId).toBe("string");
    // The id answered with is either the readable one or "-1", never longer than 36.
    expect(result.messageId.length).toBeLessThanOrEqual(36);
  }
}

/** Stringify that never throws (fc.anything() can hold values JSON cannot carry). */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return "[]";
  }
}

const anyElement = fc.oneof(
  fc.anything(),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.object(),
  fc.array(fc.anything(), { maxLength: 3 }),
);

/** Arrays shaped like OCPP-J frames: a (mostly) plausible type and id, then random elements. */
const frameLike = fc
  .tuple(
    fc.oneof(fc.constantFrom(2, 3, 4, 5, 6, 7, 0, -1, 2.5), anyElement),
    fc.oneof(fc.string({ maxLength: 40 }), fc.constant("-1"), anyElement),
    fc.array(fc.oneof(fc.string(), fc.object(), anyElement), { maxLength: 5 }),
  )
  .map(([type, id, rest]) => [type, id, ...rest]);

describe("decodeFrame (property)", () => {
  it.each(FAMILIES)("never throws on arbitrary strings (%s)", (family) => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => checkOutcome(text, family)),
      { numRuns: 500 },
    );
  });

  it.each(FAMILIES)("never throws on arbitrary JSON (%s)", (family) => {
    fc.assert(
      fc.property(fc.json(), (text) => checkOutcome(text, family)),
      { numRuns: 500 },
    );
  });

  it.each(FAMILIES)("never throws on arbitrary arrays (%s)", (family) => {
    fc.assert(
      fc.property(fc.array(fc.anything()), (array) => checkOutcome(safeStringify(array), family)),
      { numRuns: 500 },
    );
  });

  it.each(FAMILIES)("never throws on frame-shaped arrays with random elements (%s)", (family) => {
    fc.assert(
      fc.property(frameLike, (frame) => checkOutcome(safeStringify(frame), family)),
      { numRuns: 1000 },
    );
  });

  it.each(FAMILIES)("decodes every well-formed CALL it is given (%s)", (family) => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 36 }),
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (id, action, params) => {
          const result = decodeFrame(JSON.stringify([2, id, action, params]), family);
          expect(result.ok).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
