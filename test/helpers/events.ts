/** Resolves with the first argument of the next `event` on `emitter`, or fails after `ms`. */
export function waitFor<T = unknown>(emitter: object, event: string, ms = 2000): Promise<T> {
  const e = emitter as { once(event: string, fn: (arg: T) => void): void };
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
    e.once(event, (arg) => {
      clearTimeout(timer);
      resolve(arg);
    });
  });
}
