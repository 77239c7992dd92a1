/**
 * The frameworks are optional peer dependencies: the core entry points never load them, and
 * each integration entry loads only its own framework. Checked on the built package's
 * module graph (ESM and CommonJS).
 */
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const FRAMEWORKS = Object.keys(pkg.peerDependencies);

/** The bare (package) specifiers reachable from a dist file through its relative imports. */
function packagesReachedFrom(entry: string): string[] {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(join(root, "dist", file), "utf8");
    const specifiers = [
      // A whole literal only: bundlers spell some built-ins in pieces (`require('u' + 'rl')`).
      ...source.matchAll(/(?:from\s*|import\s*\(?\s*|require\()\s*['"]([^'"]+)['"](?!\s*\+)/g),
    ].map((m) => m[1]!);
    for (const s of specifiers) {
      if (s.startsWith("./")) visit(s.slice(2));
      else if (!builtinModules.includes(s.replace(/^node:/, ""))) packages.add(s);
    }
  };
  visit(entry);
  return [...packages].sort();
}

describe("framework peer dependencies", () => {
  it("are optional peers, never dependencies", () => {
    expect(FRAMEWORKS.length).toBeGreaterThan(0);
    for (const name of FRAMEWORKS) {
      expect(pkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
      expect(pkg.dependencies[name], name).toBeUndefined();
    }
  });

  const entries: Array<[string, string[]]> = [
    ["index", []],
    ["browser", []],
    ["express", []],
    ["fastify", ["fastify-plugin"]],
    ["hono", []],
    ["nestjs", ["@nestjs/common", "@nestjs/core"]],
    ["opentelemetry", ["@opentelemetry/api"]],
  ];
  for (const [entry, frameworks] of entries) {
    for (const ext of ["js", "cjs"]) {
      it(`dist/${entry}.${ext} loads ${frameworks.join(", ") || "no framework"}`, () => {
        expect(existsSync(join(root, "dist", `${entry}.${ext}`)), "run `npm run build` first").toBe(
          true,
        );
        const reached = packagesReachedFrom(`${entry}.${ext}`);
        expect(reached.filter((p) => FRAMEWORKS.includes(p))).toEqual(frameworks);
        // Everything else is a runtime dependency of the core.
        for (const p of reached.filter((p) => !FRAMEWORKS.includes(p))) {
          expect(Object.keys(pkg.dependencies), p).toContain(p.replace(/\/.*$/, ""));
        }
      });
    }
  }
});
