/** The quiz client's events use the kit's one signal type. Browser-safe. */
export { createSignal } from '../core/signal.js';
export type { Signal, Unsubscribe } from '../core/signal.js';
