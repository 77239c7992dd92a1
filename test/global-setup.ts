import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** `vitest` run on its own (not through `npm test`) still needs the generated schema types. */
export default function setup(): void {
  if (!existsSync(new URL("../src/generated/index.ts", import.meta.url))) {
    execFileSync(process.execPath, ["--import", "tsx", "scripts/generate.ts"], {
      stdio: "inherit",
    });
  }
}
