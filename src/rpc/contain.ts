/**
 * Containing values that come from application code (handlers, validators, listeners):
 * anything may be thrown or returned — `Object.create(null)`, a Proxy whose traps throw, a
 * thenable whose `then` throws or calls back twice — and none of it may escape into the
 * socket's event handlers, where it would crash the process.
 */

/** An Error for any thrown or rejected value, without trusting the value (it may throw when inspected). */
export function toError(value: unknown): Error {
  try {
    if (value instanceof Error) return value;
  } catch (err) {
    // A Proxy whose getPrototypeOf trap throws: describe the failure instead of the value.
    return new Error("A value was thrown that cannot be inspected", { cause: err });
  }
  return new Error(`A non-Error value was thrown: ${describeThrown(value)}`, { cause: value });
}

/** True when `value` is a real Error (false, not a throw, for hostile values). */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    // Hostile Proxy: whatever it is, it is not an Error we can use.
    return false;
  }
}

function describeThrown(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    // Object.create(null) has no toString; a Proxy may throw on it.
    return typeof value;
  }
}

/**
 * Follows a value that may be a thenable (the rejection value is passed on as it is), as fastify's wrap-thenable does: `onValue` or
 * `onError` is called exactly once, whatever the thenable does (a `then` getter that throws,
 * a `then` that throws, resolves twice, or rejects after resolving). A thenable resolving
 * with another thenable is followed too. Returns true when the outcome is still to come.
 */
export function followValue(
  value: unknown,
  onValue: (value: unknown) => void,
  onError: (error: unknown) => void,
): boolean {
  let then: unknown;
  try {
    then =
      value !== null && (typeof value === "object" || typeof value === "function")
        ? (value as { then?: unknown }).then
        : undefined;
  } catch (err) {
    onError(err);
    return false;
  }
  if (typeof then !== "function") {
    onValue(value);
    return false;
  }
  let settled = false;
  try {
    (then as (ok: (v: unknown) => void, fail: (e: unknown) => void) => unknown).call(
      value,
      (v: unknown) => {
        if (settled) return;
        settled = true;
        followValue(v, onValue, onError);
      },
      (e: unknown) => {
        if (settled) return;
        settled = true;
        onError(e);
      },
    );
  } catch (err) {
    if (!settled) {
      settled = true;
      onError(err);
    }
  }
  return !settled;
}
