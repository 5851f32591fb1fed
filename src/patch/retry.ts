import { backoffDelay, sleep as waitOrAbort } from '../core/backoff.js';
import { PatchError, asAbortError, throwIfAborted } from './errors.js';

/** Options of {@link withRetries}. */
export interface RetryOptions {
  /** Total tries, default 3. */
  attempts?: number;
  /** Ceiling of the first backoff in ms, doubled each try (full jitter: a random wait below it), capped at 10 s; default 250. */
  baseDelayMs?: number;
  signal?: AbortSignal;
  /** Whether an error is worth another try; default: every error. */
  retryable?: (error: unknown) => boolean;
}

/** Cap of every patch backoff. */
export const PATCH_MAX_DELAY_MS = 10_000;

/** Resolves after `ms`, or rejects with `ABORTED` as soon as `signal` fires. */
export async function sleepOrThrowAborted(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  if (!(await waitOrAbort(ms, { signal }))) {
    throw new PatchError('ABORTED', 'The patch operation was aborted.', { cause: signal?.reason });
  }
}

/** Backoff before try `attempt + 1`: full jitter up to `baseDelayMs × 2^(attempt − 1)`, capped at 10 s. */
export function patchBackoffDelay(attempt: number, baseDelayMs: number): number {
  return backoffDelay(attempt, { initialDelayMs: baseDelayMs, maxDelayMs: PATCH_MAX_DELAY_MS });
}

/**
 * Runs `task` until it succeeds, the error is not retryable, or the tries run out (then throws the last error).
 *
 * @throws the last error; `ABORTED` when `signal` fires.
 */
export async function withRetries<Result>(
  task: (attempt: number) => Promise<Result>,
  options: RetryOptions = {},
): Promise<Result> {
  const attempts = Math.max(1, options.attempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await task(attempt);
    } catch (error) {
      const wrapped = asAbortError(error, options.signal);
      if (attempt >= attempts || wrapped !== error || !(options.retryable?.(error) ?? true)) throw wrapped;
      await sleepOrThrowAborted(patchBackoffDelay(attempt, options.baseDelayMs ?? 250), options.signal);
    }
  }
}
