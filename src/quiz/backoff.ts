/** Reconnect timing of `QuizRoom`: the kit's exponential backoff with full jitter. Browser-safe. */
import { backoffDelay } from '../core/backoff.js';

export { backoffDelay } from '../core/backoff.js';
export type { BackoffOptions } from '../core/backoff.js';

/**
 * The wait before reconnect attempt `attempt` (1 for the first).
 *
 * @deprecated Use {@link backoffDelay}, the same function under the name every module uses.
 * @example
 * ```ts
 * import { backoffDelay } from 'serverless-game-kit/quiz';
 *
 * backoffDelay(3, { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2 }); // 0–1999 ms
 * ```
 */
export const reconnectDelay: typeof backoffDelay = backoffDelay;
