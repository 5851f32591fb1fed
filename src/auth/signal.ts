import type { Unsubscribe } from '../core/signal.js';

/**
 * How `AuthClient` exposes an event (`onSignedIn`, `onExpired`, …): pass a listener, get its unsubscribe function
 * back. It is the `subscribe` of the kit's one signal type; `Args` lists the listener's arguments (none or one).
 *
 * @example
 * ```ts
 * import type { Subscribe } from 'serverless-game-kit/auth';
 *
 * const onNews: Subscribe<[string]> = (listener) => {
 *   listener('hello');
 *   return () => {};
 * };
 * ```
 */
export type Subscribe<Args extends unknown[]> = (listener: (...args: Args) => void) => Unsubscribe;
