/**
 * The one retry timing of the kit: exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential
 * Backoff and Jitter": `sleep = random_between(0, min(cap, base * 2 ** attempt))`), which spreads the retries of
 * clients that failed together and has the lowest total work of the variants measured there. Browser-safe: only
 * `setTimeout`/`clearTimeout`, injectable.
 */

/** Backoff settings: the ceiling of the wait grows from `initialDelayMs` by `factor` per attempt up to `maxDelayMs`. */
export interface BackoffOptions {
  /** Upper bound of the first delay (the "base"). */
  initialDelayMs: number;
  /** Upper bound of any delay (the "cap"); keep it finite. */
  maxDelayMs: number;
  /** Growth of the ceiling per attempt; default 2. */
  factor?: number;
}

/** Timer functions, injectable for tests with fake time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The global `setTimeout`/`clearTimeout`. */
export const globalTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

/**
 * The wait before retry `attempt` (1 for the first retry): a uniformly random whole number of milliseconds in
 * `[0, ceiling)`, where `ceiling = min(maxDelayMs, initialDelayMs × factor^(attempt − 1))`.
 *
 * @param attempt - 1-based retry number; values below 1 count as 1.
 * @param options - Base, cap and growth.
 * @param random - A `[0, 1)` source; default `Math.random`. Values outside `[0, 1)` are clamped.
 * @returns Milliseconds to wait, an integer from 0 to `ceiling − 1` (0 when the ceiling is below 1).
 * @example
 * ```ts
 * import { backoffDelay } from '../core/backoff.js';
 *
 * backoffDelay(3, { initialDelayMs: 500, maxDelayMs: 30_000 }); // 0–1999 ms
 * ```
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const growth = (options.factor ?? 2) ** exponent;
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * growth);
  if (!(ceiling > 0)) return 0;
  const draw = random();
  const unit = Number.isNaN(draw) ? 0 : Math.min(0.999_999, Math.max(0, draw));
  return Math.floor(unit * ceiling);
}

/** Options of {@link sleep}. */
export interface SleepOptions {
  /** Ends the wait early; several signals end it at the first that fires. */
  signal?: AbortSignal | readonly AbortSignal[] | undefined;
  /** Default {@link globalTimers}. */
  timers?: Timers;
}

/**
 * Waits `ms` milliseconds, or less when a signal aborts (already aborted: at once). Never rejects and leaves no
 * timer or listener behind, so a caller decides what an abort means.
 *
 * @returns `true` when the whole time passed, `false` when a signal ended the wait.
 * @example
 * ```ts
 * import { sleep } from '../core/backoff.js';
 *
 * if (!(await sleep(250, { signal }))) throw new Error('aborted');
 * ```
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<boolean> {
  const signals =
    options.signal === undefined ? [] : 'aborted' in options.signal ? [options.signal] : options.signal;
  if (signals.some((signal) => signal.aborted)) return Promise.resolve(false);
  const timers = options.timers ?? globalTimers;
  return new Promise((resolve) => {
    const finish = (completed: boolean): void => {
      timers.clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = (): void => finish(false);
    const timer = timers.setTimeout(() => finish(true), Math.max(0, ms));
    for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
  });
}
