/**
 * Both entries re-export one platform-neutral list (src/platform-neutral.ts): the browser entry
 * adds only the browser client, the Node entry adds the Node-only API.
 */
import { describe, expect, it } from "vitest";
import * as browser from "../../src/browser.js";
import * as node from "../../src/index.js";

describe("package entries", () => {
  it("share everything but the platform's own classes", () => {
    const browserOnly = Object.keys(browser).filter((name) => !(name in node));
    expect(browserOnly).toEqual(["BrowserOCPPClient"]);
    const browserValues = browser as Record<string, unknown>;
    const nodeValues = node as Record<string, unknown>;
    for (const name of Object.keys(browser)) {
      if (name !== "BrowserOCPPClient") expect(browserValues[name], name).toBe(nodeValues[name]);
    }
  });

  it("keep the synchronous createValidator (and ajv with it) in the Node entry", () => {
    expect(typeof node.createValidator).toBe("function");
    expect("createValidator" in browser).toBe(false);
    expect(typeof browser.loadValidator).toBe("function");
    expect(Object.keys(node)).toEqual(
      expect.arrayContaining(["OCPPClient", "OCPPServer", "SecurityProfile", "getPackageIdent"]),
    );
  });
});
