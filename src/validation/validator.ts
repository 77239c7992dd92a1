import type { Ajv, ValidateFunction } from "ajv";
import { RPCInternalError, RPCProtocolError, type RPCError } from "../protocol/errors.js";
import { createAjv } from "./ajv.js";
import { validationError } from "./error-codes.js";
import { parseSchemaId } from "./schema-id.js";

export type MessageKind = "request" | "response";

/** Checks the payloads of one subprotocol against its JSON schemas (strict mode). */
export interface Validator {
  readonly subprotocol: string;
  /** true if a schema exists for method in that direction */
  hasSchema(method: string, kind: MessageKind): boolean;
  /**
   * undefined when valid; otherwise an RPCError (canonical 2.x codes: FormatViolation,
   * OccurrenceConstraintViolation, TypeConstraintViolation, PropertyConstraintViolation,
   * ProtocolError) describing the first failure, with details { errors: ajv errors (instancePath,
   * keyword, message, params) }
   */
  validate(method: string, kind: MessageKind, payload: unknown): RPCError | undefined;
}

interface Entry {
  /** The schema as given, minus `$id` (see below). */
  readonly schema: object;
  compiled?: ValidateFunction;
  /** Set when the schema failed to compile; returned from every validate() of that message. */
  failure?: RPCError;
}

/**
 * A Validator over an ajv instance of its own. Each (method, kind) schema is compiled the first
 * time a payload of that kind is validated, then reused.
 */
export class SchemaValidator implements Validator {
  readonly subprotocol: string;
  readonly #requests = new Map<string, Entry>();
  readonly #responses = new Map<string, Entry>();
  #ajv: Ajv | undefined;
  #compiled = 0;

  /** @internal use createValidator() or getBuiltinValidator(). */
  constructor(
    subprotocol: string,
    schemas: Iterable<readonly [string, MessageKind, object]>,
    ajv?: Ajv,
  ) {
    this.subprotocol = subprotocol;
    this.#ajv = ajv;
    for (const [method, kind, schema] of schemas) {
      // ajv resolves `$id` as a URI, and `urn:Authorize.req` is not a valid URN (no namespace
      // part), which fast-uri rejects. The OCA schemas only reference their own definitions
      // (`#/definitions/...`), so the id is dropped and lookup goes by (method, kind) instead.
      const { $id: _id, ...rest } = schema as { $id?: unknown };
      (kind === "request" ? this.#requests : this.#responses).set(method, { schema: rest });
    }
    Object.freeze(this);
  }

  /** How many schemas this validator has compiled so far (diagnostics; shows the laziness). */
  get compiledCount(): number {
    return this.#compiled;
  }

  /** The methods with a schema of this kind. */
  methods(kind: MessageKind): string[] {
    return [...(this.#map(kind)?.keys() ?? [])];
  }

  hasSchema(method: string, kind: MessageKind): boolean {
    return this.#map(kind)?.has(method) ?? false;
  }

  validate(method: string, kind: MessageKind, payload: unknown): RPCError | undefined {
    const entry = this.#map(kind)?.get(method);
    if (!entry) {
      return new RPCProtocolError(
        `No ${kind} schema for '${method}' in subprotocol '${this.subprotocol}'`,
      );
    }
    const check = entry.compiled ?? this.#compile(method, kind, entry);
    if (!check) return entry.failure;
    if (check(payload)) return undefined;
    return validationError(method, kind, check.errors ?? []);
  }

  /** undefined for a kind other than "request"/"response" (callers in plain JavaScript). */
  #map(kind: MessageKind): Map<string, Entry> | undefined {
    return kind === "request" ? this.#requests : kind === "response" ? this.#responses : undefined;
  }

  #compile(method: string, kind: MessageKind, entry: Entry): ValidateFunction | undefined {
    if (entry.failure) return undefined;
    this.#ajv ??= createAjv();
    try {
      entry.compiled = this.#ajv.compile(entry.schema);
      this.#compiled++;
      return entry.compiled;
    } catch (err) {
      // A schema that passed its meta-schema can still fail to compile (an unresolvable $ref).
      // That is the application's bug, not the peer's: answer InternalError, never throw.
      entry.failure = new RPCInternalError(
        `The ${kind} schema for '${method}' in subprotocol '${this.subprotocol}' does not compile: ${
          err instanceof Error ? err.message : String(err)
        }`,
        {},
        { cause: err },
      );
      return undefined;
    }
  }
}

function describeValue(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/**
 * Creates a Validator for `subprotocol` from an array of JSON schemas whose `$id`s name the
 * message: `urn:<Method>.req` / `urn:<Method>.conf`, or `urn:<Method>Request` /
 * `urn:<Method>Response` (OCPP 2.1 style). Schemas are checked against their meta-schema
 * (draft-07 or draft-06) here and compiled lazily, on first use. The Validator is immutable:
 * later changes to the array or its schemas do not affect it.
 *
 * @example
 * const echoValidator = createValidator("echo1.0", [
 *   { $id: "urn:Echo.req", type: "object", properties: { val: { type: "string" } }, required: ["val"] },
 *   { $id: "urn:Echo.conf", type: "object", properties: { val: { type: "string" } }, required: ["val"] },
 * ]);
 * echoValidator.validate("Echo", "request", ["bar"]); // RPCFormatViolationError
 */
export function createValidator(subprotocol: string, schemas: readonly object[]): SchemaValidator {
  if (typeof subprotocol !== "string" || subprotocol === "") {
    throw new TypeError(
      "createValidator(subprotocol, schemas): subprotocol must be a non-empty string",
    );
  }
  if (!Array.isArray(schemas)) {
    throw new TypeError(
      `createValidator('${subprotocol}', schemas): schemas must be an array of JSON schemas, got ${describeValue(schemas)}`,
    );
  }
  const ajv = createAjv();
  const seen = new Map<string, string>();
  const entries: Array<readonly [string, MessageKind, object]> = [];
  (schemas as readonly unknown[]).forEach((schema, i) => {
    const where = `createValidator('${subprotocol}'): schemas[${i}]`;
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      throw new TypeError(`${where} must be a JSON schema object, got ${describeValue(schema)}`);
    }
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id !== "string")
      throw new TypeError(`${where} has no $id (e.g. "urn:BootNotification.req")`);
    const target = parseSchemaId(id);
    if (!target) {
      throw new TypeError(
        `${where}.$id ${JSON.stringify(id)} must be urn:<Method>.req, urn:<Method>.conf, urn:<Method>Request or urn:<Method>Response`,
      );
    }
    const key = `${target.kind} ${target.method}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw new TypeError(
        previous === id
          ? `${where} duplicates $id ${JSON.stringify(id)}`
          : `${where}.$id ${JSON.stringify(id)} names the same ${target.kind} as ${JSON.stringify(previous)}`,
      );
    }
    seen.set(key, id);
    checkAgainstMetaSchema(ajv, schema, where);
    entries.push([target.method, target.kind, structuredClone(schema)]);
  });
  return new SchemaValidator(subprotocol, entries, ajv);
}

function checkAgainstMetaSchema(ajv: Ajv, schema: object, where: string): void {
  let valid: boolean;
  try {
    valid = ajv.validateSchema(schema) as boolean;
  } catch (err) {
    // ajv throws for a `$schema` it does not know (only draft-07 and draft-06 are loaded).
    throw new TypeError(
      `${where} cannot be checked: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  }
  if (!valid) {
    throw new TypeError(
      `${where} is not a valid JSON schema: ${ajv.errorsText(ajv.errors, { dataVar: "schema" })}`,
    );
  }
}
