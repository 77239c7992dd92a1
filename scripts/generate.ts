/**
 * `npm run generate`: builds src/generated/ from the OCA JSON schemas shipped by the pinned dev
 * dependency ocpp-rpc (lib/schemas/ocpp1_6.json, ocpp2_0_1.json, ocpp2_1.json). Per protocol it
 * writes the request/response types, the method → {request, response} map, the direction table
 * (from ./directions.ts) and the schema list the validators use. The repository carries this
 * generator, never copies of the schemas or of its output.
 *
 * It fails (exit code 1, one clear message) when the schema package no longer has the methods
 * we expect, or when a method lacks a direction entry (or a direction entry lacks a schema).
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compile, type JSONSchema } from "json-schema-to-typescript";
import { format } from "prettier";
import ts from "typescript";
import { DIRECTIONS, type Direction } from "./directions.js";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT_DIR = path.join(ROOT, "src", "generated");
const SCHEMA_PACKAGE = "ocpp-rpc";

export interface ProtocolSpec {
  readonly protocol: keyof typeof DIRECTIONS;
  /** Schema file in `ocpp-rpc/lib/schemas/` and the module written to src/generated/. */
  readonly file: string;
  /** Prefix of exported types (`OCPP16Methods`) and of values (`ocpp16Directions`). */
  readonly typePrefix: string;
  readonly valuePrefix: string;
  /** Number of request/response pairs the schema file must hold. */
  readonly pairs: number;
  /** Request-only methods (OCPP 2.1 SEND, message type 6). */
  readonly sendOnly: readonly string[];
}

export const PROTOCOLS: readonly ProtocolSpec[] = [
  {
    protocol: "ocpp1.6",
    file: "ocpp1_6",
    typePrefix: "OCPP16",
    valuePrefix: "ocpp16",
    pairs: 39,
    sendOnly: [],
  },
  {
    protocol: "ocpp2.0.1",
    file: "ocpp2_0_1",
    typePrefix: "OCPP201",
    valuePrefix: "ocpp201",
    pairs: 64,
    sendOnly: [],
  },
  {
    protocol: "ocpp2.1",
    file: "ocpp2_1",
    typePrefix: "OCPP21",
    valuePrefix: "ocpp21",
    pairs: 90,
    sendOnly: ["NotifyPeriodicEventStream"],
  },
];

type Kind = "request" | "response";
export type SchemaNode = { [key: string]: unknown };
export interface MethodSchemas {
  request?: SchemaNode;
  response?: SchemaNode;
}

export class GenerateError extends Error {}

function fail(message: string): never {
  throw new GenerateError(message);
}

function isObject(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Reading and checking the schema files
// ---------------------------------------------------------------------------------------------

/** `urn:<Method>.req|.conf` (1.6, 2.0.1), `urn:<Method>Request|Response` (2.1), `urn:<Method>`. */
const SCHEMA_ID = /^urn:([A-Za-z_][A-Za-z0-9_]*?)(\.req|\.conf|Request|Response)?$/;

export async function readSchemas(
  spec: ProtocolSpec,
): Promise<{ source: string; methods: Map<string, MethodSchemas> }> {
  const source = `${SCHEMA_PACKAGE}/lib/schemas/${spec.file}.json`;
  const parsed: unknown = JSON.parse(await readFile(require.resolve(source), "utf8"));
  if (!Array.isArray(parsed)) fail(`${source}: expected an array of JSON schemas`);
  const methods = new Map<string, MethodSchemas>();
  for (const schema of parsed as unknown[]) {
    if (!isObject(schema) || typeof schema.$id !== "string")
      fail(`${source}: a schema has no string $id`);
    const match = SCHEMA_ID.exec(schema.$id);
    if (!match) fail(`${source}: unrecognised schema $id ${JSON.stringify(schema.$id)}`);
    const method = match[1]!;
    const suffix = match[2];
    let kind: Kind;
    if (suffix === undefined) {
      // OCPP 2.1 names its one SEND-only schema without a suffix (`urn:NotifyPeriodicEventStream`).
      if (!spec.sendOnly.includes(method))
        fail(`${source}: schema ${schema.$id} has no .req/.conf/Request/Response suffix`);
      kind = "request";
    } else {
      kind = suffix === ".req" || suffix === "Request" ? "request" : "response";
    }
    const entry = methods.get(method) ?? {};
    if (entry[kind]) fail(`${source}: two ${kind} schemas for ${method}`);
    entry[kind] = schema;
    methods.set(method, entry);
  }
  return { source, methods: new Map([...methods].sort(([a], [b]) => (a < b ? -1 : 1))) };
}

export function checkSchemas(
  spec: ProtocolSpec,
  source: string,
  methods: Map<string, MethodSchemas>,
  directions: Readonly<Record<string, Direction>> = DIRECTIONS[spec.protocol],
): void {
  const pairs = [...methods].filter(([, m]) => m.request && m.response).map(([name]) => name);
  const requestOnly = [...methods]
    .filter(([, m]) => m.request && !m.response)
    .map(([name]) => name);
  const responseOnly = [...methods]
    .filter(([, m]) => !m.request && m.response)
    .map(([name]) => name);
  const version = (require(`${SCHEMA_PACKAGE}/package.json`) as { version: string }).version;
  const where = `${SCHEMA_PACKAGE}@${version} ${source}`;
  if (responseOnly.length > 0)
    fail(`${where}: response schema without request: ${responseOnly.join(", ")}`);
  if (pairs.length !== spec.pairs) {
    fail(
      `${where}: expected ${spec.pairs} request/response pairs, found ${pairs.length}; update scripts/generate.ts and scripts/directions.ts`,
    );
  }
  if (requestOnly.join() !== [...spec.sendOnly].sort().join()) {
    fail(
      `${where}: expected request-only methods [${spec.sendOnly.join(", ")}], found [${requestOnly.join(", ")}]`,
    );
  }
  const missing = [...methods.keys()].filter((m) => !Object.hasOwn(directions, m));
  const extra = Object.keys(directions).filter((m) => !methods.has(m));
  if (missing.length > 0)
    fail(`scripts/directions.ts: ${spec.protocol} has no direction for ${missing.join(", ")}`);
  if (extra.length > 0)
    fail(`scripts/directions.ts: ${spec.protocol} lists ${extra.join(", ")}, which have no schema`);
  if (directions.DataTransfer !== "both")
    fail(`scripts/directions.ts: ${spec.protocol} DataTransfer must be "both"`);
}

// ---------------------------------------------------------------------------------------------
// Schema helpers
// ---------------------------------------------------------------------------------------------

/** Keywords that only document; dropped from the runtime schemas and from comparisons. */
const ANNOTATIONS = new Set(["description", "comment", "$comment", "javaType"]);
/** Keywords whose value is a map of name → subschema. */
const SCHEMA_MAPS = new Set([
  "properties",
  "patternProperties",
  "definitions",
  "$defs",
  "dependencies",
]);
/** Keywords whose value is a subschema (or, for `items`, possibly an array of them). */
const SCHEMA_VALUES = new Set([
  "items",
  "additionalItems",
  "additionalProperties",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "allOf",
  "anyOf",
  "oneOf",
]);

/** Rebuilds a schema, applying `visit` to every (sub)schema object, leaving data (enum, const...) alone. */
function mapSchema(node: unknown, visit: (schema: SchemaNode) => SchemaNode): unknown {
  if (!isObject(node)) return Array.isArray(node) ? node.map((n) => mapSchema(n, visit)) : node;
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, mapSchema(v, visit)]),
      );
    } else if (SCHEMA_VALUES.has(key)) {
      out[key] = mapSchema(value, visit);
    } else {
      out[key] = value;
    }
  }
  return visit(out);
}

function stripAnnotations(node: unknown): unknown {
  return mapSchema(node, (schema) =>
    Object.fromEntries(Object.entries(schema).filter(([k]) => !ANNOTATIONS.has(k))),
  );
}

function renameRefs(node: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (renames.size === 0) return node;
  return mapSchema(node, (schema) => {
    const ref = schema.$ref;
    const target = typeof ref === "string" ? /^#\/definitions\/(.+)$/.exec(ref)?.[1] : undefined;
    const renamed = target === undefined ? undefined : renames.get(target);
    return renamed === undefined ? schema : { ...schema, $ref: `#/definitions/${renamed}` };
  });
}

/** JSON with sorted keys, so that equal schemas compare equal. */
function canonical(node: unknown): string {
  return JSON.stringify(node, (_key, value: unknown) =>
    isObject(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

// ---------------------------------------------------------------------------------------------
// Types: one json-schema-to-typescript run per protocol
// ---------------------------------------------------------------------------------------------

interface SharedDefinition {
  readonly schema: unknown;
  readonly key: string;
}

/**
 * Definitions such as CustomDataType are repeated in every schema that uses them. All schemas of a
 * protocol are merged into one root whose `definitions` hold each shared definition once, so that
 * each TypeScript declaration is emitted once. A definition whose structure (descriptions aside)
 * differs from an earlier one of the same name is renamed `<TypeName><Definition>` within its schema.
 */
function addDefinitions(
  typeName: string,
  schema: SchemaNode,
  shared: Map<string, SharedDefinition>,
): SchemaNode {
  const own = isObject(schema.definitions) ? schema.definitions : {};
  const renames = new Map<string, string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, def] of Object.entries(own)) {
      const known = shared.get(name);
      if (renames.has(name) || !known) continue;
      if (canonical(stripAnnotations(renameRefs(def, renames))) !== known.key) {
        renames.set(name, `${typeName}${name}`);
        changed = true;
      }
    }
  }
  for (const [name, def] of Object.entries(own)) {
    const finalName = renames.get(name) ?? name;
    if (shared.has(finalName) && !renames.has(name)) continue;
    if (shared.has(finalName)) fail(`definition name clash: ${finalName}`);
    const rewritten = renameRefs(def, renames);
    shared.set(finalName, { schema: rewritten, key: canonical(stripAnnotations(rewritten)) });
  }
  const { $id: _id, $schema: _schema, definitions: _defs, comment: _comment, ...body } = schema;
  return { ...(renameRefs(body, renames) as SchemaNode), title: typeName };
}

const ROOT_NAME = "GeneratedRoot";
const REFERENCED_BY = new RegExp(
  String.raw`\n \* This interface was referenced by \`${ROOT_NAME}\`'s JSON-Schema\n \* via the \`definition\` "\w+"\.`,
  "g",
);

async function generateTypes(
  methods: Map<string, MethodSchemas>,
): Promise<{ code: string; count: number }> {
  const shared = new Map<string, SharedDefinition>();
  const roots = new Map<string, SchemaNode>();
  for (const [method, schemas] of methods) {
    for (const kind of ["request", "response"] as const) {
      const schema = schemas[kind];
      if (!schema) continue;
      const typeName = `${method}${kind === "request" ? "Request" : "Response"}`;
      roots.set(typeName, addDefinitions(typeName, schema, shared));
    }
  }
  for (const name of shared.keys())
    if (roots.has(name)) fail(`definition ${name} clashes with a message type`);
  const definitions: Record<string, unknown> = Object.fromEntries<unknown>([
    ...roots,
    ...[...shared]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, def]) => [name, def.schema] as const),
  ]);
  const root = {
    title: ROOT_NAME,
    type: "object",
    additionalProperties: false,
    properties: {},
    definitions,
  };
  const raw = await compile(root as JSONSchema, ROOT_NAME, {
    bannerComment: "",
    format: false,
    unreachableDefinitions: true,
    // Plain arrays: minItems/maxItems are checked at run time (OccurrenceConstraintViolation);
    // tuple types would reject arrays built with map()/filter().
    ignoreMinAndMaxItems: true,
    additionalProperties: true, // the JSON Schema default: only schemas that say so are closed
    unknownAny: true,
  });
  const expected = new Set([...roots.keys(), ...shared.keys()]);
  const source = ts.createSourceFile(
    "generated.ts",
    raw.replace(REFERENCED_BY, ""),
    ts.ScriptTarget.Latest,
    true,
  );
  const declarations = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement)) {
      fail(
        `json-schema-to-typescript produced an unexpected statement: ${statement.getText().slice(0, 80)}`,
      );
    }
    const name = statement.name.text;
    if (name === ROOT_NAME) continue;
    if (!expected.has(name) || declarations.has(name)) {
      fail(`json-schema-to-typescript produced an unexpected type ${name}`);
    }
    let text = source.text
      .slice(statement.getFullStart(), statement.end)
      .replace(/\/\*\*\s*\*\/\s*/g, "");
    // A closed object without properties (`additionalProperties: false`) accepts only `{}`.
    if (
      ts.isInterfaceDeclaration(statement) &&
      statement.members.length === 0 &&
      !statement.heritageClauses
    ) {
      text = text.replace(
        /export interface (\w+) \{\s*\}/,
        "export type $1 = Record<string, never>;",
      );
    }
    declarations.set(name, text.trim());
  }
  const missing = [...expected].filter((n) => !declarations.has(n));
  if (missing.length > 0) fail(`json-schema-to-typescript did not emit ${missing.join(", ")}`);
  // Message types first, in method order, then the shared definitions by name.
  const order = Object.keys(definitions);
  const code = order.map((name) => declarations.get(name)!).join("\n\n");
  return { code, count: declarations.size };
}

// ---------------------------------------------------------------------------------------------
// Emitting the modules
// ---------------------------------------------------------------------------------------------

const DIRECTION_DOC: Record<Direction, string> = {
  station: "Sent by the charging station (station → CSMS).",
  csms: "Sent by the CSMS (CSMS → station).",
  both: "Sent by either side.",
};

function header(what: string, version: string): string {
  return [
    "// This file is generated. Do not edit: run `npm run generate` (scripts/generate.ts).",
    `// Source: ${what} from ${SCHEMA_PACKAGE}@${version} (the OCA JSON schemas).`,
    "",
  ].join("\n");
}

function union(names: readonly string[]): string {
  return names.length === 0 ? "never" : names.map((n) => JSON.stringify(n)).join(" | ");
}

function runtimeSchemas(spec: ProtocolSpec, methods: Map<string, MethodSchemas>): string[] {
  const lines: string[] = [];
  for (const [method, schemas] of methods) {
    for (const kind of ["request", "response"] as const) {
      const schema = schemas[kind];
      if (!schema) continue;
      const stripped = stripAnnotations(schema) as SchemaNode;
      // One id style per file: the suffix-less 2.1 SEND schema gets the `Request` suffix.
      if (spec.sendOnly.includes(method)) stripped.$id = `urn:${method}Request`;
      lines.push(`  ${JSON.stringify(stripped)},`);
    }
  }
  return lines;
}

async function generateProtocol(spec: ProtocolSpec, version: string): Promise<string> {
  const { source, methods } = await readSchemas(spec);
  checkSchemas(spec, source, methods);
  const { code: types, count } = await generateTypes(methods);
  const directions = DIRECTIONS[spec.protocol];
  const { typePrefix: T, valuePrefix: V } = spec;
  const callMethods = [...methods.keys()].filter((m) => !spec.sendOnly.includes(m));
  const sends = (side: "station" | "csms") => (m: string) =>
    directions[m] === side || directions[m] === "both";

  const parts: string[] = [types];
  parts.push(
    `/** ${spec.protocol} request and response types by method (CALL / CALLRESULT). */\n` +
      `export interface ${T}Methods {\n` +
      callMethods
        .map(
          (m) =>
            `  /** ${DIRECTION_DOC[directions[m]!]} */\n  ${m}: { request: ${m}Request; response: ${m}Response };`,
        )
        .join("\n") +
      "\n}",
  );
  let directionKeys = `keyof ${T}Methods`;
  if (spec.sendOnly.length > 0) {
    parts.push(
      `/** ${spec.protocol} SEND messages (message type 6): a request that is never answered. */\n` +
        `export interface ${T}SendMethods {\n` +
        spec.sendOnly
          .map(
            (m) => `  /** ${DIRECTION_DOC[directions[m]!]} */\n  ${m}: { request: ${m}Request };`,
          )
          .join("\n") +
        "\n}",
    );
    directionKeys += ` | keyof ${T}SendMethods`;
  }
  parts.push(
    `/** Who may initiate each ${spec.protocol} message: "station" (the WebSocket client), "csms" (the server) or "both". */\n` +
      `export const ${V}Directions = {\n` +
      [...methods.keys()].map((m) => `  ${m}: ${JSON.stringify(directions[m])},`).join("\n") +
      `\n} as const satisfies Record<${directionKeys}, "station" | "csms" | "both">;`,
  );
  // One list per side of the methods only that side sends: a role bundles its own list alone
  // (the browser entry carries the station's, not the whole table above).
  const only = (side: "station" | "csms") =>
    [...methods.keys()].filter((m) => directions[m] === side);
  parts.push(
    `/** The ${spec.protocol} messages only a charging station sends (a station never receives them). */\n` +
      `export const ${V}StationOnly: readonly string[] = ${JSON.stringify(only("station"))};\n\n` +
      `/** The ${spec.protocol} messages only a CSMS sends (a CSMS never receives them). */\n` +
      `export const ${V}CsmsOnly: readonly string[] = ${JSON.stringify(only("csms"))};`,
  );
  parts.push(
    `/** The ${spec.protocol} CALL methods a charging station may send. */\n` +
      `export type ${T}StationMethods = ${union(callMethods.filter(sends("station")))};\n\n` +
      `/** The ${spec.protocol} CALL methods a CSMS may send. */\n` +
      `export type ${T}CsmsMethods = ${union(callMethods.filter(sends("csms")))};`,
  );
  if (spec.sendOnly.length > 0) {
    parts.push(
      `/** The ${spec.protocol} SEND methods a charging station may send. */\n` +
        `export type ${T}StationSendMethods = ${union(spec.sendOnly.filter(sends("station")))};\n\n` +
        `/** The ${spec.protocol} SEND methods a CSMS may send. */\n` +
        `export type ${T}CsmsSendMethods = ${union(spec.sendOnly.filter(sends("csms")))};`,
    );
  }
  const body = await format(parts.join("\n\n"), { parser: "typescript", printWidth: 100 });
  const schemas = runtimeSchemas(spec, methods);
  await emit(
    `${spec.file}.ts`,
    header(`lib/schemas/${spec.file}.json`, version) +
      'import type { JSONSchemaObject } from "./json-schema.js";\n\n' +
      body,
  );
  // The schemas live in a module of their own, loaded only when strict mode needs them.
  await emit(
    `${spec.file}.schemas.ts`,
    header(`lib/schemas/${spec.file}.json`, version) +
      'import type { JSONSchemaObject } from "./json-schema.js";\n\n' +
      `/** The ${spec.protocol} JSON schemas (documentation keywords removed), for the validator. */\n` +
      `export const schemas: readonly JSONSchemaObject[] = [\n${schemas.join("\n")}\n];\n`,
  );
  return `${spec.protocol}: ${methods.size - spec.sendOnly.length} request/response pairs${
    spec.sendOnly.length ? ` + ${spec.sendOnly.length} SEND-only` : ""
  }, ${schemas.length} schemas, ${count} types`;
}

async function generateJsonSchemaModule(version: string): Promise<void> {
  const draft06: unknown = JSON.parse(
    await readFile(require.resolve("ajv/dist/refs/json-schema-draft-06.json"), "utf8"),
  );
  await emit(
    "json-schema.ts",
    header("JSONSchemaObject; the draft-06 meta-schema comes from ajv", version) +
      "\n/** A JSON schema as data. Method schemas name their message in `$id` (`urn:BootNotification.req`). */\n" +
      "export interface JSONSchemaObject {\n  readonly $id: string;\n  readonly $schema?: string;\n  readonly [keyword: string]: unknown;\n}\n\n" +
      "/** The JSON Schema draft-06 meta-schema (the OCA publishes 2.1 schemas as draft-06). */\n" +
      `export const jsonSchemaDraft06: { readonly $id: string; readonly [keyword: string]: unknown } = ${JSON.stringify(draft06)};\n`,
  );
}

async function generateIndex(version: string): Promise<void> {
  const modules = PROTOCOLS.map((p) => ({ ...p, module: `./${p.file}.js` }));
  const lines = [
    header("index of the generated modules", version) +
      'import type { JSONSchemaObject } from "./json-schema.js";',
    // The meta-schema value stays out of this index: the browser entry reaches the index, and
    // only the validator (loaded on demand) needs the meta-schema.
    'export type { JSONSchemaObject } from "./json-schema.js";',
    ...modules.map((p) => `export * as ${p.typePrefix} from "${p.module}";`),
  ];
  for (const p of modules) {
    const send = p.sendOnly.length
      ? `, type ${p.typePrefix}SendMethods, type ${p.typePrefix}StationSendMethods, type ${p.typePrefix}CsmsSendMethods`
      : "";
    lines.push(
      `import { ${p.valuePrefix}Directions, ${p.valuePrefix}StationOnly, ${p.valuePrefix}CsmsOnly, type ${p.typePrefix}Methods, type ${p.typePrefix}StationMethods, type ${p.typePrefix}CsmsMethods${send} } from "${p.module}";`,
      `export { ${p.valuePrefix}Directions, type ${p.typePrefix}Methods, type ${p.typePrefix}StationMethods, type ${p.typePrefix}CsmsMethods${send} };`,
    );
  }
  const map = (doc: string, name: string, suffix: string) =>
    `/** ${doc} */\nexport interface ${name} {\n${modules.map((p) => `  ${JSON.stringify(p.protocol)}: ${p.typePrefix}${suffix};`).join("\n")}\n}`;
  lines.push(
    map(
      "Request/response types by method, per OCPP subprotocol.",
      "OCPPProtocolMethods",
      "Methods",
    ),
    map(
      "The CALL methods a charging station may send, per subprotocol.",
      "OCPPProtocolStationMethods",
      "StationMethods",
    ),
    map(
      "The CALL methods a CSMS may send, per subprotocol.",
      "OCPPProtocolCsmsMethods",
      "CsmsMethods",
    ),
    "/** The OCPP subprotocols with generated types and schemas. */\nexport type GeneratedProtocol = keyof OCPPProtocolMethods;",
    `/** Who may initiate each message, per subprotocol. */\nexport const protocolDirections = {\n${modules.map((p) => `  ${JSON.stringify(p.protocol)}: ${p.valuePrefix}Directions,`).join("\n")}\n} as const;`,
    `/** The messages only a charging station sends, per subprotocol (see rpc/direction.ts). */\nexport const stationOnlyMessages: { readonly [P in GeneratedProtocol]: readonly string[] } = {\n${modules.map((p) => `  ${JSON.stringify(p.protocol)}: ${p.valuePrefix}StationOnly,`).join("\n")}\n};`,
    `/** The messages only a CSMS sends, per subprotocol (see rpc/direction.ts). */\nexport const csmsOnlyMessages: { readonly [P in GeneratedProtocol]: readonly string[] } = {\n${modules.map((p) => `  ${JSON.stringify(p.protocol)}: ${p.valuePrefix}CsmsOnly,`).join("\n")}\n};`,
    `/** Loads the JSON schemas of a subprotocol: a module of their own, imported only when strict mode needs them. */\nexport const protocolSchemaLoaders: { readonly [P in GeneratedProtocol]: () => Promise<readonly JSONSchemaObject[]> } = {\n${modules.map((p) => `  ${JSON.stringify(p.protocol)}: () => import("./${p.file}.schemas.js").then((m) => m.schemas),`).join("\n")}\n};`,
  );
  await emit(
    "index.ts",
    await format(lines.join("\n\n"), { parser: "typescript", printWidth: 100 }),
  );
}

/** Writes a file under src/generated/ unless it already has this content (keeps mtimes stable). */
async function emit(name: string, content: string): Promise<void> {
  const file = path.join(OUT_DIR, name);
  const previous = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined; // first run: nothing to compare with
    throw err;
  });
  if (previous === content) return;
  // Write then rename, so a test run reading src/generated/ meanwhile never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

async function main(): Promise<void> {
  const started = performance.now();
  const version = (require(`${SCHEMA_PACKAGE}/package.json`) as { version: string }).version;
  await mkdir(OUT_DIR, { recursive: true });
  const summaries = await Promise.all(PROTOCOLS.map((spec) => generateProtocol(spec, version)));
  await generateJsonSchemaModule(version);
  await generateIndex(version);
  const ms = Math.round(performance.now() - started);
  console.log(`generate: ${summaries.join("; ")} (${ms} ms)`);
}

// Run when invoked as a script (`tsx scripts/generate.ts`), not when a test imports the checks.
if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  main().catch((err: unknown) => {
    console.error(err instanceof GenerateError ? `generate: ${err.message}` : err);
    process.exitCode = 1;
  });
}
