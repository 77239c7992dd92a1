import { afterAll, beforeAll } from "vitest";
import { makeTestPki, type TestPki } from "./certs.js";

/**
 * The test PKI for the tests of the calling file (or describe block): made before the first
 * test, removed after the last. The object is empty until then, so read it inside tests and
 * hooks only.
 *
 * @example
 * const pki = useTestPki();
 * it("...", () => https.createServer({ cert: pki.serverRsa.cert, key: pki.serverRsa.key }));
 */
export function useTestPki(): TestPki {
  const pki = {} as TestPki;
  beforeAll(async () => {
    Object.assign(pki, await makeTestPki());
  }, 60_000);
  afterAll(() => pki.cleanup?.());
  return pki;
}
