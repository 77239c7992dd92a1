/**
 * The worker side of `workerThreads`: decodes a frame and runs the same built-in validator
 * strict mode runs on the main thread, and answers only the verdict (see WorkerVerdict).
 * Loaded by piscina as its worker module, one per thread.
 */
import { decodeFrame } from "../protocol/frame.js";
import { MessageType } from "../protocol/message-type.js";
import { protocolFamily } from "../protocol/version.js";
import { getBuiltinValidator, loadBuiltinValidator } from "../validation/builtin.js";
import type { VerifyTask, WorkerVerdict } from "./verdict.js";

/**
 * The test suite's way to make a worker die with a task in flight (a CALL with this message
 * id exits the thread), so the pool's crash handling runs for real. Unset in production.
 */
const EXIT_ON_MESSAGE_ID = process.env.OCPP_WS_IO_TEST_WORKER_EXIT_ON;

export default async function verify(task: VerifyTask): Promise<WorkerVerdict> {
  const decoded = decodeFrame(task.frame, protocolFamily(task.protocol));
  if (!decoded.ok) return 0;
  const message = decoded.message;
  if (message[0] !== MessageType.CALL && message[0] !== MessageType.SEND) return 0;
  const [, id, method, params] = message;
  if (EXIT_ON_MESSAGE_ID !== undefined && id === EXIT_ON_MESSAGE_ID) process.exit(1);
  const validator =
    getBuiltinValidator(task.protocol) ?? (await loadBuiltinValidator(task.protocol));
  if (!validator) return 0;
  let error;
  try {
    error = validator.validate(method, "request", params);
  } catch {
    // The main thread runs the same check again and reports the failure there.
    return 0;
  }
  return error ? [id, method, error.rpcErrorCode, error.message, error.details] : [id, method];
}
