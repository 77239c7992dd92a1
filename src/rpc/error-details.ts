/**
 * A JSON-safe plain object of an error: its message, name, stack and own enumerable
 * properties, or just name/message/stack when the error cannot be serialised.
 */
export function getErrorPlainObject(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) {
    return { message: String(err) };
  }
  try {
    const plain = JSON.parse(JSON.stringify(err, Object.getOwnPropertyNames(err))) as Record<
      string,
      unknown
    >;
    plain.name ??= err.name;
    return plain;
  } catch {
    // Cycles or BigInts among its properties: keep the parts that always serialise.
    return { name: err.name, message: err.message, stack: err.stack };
  }
}
