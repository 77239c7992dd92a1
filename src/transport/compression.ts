import { checkBoolean, checkNumber, describe } from "../rpc/options.js";

/** permessage-deflate settings (RFC 7692) of `compression` on the server and the Node client. */
export interface CompressionOptions {
  /** Smallest message compressed (bytes); smaller ones go out as they are. Default 1024. */
  threshold?: number;
  /** zlib compression level, 1 (fastest) to 9 (smallest). Default 6. */
  level?: number;
  /** zlib memory level, 1 to 9: deflate holds 2^(memLevel+9) bytes of it. Default 8. */
  memLevel?: number;
  /** The server starts every message with an empty window (RFC 7692 §7.1.1.1). Default true. */
  serverNoContextTakeover?: boolean;
  /** The client starts every message with an empty window (RFC 7692 §7.1.1.2). Default true. */
  clientNoContextTakeover?: boolean;
}

/** The `perMessageDeflate` object `ws` takes (structurally, so this file stays Node-free). */
export interface DeflateSettings {
  threshold: number;
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  zlibDeflateOptions: { level: number; memLevel: number };
}

export const COMPRESSION_DEFAULTS: Readonly<Required<CompressionOptions>> = Object.freeze({
  threshold: 1024,
  level: 6,
  memLevel: 8,
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
});

const KEYS = new Set(Object.keys(COMPRESSION_DEFAULTS));

/**
 * Checks `compression` (`true` = the defaults) and returns the `ws` settings, or `false` for
 * off. No window size is imposed on the peer: `ws` refuses (HTTP 400) an offer without
 * `client_max_window_bits` when the server asks for one, and RFC 7692 §7.1.2.2 lets a client
 * leave it out, so any plain offer is accepted.
 */
export function resolveCompression(
  input: boolean | CompressionOptions | undefined,
): DeflateSettings | false {
  if (input === undefined || input === false) return false;
  if (input !== true && (typeof input !== "object" || input === null)) {
    throw new TypeError(
      `option 'compression' must be a boolean or an object (CompressionOptions), got ${describe(input)}`,
    );
  }
  const given = input === true ? {} : input;
  for (const key of Object.keys(given)) {
    if (!KEYS.has(key)) throw new TypeError(`option 'compression.${key}' is not supported`);
  }
  const o = { ...COMPRESSION_DEFAULTS, ...given };
  checkNumber("compression.threshold", o.threshold, 0, true);
  checkNumber("compression.level", o.level, 1, true);
  checkNumber("compression.memLevel", o.memLevel, 1, true);
  if (o.level > 9) throw new RangeError(`option 'compression.level' must be <= 9, got ${o.level}`);
  if (o.memLevel > 9)
    throw new RangeError(`option 'compression.memLevel' must be <= 9, got ${o.memLevel}`);
  checkBoolean("compression.serverNoContextTakeover", o.serverNoContextTakeover);
  checkBoolean("compression.clientNoContextTakeover", o.clientNoContextTakeover);
  return {
    threshold: o.threshold,
    serverNoContextTakeover: o.serverNoContextTakeover,
    clientNoContextTakeover: o.clientNoContextTakeover,
    zlibDeflateOptions: { level: o.level, memLevel: o.memLevel },
  };
}
