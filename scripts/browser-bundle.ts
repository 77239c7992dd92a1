/**
 * Bundles small browser apps from the built package (`ocpp-ws-io/browser`, dist/browser.js) the
 * way a user's bundler would: esbuild, platform "browser", ESM with code splitting, minified.
 * It measures what a page loads up front and what strict mode adds per subprotocol, and
 * lists any Node-only import in the browser graph. Used by test/browser/bundle.test.ts and,
 * as `npm run size`, to print the table quoted in the README.
 */
import { existsSync } from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile, type OutputFile, type Plugin } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The name the app read from stdin goes by (esbuild's sourcefile), in messages and the metafile. */
const APP_SOURCE = "app.js";

/**
 * The budget of a page that imports only BrowserOCPPClient: what it loads up front, minified,
 * each file gzip -9. It measured 17.6 KB (17,988 bytes) when set, once the exchange log's code
 * loads only when `logging.exchangeLog` asks for it, plus 0.5 KB of room. What is left is the
 * engine, its middleware pipeline, the reconnector and the default (console) logging with its
 * option checks, all reachable from the client's constructor or its synchronous methods, so a
 * bundler keeps them; the goal of 10 KB needs less of that code, not better tree shaking.
 */
export const PLAIN_CLIENT_GZIP_BUDGET = 18.1 * 1024;

export interface BundleSize {
  readonly raw: number;
  readonly gzip: number;
}

export interface BrowserBundle {
  /** Every output file by path relative to the output folder ("stdin.js", "chunk-X.js"). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** The app's own file among them. */
  readonly app: string;
  /** What the page loads before any dynamic import(): the entry and its static imports. */
  readonly initial: BundleSize;
  /** The source files (dist/…, node_modules/…) bundled into those up-front files. */
  readonly initialInputs: readonly string[];
  /** What each import() target loads (validator-X, ocpp1_6.schemas-X: the dist file's name). */
  readonly lazy: ReadonlyMap<string, BundleSize>;
}

/** Fails with a clear message when the package has not been built. */
export function assertBuilt(): void {
  if (!existsSync(path.join(ROOT, "dist", "browser.js"))) {
    throw new Error("dist/browser.js is missing: run `npm run build` first");
  }
}

function sizeOf(contents: Uint8Array): BundleSize {
  return { raw: contents.byteLength, gzip: gzipSync(contents, { level: 9 }).byteLength };
}

function addSizes(a: BundleSize, b: BundleSize): BundleSize {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip };
}

/** Output files reached from `start` through static imports only, `start` included. */
function staticClosure(metafile: Metafile, start: string): Set<string> {
  const reached = new Set<string>();
  const visit = (output: string) => {
    if (reached.has(output)) return;
    reached.add(output);
    for (const i of metafile.outputs[output]!.imports) {
      if (i.kind === "import-statement" && !i.external) visit(i.path);
    }
  };
  visit(start);
  return reached;
}

/**
 * Bundles `source` (an ES module importing from "ocpp-ws-io/browser") for the browser, minified
 * with code splitting, into memory.
 */
export async function bundleBrowserApp(
  source: string,
  options: { minify?: boolean } = {},
): Promise<BrowserBundle> {
  assertBuilt();
  const outdir = path.join(ROOT, "dist", ".browser-app");
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, sourcefile: APP_SOURCE, loader: "js" },
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: options.minify ?? true,
    write: false,
    outdir,
    metafile: true,
    logLevel: "silent",
  });
  const { metafile } = result;
  const byPath = new Map<string, OutputFile>(result.outputFiles.map((f) => [f.path, f]));
  const contentsOf = (output: string) => byPath.get(path.resolve(ROOT, output))!.contents;
  const total = (outputs: Iterable<string>) =>
    [...outputs].reduce((sum, o) => addSizes(sum, sizeOf(contentsOf(o))), { raw: 0, gzip: 0 });
  const relative = (output: string) => path.relative(outdir, path.resolve(ROOT, output));
  const outputs = Object.keys(metafile.outputs);
  // Dynamic import() targets are entry points of their own in the metafile; stdin is the app.
  const entries = outputs.filter((o) => metafile.outputs[o]!.entryPoint !== undefined);
  const app = entries.find((o) => metafile.outputs[o]!.entryPoint === APP_SOURCE)!;
  const initialFiles = staticClosure(metafile, app);
  const lazy = new Map<string, BundleSize>();
  for (const output of entries) {
    if (output === app) continue;
    const own = [...staticClosure(metafile, output)].filter((o) => !initialFiles.has(o));
    const input = path.basename(metafile.outputs[output]!.entryPoint!, ".js");
    lazy.set(input, total(own));
  }
  const files = new Map(outputs.map((o) => [relative(o), contentsOf(o)] as const));
  const initialInputs = [...initialFiles].flatMap((o) => Object.keys(metafile.outputs[o]!.inputs));
  return { files, app: relative(app), initial: total(initialFiles), initialInputs, lazy };
}

/** What strict mode adds for `schemas` ("ocpp1_6.schemas"): the validator chunk plus the schemas. */
export function strictCost(bundle: BrowserBundle, schemas: string): BundleSize {
  const pick = (prefix: string) => {
    const found = [...bundle.lazy].filter(([input]) => input.startsWith(`${prefix}-`));
    if (found.length !== 1)
      throw new Error(`expected one lazy chunk for ${prefix}, found ${found.length}`);
    return found[0]![1];
  };
  return addSizes(pick("validator"), pick(schemas));
}

/** Node built-ins (`node:*` or bare, as Node's own list has them) and `ws`. */
export function isNodeOnly(specifier: string): boolean {
  return isBuiltin(specifier) || specifier === "ws" || specifier.startsWith("ws/");
}

/**
 * Every Node-only import reached from `entry` (a file under the package root) when bundled for
 * the browser, as "importer -> specifier". Empty when the graph is Node-free.
 */
export async function nodeImportsOf(entry: string): Promise<string[]> {
  const found: string[] = [];
  const recordNodeImports: Plugin = {
    name: "record-node-imports",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
        if (!isNodeOnly(args.path)) return undefined;
        found.push(`${path.relative(ROOT, args.importer)} -> ${args.path}`);
        return { path: args.path, external: true };
      });
    },
  };
  await build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    outdir: path.join(ROOT, "dist", ".browser-graph"),
    splitting: true,
    logLevel: "silent",
    plugins: [recordNodeImports],
  });
  return found;
}

/** The apps measured: a page with only the client, and what strict mode adds per subprotocol. */
export const PLAIN_APP = [
  'import { BrowserOCPPClient } from "ocpp-ws-io/browser";',
  'const client = new BrowserOCPPClient({ endpoint: "wss://csms.example.com/ocpp", identity: "SIM-1", protocols: ["ocpp2.0.1"] });',
  "void client.connect();",
].join("\n");

export const STRICT_SCHEMAS = {
  "ocpp1.6": "ocpp1_6.schemas",
  "ocpp2.0.1": "ocpp2_0_1.schemas",
  "ocpp2.1": "ocpp2_1.schemas",
} as const;

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main(): Promise<void> {
  const plain = await bundleBrowserApp(PLAIN_APP);
  const rows = [["BrowserOCPPClient, no strict mode (loaded up front)", plain.initial]] as Array<
    [string, BundleSize]
  >;
  for (const [protocol, schemas] of Object.entries(STRICT_SCHEMAS)) {
    rows.push([
      `+ strict mode on ${protocol} (loaded on first connection)`,
      strictCost(plain, schemas),
    ]);
  }
  rows.push([
    "+ ajv alone (loadValidator, custom schemas)",
    [...plain.lazy].find(([i]) => i.startsWith("validator-"))![1],
  ]);
  console.log("| What | Minified | gzip -9 |\n| --- | ---: | ---: |");
  for (const [what, size] of rows) console.log(`| ${what} | ${kb(size.raw)} | ${kb(size.gzip)} |`);
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
