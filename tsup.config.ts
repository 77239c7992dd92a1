import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    browser: "src/browser.ts",
    // Framework integrations: each imports only its own framework (optional peer dependencies).
    express: "src/integrations/express.ts",
    fastify: "src/integrations/fastify.ts",
    hono: "src/integrations/hono.ts",
    nestjs: "src/integrations/nestjs.ts",
    "adapters/redis": "src/adapters/redis/index.ts",
    // The worker module of `workerThreads`, loaded by piscina in each thread (ESM only).
    "workers/validation-worker": "src/workers/validation-worker.ts",
    // Loads @opentelemetry/api (optional peer dependency); the core never imports it.
    opentelemetry: "src/observability/opentelemetry.ts",
  },
  format: ["esm", "cjs"],
  // @internal members (the engine's collaborator interface) stay out of the public types.
  dts: { compilerOptions: { stripInternal: true } },
  sourcemap: true,
  clean: true,
  target: "node20",
  // ESM chunks keep the strict-mode schemas (loaded with import()) out of the main file.
  splitting: true,
  treeshake: true,
});
