import { setMaxListeners } from 'node:events';
import { throwIfAborted } from './errors.js';

/**
 * Runs `task` for every item, at most `concurrency` at once, and returns only once none is running. On the first
 * failure no further task starts and the running ones are told to stop through the signal they receive; the
 * first failure is then thrown. So a failed download leaves no request still writing into the staging folder
 * after the update has reported its error and released the install lock.
 *
 * @throws the first error a task threw, or `PatchError` `ABORTED` when `signal` aborts.
 * @example
 * ```ts
 * await runBoundedTasks(urls, 4, signal, async (url, taskSignal) => {
 *   await fetch(url, { signal: taskSignal });
 * });
 * ```
 */
export async function runBoundedTasks<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  task: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  throwIfAborted(signal);
  const controller = new AbortController();
  const forward = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forward, { once: true });
  let failure: { error: unknown } | undefined;
  let next = 0;
  const workers = Math.max(1, Math.min(Math.floor(concurrency), items.length));
  // One listener per running task on the shared signal: bounded by `workers`, not a leak.
  setMaxListeners(Math.max(10, workers), controller.signal);
  const worker = async (): Promise<void> => {
    while (!controller.signal.aborted && next < items.length) {
      const item = items[next++] as T;
      // Each task gets a signal of its own: what the task's clients attach to it (an AWS SDK request adds an
      // abort listener per request) goes away with the task instead of piling up on a signal every task shares.
      const own = new AbortController();
      const stop = (): void => own.abort(controller.signal.reason);
      controller.signal.addEventListener('abort', stop, { once: true });
      try {
        await task(item, own.signal);
      } catch (error) {
        failure ??= { error };
        controller.abort(error);
      } finally {
        controller.signal.removeEventListener('abort', stop);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    signal?.removeEventListener('abort', forward);
  }
  if (failure) throw failure.error;
  throwIfAborted(signal);
}
