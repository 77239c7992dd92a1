import { ClusterUnavailableError } from "../protocol/errors.js";

/**
 * Runs `step` but rejects with ClusterUnavailableError at `deadline`: the request was not sent,
 * so unlike a timeout of a sent call the outcome is known (nothing ran).
 */
export async function beforeDeadline<T>(
  deadline: number,
  what: string,
  step: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ClusterUnavailableError(
            `${what}: the cluster adapter did not answer before the deadline (not sent)`,
          ),
        ),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([step(), expired]);
  } finally {
    clearTimeout(timer);
  }
}
