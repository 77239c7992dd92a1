import type { EngineCore } from "./engine-core.js";

/**
 * When a call began (performance.now()), taken only when a listener will be told how long it
 * took (the `durationMs` of callResult, callError and callTimeout); else 0, and no clock is
 * read. Metrics use it instead of remembering start times of their own.
 */
export function callStart(engine: EngineCore): number {
  return engine.listenerCount("callResult") > 0 ||
    engine.listenerCount("callError") > 0 ||
    engine.listenerCount("callTimeout") > 0
    ? performance.now()
    : 0;
}

/** Milliseconds since `start` (from callStart), or undefined when it was not taken. */
export function durationSince(start: number): number | undefined {
  return start === 0 ? undefined : performance.now() - start;
}
