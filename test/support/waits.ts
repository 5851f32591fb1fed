/**
 * Bounded waits for tests: every wait ends by itself, so a failing test fails instead of hanging. No test asserts
 * on how long anything took.
 */

/** `within` and `eventually` with a fixture's default timeout and polling interval. */
export interface BoundedWaits {
  /** Resolves `promise`, or rejects naming `what` once `timeoutMs` has passed. */
  within: <T>(promise: Promise<T>, what: string, timeoutMs?: number) => Promise<T>;
  /** Polls `check` until it holds; resolves its last result once `timeoutMs` has passed. */
  eventually: (check: () => boolean | Promise<boolean>, timeoutMs?: number) => Promise<boolean>;
}

/**
 * Waits bounded by `defaultTimeoutMs` unless a call names its own timeout; `eventually` polls every `intervalMs`.
 *
 * @example
 * ```ts
 * import { boundedWaits } from '../support/waits.js';
 *
 * export const { within, eventually } = boundedWaits(10_000, 10);
 * await within(socketOpened, 'the WebSocket handshake');
 * ```
 */
export function boundedWaits(defaultTimeoutMs: number, intervalMs: number): BoundedWaits {
  return {
    within: <T>(promise: Promise<T>, what: string, timeoutMs = defaultTimeoutMs): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([
        promise,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    },
    eventually: async (check, timeoutMs = defaultTimeoutMs): Promise<boolean> => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await check()) return true;
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
      return check();
    },
  };
}
