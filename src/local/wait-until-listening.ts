import { sleep } from '../core/backoff.js';

/**
 * Polls `url` until any HTTP response arrives (the status does not matter: the server is up) or `timeoutMs`
 * passes. Resolves `true` when it answered, `false` on timeout. A bounded loop: it always ends by itself.
 *
 * @example
 * ```ts
 * const up = await waitUntilListening('http://127.0.0.1:8000/', 10_000);
 * ```
 */
export async function waitUntilListening(url: string, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(2_000, timeoutMs)) });
      await response.body?.cancel();
      return true;
    } catch {
      await sleep(Math.min(intervalMs, deadline - Date.now()));
    }
  }
  return false;
}
