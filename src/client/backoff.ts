/**
 * Reconnect delay for the `attempt`-th try (1-based): doubles from `min` up to `max`, with
 * "equal jitter" (a random point in the upper half) so that a fleet of stations dropped at
 * once does not come back in step (OCPP 2.x Part 4 §5.3: increasing back-off with
 * randomisation). Never below `min` nor above `max`.
 */
export function reconnectDelay(attempt: number, min: number, max: number): number {
  const raw = Math.min(max, min * 2 ** Math.min(attempt - 1, 52));
  const jittered = raw * (0.5 + Math.random() * 0.5);
  return Math.round(Math.min(max, Math.max(min, jittered)));
}
