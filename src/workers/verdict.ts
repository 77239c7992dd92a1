import type { RPCErrorDetails } from "../protocol/errors.js";

/** What the main thread posts to a worker: one inbound text frame and its subprotocol. */
export interface VerifyTask {
  readonly protocol: string;
  readonly frame: string;
}

/**
 * A worker's answer, small so the main thread has little to read back (structured clone of
 * a parsed payload would cost it more than parsing: see the README):
 * - `0`: not checked (not a CALL or SEND, or not decodable): the main thread checks it;
 * - `[id, method]`: the request payload passes strict mode;
 * - `[id, method, code, description, details]`: it fails, with the validator's RPC error.
 */
export type WorkerVerdict =
  | 0
  | readonly [id: string, method: string]
  | readonly [
      id: string,
      method: string,
      code: string,
      description: string,
      details: RPCErrorDetails,
    ];
