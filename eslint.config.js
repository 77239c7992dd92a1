import { builtinModules } from "node:module";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "src/generated/", "coverage/", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-empty": ["error", { allowEmptyCatch: false }],
    },
  },
  {
    // The browser entry must stay Node-free (test/browser/bundle.test.ts checks the built graph):
    // only the Node-only files below may import `ws` or Node built-ins.
    files: ["src/**/*.ts"],
    ignores: [
      "src/transport/node-transport.ts",
      "src/transport/backpressure.ts",
      "src/transport/read-pause.ts",
      "src/client/node-connector.ts",
      "src/client/ocpp-client.ts",
      "src/observability/pino-output.ts",
      "src/server/**",
      "src/security/**",
      "src/integrations/**",
      "src/cluster/**",
      "src/adapters/**",
      "src/observability/**",
      "src/workers/**",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["ws", ...builtinModules].map((name) => ({
            name,
            message: "Only Node-only files import ws or Node built-ins (see eslint.config.js).",
          })),
          patterns: [
            {
              regex: "^node:",
              message: "Only Node-only files import Node built-ins (see eslint.config.js).",
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript (bench, demo, this file) is outside the TypeScript project: lint it
    // without type information.
    files: ["**/*.mjs", "**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: null },
      globals: {
        console: "readonly",
        process: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        fetch: "readonly",
      },
    },
  },
  {
    // The browser example runs in a page: browser globals instead of Node's.
    files: ["examples/browser-station/**/*.mjs"],
    languageOptions: {
      globals: { document: "readonly", location: "readonly", URLSearchParams: "readonly" },
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
