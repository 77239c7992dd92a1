import type { RPCErrorDetails } from "../protocol/errors.js";

/**
 * What the main thread posts to a worker: one CALL frame (UTF-8, in a buffer of its own that
 * is transferred, not copied) of a connection on `protocol`.
 */
export interface ValidationTask {
  readonly protocol: string;
  readonly frame: Uint8Array;
}

/**
 * A worker's answer: the CALL's message id and why its payload fails strict mode (code,
 * message, details) or null when it passes. null as a whole: not a well-formed CALL; the main
 * thread decodes it and answers as it would any bad frame.
 */
export type WorkerVerdict = {
  readonly id: string;
  readonly error: readonly [code: string, message: string, details: RPCErrorDetails] | null;
} | null;
