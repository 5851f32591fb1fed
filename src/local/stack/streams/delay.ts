/**
 * Waits `ms` milliseconds, or less when any of `signals` aborts (already aborted: resolves at once). Never
 * rejects and leaves no timer or listener behind.
 *
 * @example
 * ```ts
 * await delay(250, [stopController.signal]);
 * ```
 */
export function delay(ms: number, signals: readonly AbortSignal[]): Promise<void> {
  if (signals.some((signal) => signal.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    for (const signal of signals) signal.addEventListener('abort', done, { once: true });
  });
}
