import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    browser: "src/browser.ts",
    "adapters/redis": "src/adapters/redis/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // ESM chunks keep the strict-mode schemas (loaded with import()) out of the main file.
  splitting: true,
  treeshake: true,
});
