import { describe, expect, it } from "vitest";
import { createValidator, loadValidator } from "../../src/index.js";

const echoSchemas = [
  {
    $id: "urn:Echo.req",
    type: "object",
    properties: { val: { type: "string" } },
    required: ["val"],
  },
  { $id: "urn:Echo.conf", type: "object" },
];

describe("loadValidator", () => {
  it("resolves to a validator that checks like createValidator's", async () => {
    const loaded = await loadValidator("echo1.0", echoSchemas);
    const created = createValidator("echo1.0", echoSchemas);
    expect(loaded.subprotocol).toBe("echo1.0");
    expect(loaded.hasSchema("Echo", "request")).toBe(true);
    expect(loaded.validate("Echo", "request", { val: "x" })).toBeUndefined();
    expect(loaded.validate("Echo", "request", {})?.rpcErrorCode).toBe(
      created.validate("Echo", "request", {})?.rpcErrorCode,
    );
  });

  it("rejects bad schemas with createValidator's TypeError", async () => {
    const bad = [{ $id: "urn:Echo.req", type: "nonsense" }];
    const thrown = (() => {
      try {
        createValidator("echo1.0", bad);
      } catch (err) {
        return err as Error;
      }
      throw new Error("createValidator accepted a bad schema");
    })();
    await expect(loadValidator("echo1.0", bad)).rejects.toThrow(TypeError);
    await expect(loadValidator("echo1.0", bad)).rejects.toThrow(thrown.message);
    await expect(loadValidator("", [])).rejects.toThrow(
      "createValidator(subprotocol, schemas): subprotocol must be a non-empty string",
    );
  });
});
