import { describe, expect, it } from "vitest";
import {
  RPCError,
  RPCFormatViolationError,
  RPCFrameworkError,
  RPCMessageTypeNotSupportedError,
} from "../../src/protocol/errors.js";
import {
  decodeFrame,
  encodeCallError,
  MAX_ERROR_DESCRIPTION_LENGTH,
  UNREADABLE_MESSAGE_ID,
  type DecodeResult,
} from "../../src/protocol/frame.js";
import type { ProtocolFamily } from "../../src/protocol/version.js";

const FAMILIES: ProtocolFamily[] = ["1.6", "2.0.1", "2.1", "other"];
const OCPP_FAMILIES: ProtocolFamily[] = ["1.6", "2.0.1", "2.1"];

type Bad = Extract<DecodeResult, { ok: false }>;

function decodeBad(frame: unknown, family: ProtocolFamily): Bad {
  const text = typeof frame === "string" ? frame : JSON.stringify(frame);
  const result = decodeFrame(text, family);
  if (result.ok) throw new Error(`expected ${text} to be bad under ${family}`);
  return result;
}

function decodeOk(frame: unknown, family: ProtocolFamily): unknown[] {
  const result = decodeFrame(JSON.stringify(frame), family);
  if (!result.ok)
    throw new Error(`expected ${JSON.stringify(frame)} to decode: ${result.error.message}`);
  return result.message;
}

describe("decodeFrame: checks in order", () => {
  it.each(FAMILIES)("answers invalid JSON with RpcFrameworkError and id -1 (%s)", (family) => {
    const bad = decodeBad('[2,"a","Heartbeat",{}', family);
    expect(bad.error).toBeInstanceOf(RPCFrameworkError);
    expect(bad.messageId).toBe(UNREADABLE_MESSAGE_ID);
    expect(bad.respond).toBe(true);
  });

  it.each(FAMILIES)("answers JSON that is not an array with RpcFrameworkError (%s)", (family) => {
    for (const text of ['{"0":2}', '"[2]"', "42", "null", "true"]) {
      const bad = decodeBad(text, family);
      expect(bad.error).toBeInstanceOf(RPCFrameworkError);
      expect(bad.messageId).toBe("-1");
      expect(bad.respond).toBe(true);
    }
  });

  it.each(FAMILIES)("answers a message type that is not a number (%s)", (family) => {
    const bad = decodeBad(["2", "id1", "Heartbeat", {}], family);
    expect(bad.error).toBeInstanceOf(RPCFrameworkError);
    expect(bad.messageId).toBe("id1");
    expect(bad.respond).toBe(true);
    expect(decodeBad([null, 5], family).messageId).toBe("-1");
    expect(decodeBad([], family).error).toBeInstanceOf(RPCFrameworkError);
  });

  it("ignores an unknown message type under 1.6 and 2.1 but answers it under 2.0.1", () => {
    for (const [family, respond] of [
      ["1.6", false],
      ["2.0.1", true],
      ["2.1", false],
      ["other", true],
    ] as const) {
      const bad = decodeBad([7, "u1", "X", {}], family);
      expect(bad.error).toBeInstanceOf(RPCMessageTypeNotSupportedError);
      expect(bad.error.rpcErrorCode).toBe("MessageTypeNotSupported");
      expect(bad.messageId).toBe("u1");
      expect(bad.respond).toBe(respond);
    }
  });

  it.each(["1.6", "2.0.1", "other"] as const)(
    "treats types 5 and 6 as unknown under %s",
    (family) => {
      const five = decodeBad([5, "r1", "InternalError", "", {}], family);
      const six = decodeBad([6, "s1", "NotifyPeriodicEventStream", {}], family);
      expect(five.error).toBeInstanceOf(RPCMessageTypeNotSupportedError);
      expect(six.error).toBeInstanceOf(RPCMessageTypeNotSupportedError);
      expect(five.respond).toBe(family !== "1.6");
    },
  );

  it("accepts CALLRESULTERROR (5) and SEND (6) under 2.1", () => {
    expect(decodeOk([5, "r1", "InternalError", "bad", {}], "2.1")).toEqual([
      5,
      "r1",
      "InternalError",
      "bad",
      {},
    ]);
    expect(decodeOk([6, "s1", "NotifyPeriodicEventStream", { id: 1 }], "2.1")[0]).toBe(6);
  });

  it.each(FAMILIES)("answers a message id that is not a string with id -1 (%s)", (family) => {
    const call = decodeBad([2, 17, "Heartbeat", {}], family);
    expect(call.error).toBeInstanceOf(RPCFrameworkError);
    expect(call.messageId).toBe("-1");
    expect(call.respond).toBe(true);
    // A response is never answered, whatever is wrong with it.
    expect(decodeBad([3, 17, {}], family).respond).toBe(false);
    expect(decodeBad([4, null, "GenericError", "", {}], family).respond).toBe(false);
  });

  it.each(FAMILIES)("answers a message id longer than 36 characters with id -1 (%s)", (family) => {
    const id37 = "x".repeat(37);
    const bad = decodeBad([2, id37, "Heartbeat", {}], family);
    expect(bad.error).toBeInstanceOf(RPCFrameworkError);
    expect(bad.messageId).toBe("-1");
    expect(bad.respond).toBe(true);
    expect(decodeBad([3, id37, {}], family).respond).toBe(false);
    expect(decodeOk([2, "x".repeat(36), "Heartbeat", {}], family)[1]).toHaveLength(36);
  });

  it.each(FAMILIES)("answers a CALL without exactly 4 elements (%s)", (family) => {
    for (const frame of [
      [2, "c1", "Heartbeat"],
      [2, "c1", "Heartbeat", {}, {}],
    ]) {
      const bad = decodeBad(frame, family);
      expect(bad.error).toBeInstanceOf(RPCFrameworkError);
      expect(bad.messageId).toBe("c1");
      expect(bad.respond).toBe(true);
    }
  });

  it.each(FAMILIES)("answers an empty or non-string action (%s)", (family) => {
    for (const action of ["", 5, null, {}]) {
      const bad = decodeBad([2, "c2", action, {}], family);
      expect(bad.error).toBeInstanceOf(RPCFrameworkError);
      expect(bad.messageId).toBe("c2");
      expect(bad.respond).toBe(true);
    }
  });

  it.each(OCPP_FAMILIES)(
    "answers a CALL payload that is not an object with FormatViolation (%s)",
    (family) => {
      for (const payload of [[], null, "x", 1, true]) {
        const bad = decodeBad([2, "c3", "Heartbeat", payload], family);
        expect(bad.error).toBeInstanceOf(RPCFormatViolationError);
        expect(bad.messageId).toBe("c3");
        expect(bad.respond).toBe(true);
      }
    },
  );

  it("lets custom subprotocols send any JSON value as payload", () => {
    for (const payload of [[], null, "x", 1, ["bar"]]) {
      expect(decodeOk([2, "c4", "Echo", payload], "other")[3]).toEqual(payload);
      expect(decodeOk([3, "c4", payload], "other")[2]).toEqual(payload);
    }
  });

  it.each(FAMILIES)("decodes well-formed CALL, CALLRESULT and CALLERROR (%s)", (family) => {
    expect(decodeOk([2, "a", "Heartbeat", {}], family)).toEqual([2, "a", "Heartbeat", {}]);
    expect(decodeOk([3, "a", { currentTime: "t" }], family)).toEqual([
      3,
      "a",
      { currentTime: "t" },
    ]);
    expect(decodeOk([4, "a", "NotSupported", "no", { x: 1 }], family)).toEqual([
      4,
      "a",
      "NotSupported",
      "no",
      { x: 1 },
    ]);
  });

  it.each(FAMILIES)(
    "rejects malformed CALLRESULTs without answering, naming the id (%s)",
    (family) => {
      for (const frame of [
        [3, "r"],
        [3, "r", {}, {}],
        ...(family === "other" ? [] : [[3, "r", []]]),
      ]) {
        const bad = decodeBad(frame, family);
        expect(bad.error).toBeInstanceOf(RPCError);
        expect(bad.respond).toBe(false);
        expect(bad.responseId).toBe("r");
      }
      expect(decodeBad([3, "r", "str"], "2.0.1").error).toBeInstanceOf(RPCFormatViolationError);
    },
  );

  it.each(FAMILIES)(
    "rejects malformed CALLERRORs without answering, naming the id (%s)",
    (family) => {
      for (const frame of [
        [4, "e", "GenericError", ""],
        [4, "e", "GenericError", "", {}, 1],
        [4, "e", 5, "", {}],
        [4, "e", "GenericError", null, {}],
        [4, "e", "GenericError", "", []],
        [4, "e", "GenericError", "", null],
      ]) {
        const bad = decodeBad(frame, family);
        expect(bad.error).toBeInstanceOf(RPCFrameworkError);
        expect(bad.respond).toBe(false);
        expect(bad.responseId).toBe("e");
      }
    },
  );

  it("never answers a malformed SEND under 2.1", () => {
    for (const frame of [
      [6, "s", "NotifyPeriodicEventStream"],
      [6, "s", "", {}],
      [6, "s", "NotifyPeriodicEventStream", []],
      [6, 5, "NotifyPeriodicEventStream", {}],
    ]) {
      expect(decodeBad(frame, "2.1").respond).toBe(false);
    }
  });

  it.each(OCPP_FAMILIES)("reports the first failing check when several fail (%s)", (family) => {
    // type before id
    expect(decodeBad([7, 5], family).error).toBeInstanceOf(RPCMessageTypeNotSupportedError);
    // id before length, action and payload
    const badId = decodeBad([2, 5, "", [], 1], family);
    expect(badId.error.message).toMatch(/MessageId/);
    expect(badId.messageId).toBe("-1");
    // length before action and payload
    expect(decodeBad([2, "a", "", [], 1], family).error).toBeInstanceOf(RPCFrameworkError);
    // action before payload
    const badAction = decodeBad([2, "a", "", []], family);
    expect(badAction.error).toBeInstanceOf(RPCFrameworkError);
    expect(badAction.error).not.toBeInstanceOf(RPCFormatViolationError);
  });

  it("decodes a response or CALLERROR carrying the id -1", () => {
    expect(decodeOk([4, "-1", "RpcFrameworkError", "bad", {}], "2.0.1")[1]).toBe("-1");
    expect(decodeOk([2, "-1", "Heartbeat", {}], "1.6")[1]).toBe("-1");
  });
});

describe("encodeCallError", () => {
  it("encodes [4, id, code, description, details]", () => {
    expect(JSON.parse(encodeCallError("m1", "NotSupported", "no", { a: 1 }))).toEqual([
      4,
      "m1",
      "NotSupported",
      "no",
      { a: 1 },
    ]);
  });

  it("encodes a CALLRESULTERROR when asked for type 5", () => {
    expect(JSON.parse(encodeCallError("m1", "InternalError", "x", {}, 5))).toEqual([
      5,
      "m1",
      "InternalError",
      "x",
      {},
    ]);
  });

  it("cuts the description to 255 characters", () => {
    const frame = JSON.parse(encodeCallError("m1", "GenericError", "d".repeat(1000), {}));
    expect(MAX_ERROR_DESCRIPTION_LENGTH).toBe(255);
    expect(frame[3]).toBe("d".repeat(255));
    expect(JSON.parse(encodeCallError("m1", "GenericError", "e".repeat(255), {}))[3]).toHaveLength(
      255,
    );
  });

  it("does not split a surrogate pair at the cut", () => {
    const description = "a".repeat(254) + "😀" + "tail";
    const cut = JSON.parse(encodeCallError("m1", "GenericError", description, {}))[3] as string;
    expect(cut).toBe("a".repeat(254));
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(Buffer.from(cut, "utf8").toString("utf8")).toBe(cut);
    const whole = "a".repeat(253) + "😀" + "tail";
    expect(JSON.parse(encodeCallError("m1", "GenericError", whole, {}))[3]).toBe(
      "a".repeat(253) + "😀",
    );
  });

  it("uses {} for missing details", () => {
    expect(JSON.parse(encodeCallError("m1", "GenericError", "", undefined))[4]).toEqual({});
  });

  it("uses {} for details that cannot be serialised", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(JSON.parse(encodeCallError("m1", "GenericError", "c", cyclic))).toEqual([
      4,
      "m1",
      "GenericError",
      "c",
      {},
    ]);
    expect(JSON.parse(encodeCallError("m1", "GenericError", "b", { n: 1n }))[4]).toEqual({});
  });
});
