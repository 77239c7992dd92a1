/** Which message a schema describes, read from its `$id`. */
export interface SchemaTarget {
  method: string;
  kind: "request" | "response";
}

/**
 * `urn:<Method>.req` / `urn:<Method>.conf` (the OCPP 1.6 and 2.0.1 files, and ocpp-rpc's custom
 * schemas), `urn:<Method>Request` / `urn:<Method>Response` (OCPP 2.1), and `urn:<Method>` for a
 * request that has no response (the OCA's 2.1 file names its one SEND schema that way).
 */
const SCHEMA_ID = /^urn:([^\s:/?#]+?)(\.req|\.conf|Request|Response)?$/;

/** The method and kind a schema `$id` names, or undefined when it follows none of the forms. */
export function parseSchemaId(id: string): SchemaTarget | undefined {
  const match = SCHEMA_ID.exec(id);
  if (!match) return undefined;
  const suffix = match[2];
  const kind = suffix === ".conf" || suffix === "Response" ? "response" : "request";
  return { method: match[1]!, kind };
}
