/** Reconnect timing of `QuizRoom`: exponential backoff with full jitter. Browser-safe. */

/** Backoff settings; see {@link reconnectDelay}. */
export interface BackoffOptions {
  /** Upper bound of the first delay. */
  initialDelayMs: number;
  /** Upper bound of any delay. */
  maxDelayMs: number;
  /** Growth per attempt. */
  factor: number;
}

/**
 * The wait before reconnect attempt `attempt` (1 for the first): a uniformly random time between 0 and
 * `min(maxDelayMs, initialDelayMs × factor^(attempt − 1))` ("full jitter"), so clients dropped together do
 * not come back together.
 *
 * @param attempt - 1-based attempt number.
 * @param options - Backoff settings.
 * @param random - A `[0, 1)` source; default `Math.random`.
 * @returns Milliseconds to wait.
 * @example
 * ```ts
 * import { reconnectDelay } from 'serverless-game-kit/quiz';
 *
 * reconnectDelay(3, { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2 }); // 0–2000 ms
 * ```
 */
export function reconnectDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** exponent);
  return Math.floor(Math.min(0.999_999, Math.max(0, random())) * ceiling);
}
