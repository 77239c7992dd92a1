import { protocolSchemaLoaders, type GeneratedProtocol } from "../generated/index.js";
import { parseSchemaId } from "./schema-id.js";
import type { MessageKind, SchemaValidator } from "./validator.js";

/** One validator per built-in subprotocol per process, shared by every connection. */
const builtins = new Map<GeneratedProtocol, SchemaValidator>();
const loading = new Map<GeneratedProtocol, Promise<SchemaValidator>>();

/** True for the subprotocols whose schemas ship with the library (`ocpp1.6`, `ocpp2.0.1`, `ocpp2.1`). */
export function isBuiltinProtocol(subprotocol: string): subprotocol is GeneratedProtocol {
  return Object.hasOwn(protocolSchemaLoaders, subprotocol);
}

/**
 * The shared validator of a built-in subprotocol once its schemas are loaded (see
 * loadBuiltinValidator), else undefined. It compiles each schema on first use.
 */
export function getBuiltinValidator(subprotocol: string): SchemaValidator | undefined {
  return isBuiltinProtocol(subprotocol) ? builtins.get(subprotocol) : undefined;
}

/**
 * Loads the schemas of a built-in subprotocol and the validator module (ajv) once per process,
 * and makes its validator. Both are imported only when strict mode asks: the schemas are half a
 * megabyte of data and ajv another 130 KB, which a browser app without strict mode never loads.
 * A failed load (a chunk the browser could not fetch) is forgotten, so the next connection
 * tries again.
 */
export function loadBuiltinValidator(subprotocol: string): Promise<SchemaValidator | undefined> {
  if (!isBuiltinProtocol(subprotocol)) return Promise.resolve(undefined);
  const protocol = subprotocol;
  let pending = loading.get(protocol);
  if (!pending) {
    pending = Promise.all([import("./validator.js"), protocolSchemaLoaders[protocol]()]).then(
      ([{ SchemaValidator }, schemas]) => {
        // The generated schemas were checked by the generator and by the tests; no meta-schema pass.
        const entries = schemas.map((schema) => {
          const target = parseSchemaId(schema.$id);
          if (!target) {
            throw new Error(
              `generated schema with unexpected $id ${schema.$id}; run npm run generate`,
            );
          }
          return [target.method, target.kind, schema] as readonly [string, MessageKind, object];
        });
        const validator = new SchemaValidator(protocol, entries);
        builtins.set(protocol, validator);
        return validator;
      },
    );
    pending.catch(() => loading.delete(protocol));
    loading.set(protocol, pending);
  }
  return pending;
}
