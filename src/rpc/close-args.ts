/** RFC 6455 §7.4: codes an endpoint may send; reasons are at most 123 bytes. */
export function checkCloseArgs(
  code: number | undefined,
  reason: string | undefined,
): Error | undefined {
  if (code !== undefined) {
    const valid =
      Number.isInteger(code) &&
      ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
        (code >= 3000 && code <= 4999));
    if (!valid) return new RangeError(`close(): invalid WebSocket close code ${code}`);
  }
  if (reason !== undefined) {
    if (typeof reason !== "string") return new TypeError("close(): reason must be a string");
    if (new TextEncoder().encode(reason).length > 123) {
      return new RangeError("close(): reason must be at most 123 bytes of UTF-8");
    }
  }
  return undefined;
}
