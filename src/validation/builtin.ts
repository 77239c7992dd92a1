import { protocolSchemas, type GeneratedProtocol } from "../generated/index.js";
import { parseSchemaId } from "./schema-id.js";
import { SchemaValidator, type MessageKind } from "./validator.js";

/** One validator per built-in subprotocol per process, shared by every connection. */
const builtins = new Map<GeneratedProtocol, SchemaValidator>();

/**
 * The shared validator for a subprotocol whose schemas ship with the library (`ocpp1.6`,
 * `ocpp2.0.1`, `ocpp2.1`), or undefined for any other. It is created on first request and
 * compiles each schema on first use; nothing is compiled at import time.
 */
export function getBuiltinValidator(subprotocol: string): SchemaValidator | undefined {
  if (!Object.hasOwn(protocolSchemas, subprotocol)) return undefined;
  const protocol = subprotocol as GeneratedProtocol;
  let validator = builtins.get(protocol);
  if (!validator) {
    // The generated schemas were checked by the generator and by the tests; no meta-schema pass.
    const entries = protocolSchemas[protocol].map((schema) => {
      const target = parseSchemaId(schema.$id);
      if (!target)
        throw new Error(`generated schema with unexpected $id ${schema.$id}; run npm run generate`);
      return [target.method, target.kind, schema] as readonly [string, MessageKind, object];
    });
    validator = new SchemaValidator(protocol, entries);
    builtins.set(protocol, validator);
  }
  return validator;
}
