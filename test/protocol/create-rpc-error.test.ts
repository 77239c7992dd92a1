import { describe, expect, it } from "vitest";
import {
  createRPCError,
  RPCGenericError,
  RPCNotImplementedError,
  RPCError,
} from "../../src/index.js";

describe("createRPCError", () => {
  it("builds the class of a known code (seed 000: createRPCError('NotImplemented', ...))", () => {
    const err = createRPCError("NotImplemented", "Not available");
    expect(err).toBeInstanceOf(RPCNotImplementedError);
    expect(err.rpcErrorCode).toBe("NotImplemented");
    expect(err.message).toBe("Not available");
  });

  it.each([["Bogus"], ["notimplemented"], [""], [undefined], [42], [null], ["__proto__"]])(
    "builds a GenericError for the unknown type %j",
    (type) => {
      const err = createRPCError(type as string, "x", { a: 1 });
      expect(err).toBeInstanceOf(RPCGenericError);
      expect(err).toBeInstanceOf(RPCError);
      expect(err.rpcErrorCode).toBe("GenericError");
      expect(err.details).toEqual({ a: 1 });
    },
  );
});
