import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * HTTP Basic auth as OCPP uses it: the username is always the station identity (J16 §6.2.2,
 * SWP A00.FR.202/302) and the password may be raw bytes (SWP A00.FR.205 recommends binary).
 */

function toBytes(value: string | Buffer): Buffer {
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}

/**
 * The `Authorization` header value for a station: `"Basic " + base64(identity ":" password)`.
 * A string password is sent as UTF-8; a Buffer is sent byte for byte.
 *
 * @example
 * encodeBasicAuth("CP001", "my-secret-password"); // "Basic Q1AwMDE6bXktc2VjcmV0LXBhc3N3b3Jk"
 */
export function encodeBasicAuth(identity: string, password: string | Buffer): string {
  const bytes = Buffer.concat([Buffer.from(identity + ":", "utf8"), toBytes(password)]);
  return "Basic " + bytes.toString("base64");
}

// RFC 7617 §2: `Basic` (case-insensitive) then token68 credentials. Both base64 alphabets are
// accepted, padding is optional; surrounding whitespace is tolerated.
const BASIC_HEADER = /^[ \t]*basic[ \t]+([A-Za-z0-9+/_-]+)(={0,2})[ \t]*$/i;

/**
 * The password from an `Authorization: Basic` header whose username is `identity`, as bytes.
 *
 * RFC 7617 splits username and password at the first colon, which breaks identities that
 * contain one. OCPP fixes the username to the identity, so this takes everything after
 * `identity + ":"` as the password: both may contain any number of colons, and the password
 * may be binary. Never throws.
 *
 * @returns the password bytes; `undefined` when the header is missing, is not Basic, is not
 * valid base64, or its username is not `identity`.
 *
 * @example
 * parseBasicAuthPassword(encodeBasicAuth("this:is:ok", "as:is:this"), "this:is:ok")
 *   ?.toString("utf8"); // "as:is:this"
 */
export function parseBasicAuthPassword(
  header: string | undefined,
  identity: string,
): Buffer | undefined {
  if (typeof header !== "string" || typeof identity !== "string") return undefined;
  const match = BASIC_HEADER.exec(header);
  const body = match?.[1];
  const padding = match?.[2] ?? "";
  if (body === undefined) return undefined;
  // A base64 body of 4n+1 characters cannot come from any byte string, and padding must
  // complete a 4-character group; anything else is not base64.
  if (body.length % 4 === 1) return undefined;
  if (padding.length > 0 && (body.length + padding.length) % 4 !== 0) return undefined;

  const decoded = Buffer.from(body, "base64");
  const prefix = Buffer.from(identity + ":", "utf8");
  if (decoded.length < prefix.length) return undefined;
  if (!decoded.subarray(0, prefix.length).equals(prefix)) return undefined;
  return Buffer.from(decoded.subarray(prefix.length));
}

// A per-process key: the digests compared below are never the stored secrets themselves, and
// nobody can precompute inputs with chosen digests.
const DIGEST_KEY = randomBytes(32);

function digest(value: string | Buffer): Buffer {
  return createHmac("sha256", DIGEST_KEY).update(toBytes(value)).digest();
}

/**
 * Compares a received secret with the expected one in constant time. Both sides are first
 * reduced to fixed-length HMAC-SHA-256 digests, so neither the content nor the length of the
 * expected secret leaks through timing. Strings compare as UTF-8. `undefined` (no password
 * sent) is never equal.
 *
 * @example
 * server.auth((accept, reject, handshake) => {
 *   if (!safeEqual(handshake.password, passwordFor(handshake.identity))) {
 *     return reject(401, "Invalid credentials");
 *   }
 *   accept();
 * });
 */
export function safeEqual(a: string | Buffer | undefined, b: string | Buffer): boolean {
  // Digest `b` even when `a` is missing, so that case takes the same time.
  const expected = digest(b);
  if (a === undefined) return false;
  return timingSafeEqual(digest(a), expected);
}
