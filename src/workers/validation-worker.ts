/**
 * The worker side of `workerThreads`: decodes a CALL frame and checks it against the built-in
 * schemas, and posts back only the verdict (a few bytes), never the parsed message: a parsed
 * object costs the main thread more to receive (structured clone) than to parse itself.
 */
import { getBuiltinValidator, loadBuiltinValidator } from "../validation/builtin.js";
import type { ValidationTask, WorkerVerdict } from "./verdict.js";

const utf8 = new TextDecoder();

export default async function validateFrame(task: ValidationTask): Promise<WorkerVerdict> {
  let message: unknown;
  try {
    message = JSON.parse(utf8.decode(task.frame));
  } catch {
    return null;
  }
  if (!Array.isArray(message) || message[0] !== 2 || message.length !== 4) return null;
  const [, id, method, params] = message as [number, unknown, unknown, unknown];
  if (typeof id !== "string" || typeof method !== "string") return null;
  const validator =
    getBuiltinValidator(task.protocol) ?? (await loadBuiltinValidator(task.protocol));
  if (!validator) return null;
  const error = validator.validate(method, "request", params);
  return { id, error: error ? [error.rpcErrorCode, error.message, error.details] : null };
}
