import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";

/** Every .ts file under src/ (generated types excluded). */
function sources(dir = "src"): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" ? [] : sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const catalogued = new Set(api.ERROR_CATALOGUE.map((e) => e.class.name));
// Programmer errors use the standard classes, with a message naming the argument or option.
const STANDARD = new Set(["Error", "TypeError", "RangeError"]);

describe("ERROR_CATALOGUE", () => {
  it("lists every error class the library constructs", () => {
    const constructed = new Set<string>();
    for (const file of sources()) {
      for (const [, name] of readFileSync(file, "utf8").matchAll(
        /new ([A-Z]\w*(?:Error|Response))\(/g,
      )) {
        constructed.add(name!);
      }
    }
    const missing = [...constructed].filter((n) => !STANDARD.has(n) && !catalogued.has(n));
    expect(missing).toEqual([]);
  });

  it("lists every error class the package exports, once, with a distinct code", () => {
    const exported = Object.entries(api)
      .filter(([, v]) => typeof v === "function" && v.prototype instanceof Error)
      .map(([name]) => name)
      .filter((name) => name !== "RPCError");
    expect(exported.filter((n) => !catalogued.has(n))).toEqual([]);
    const codes = api.ERROR_CATALOGUE.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("gives each RPC error class the code it carries on the wire", () => {
    for (const entry of api.ERROR_CATALOGUE) {
      if (!(entry.class.prototype instanceof api.RPCError)) continue;
      const Cls = entry.class as unknown as new () => api.RPCError;
      expect(new Cls().rpcErrorCode).toBe(entry.code);
    }
  });

  it("gives the other classes the stable code they carry", () => {
    expect(new api.TimeoutError("t").code).toBe("ERR_CALL_TIMEOUT");
    expect(new api.ConnectionClosedError("c").code).toBe("ERR_CONNECTION_CLOSED");
    expect(new api.RPCGenericTransportError("x").code).toBe("ERR_TRANSPORT");
  });
});
