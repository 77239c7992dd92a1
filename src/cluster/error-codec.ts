import {
  ConnectionClosedError,
  RPCError,
  StationNotConnectedError,
  TimeoutError,
  createRPCError,
} from "../protocol/errors.js";
import type { SerializedError } from "./envelope.js";

/** The receiver's refusal when the station (or that connection of it) is not held there. */
export const NOT_HERE = "NotHere";

/** Turns an error from a station call into something a response envelope can carry. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof RPCError) {
    return {
      name: err.name,
      message: err.message,
      rpcErrorCode: err.rpcErrorCode,
      details: err.details,
    };
  }
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: "Error", message: String(err) };
}

/**
 * Rebuilds the error on the caller's node with the class a local call would have rejected
 * with, so `instanceof TimeoutError` and `rpcErrorCode` checks work the same across nodes.
 */
export function deserializeError(e: SerializedError, fromNode: string): Error {
  if (e.rpcErrorCode !== undefined) return createRPCError(e.rpcErrorCode, e.message, e.details);
  if (e.name === "TimeoutError") return new TimeoutError(e.message);
  if (e.name === NOT_HERE) return new StationNotConnectedError(e.message);
  if (e.name === "ConnectionClosedError") return new ConnectionClosedError(e.message);
  const err = new Error(`${e.message} (on node ${fromNode})`);
  err.name = e.name;
  return err;
}
