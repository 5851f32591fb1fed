import { PatchError, asAbortError, throwIfAborted } from './errors.js';

/** Options of {@link withRetries}. */
export interface RetryOptions {
  /** Total tries, default 3. */
  attempts?: number;
  /** First backoff in ms, doubled each try with ±50% jitter, capped at 10 s; default 250. */
  baseDelayMs?: number;
  signal?: AbortSignal;
  /** Whether an error is worth another try; default: every error. */
  retryable?: (error: unknown) => boolean;
}

/** Resolves after `ms`, or rejects with `ABORTED` as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    throwIfAborted(signal);
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(new PatchError('ABORTED', 'The patch operation was aborted.', { cause: signal?.reason }));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Backoff before try `attempt + 1`: exponential with ±50% jitter. */
export function backoffDelay(attempt: number, baseDelayMs: number): number {
  const exponential = Math.min(10_000, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + Math.random()));
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
      await sleep(backoffDelay(attempt, options.baseDelayMs ?? 250), options.signal);
    }
  }
}
