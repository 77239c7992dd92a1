/**
 * The browser entry as a user's bundler sees it (esbuild, platform "browser", minified, code
 * splitting, from the built package): its size budget, that ajv and the schemas stay out of
 * the up-front load, and that no Node-only module is reachable from it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  bundleBrowserApp,
  isNodeOnly,
  nodeImportsOf,
  PLAIN_APP,
  PLAIN_CLIENT_GZIP_BUDGET,
  STRICT_SCHEMAS,
  strictCost,
  type BrowserBundle,
} from "../../scripts/browser-bundle.js";

let plain: BrowserBundle;
beforeAll(async () => {
  plain = await bundleBrowserApp(PLAIN_APP);
}, 60_000);

describe("browser bundle", () => {
  it(`keeps a page that imports only BrowserOCPPClient within ${PLAIN_CLIENT_GZIP_BUDGET / 1024} KB gzip`, () => {
    expect(plain.initial.gzip).toBeGreaterThan(0);
    expect(plain.initial.gzip).toBeLessThanOrEqual(PLAIN_CLIENT_GZIP_BUDGET);
  });

  it("loads no ajv and no schema up front", () => {
    const heavy = plain.initialInputs.filter((input) =>
      /node_modules\/(ajv|ajv-formats|fast-uri)\/|\.schemas-|dist\/validator-/.test(input),
    );
    expect(heavy).toEqual([]);
    // …but they are in the bundle, as chunks strict mode imports on demand.
    expect([...plain.lazy.keys()].filter((k) => k.startsWith("validator-"))).toHaveLength(1);
    for (const schemas of Object.values(STRICT_SCHEMAS)) {
      expect(strictCost(plain, schemas).raw).toBeGreaterThan(plain.initial.raw);
    }
  });

  it("reaches no Node-only module from the browser entry, in source or built", async () => {
    expect(await nodeImportsOf("src/browser.ts")).toEqual([]);
    expect(await nodeImportsOf("dist/browser.js")).toEqual([]);
  });

  it("does see the Node entry's Node-only imports (the check works)", async () => {
    const found = await nodeImportsOf("src/index.ts");
    expect(found).toContain("src/client/node-connector.ts -> ws");
    expect(found.some((f) => f.endsWith("-> node:http"))).toBe(true);
    expect(isNodeOnly("node:fs")).toBe(true);
    expect(isNodeOnly("crypto")).toBe(true);
    expect(isNodeOnly("eventemitter3")).toBe(false);
  });
});
