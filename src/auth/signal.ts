/** Subscribes a listener; returns a function that unsubscribes it. */
export type Subscribe<Args extends unknown[]> = (listener: (...args: Args) => void) => () => void;

/** A typed event: `subscribe(listener)` returns an unsubscribe function; `emit(...args)` calls every listener. */
export interface Signal<Args extends unknown[]> {
  subscribe: Subscribe<Args>;
  emit(...args: Args): void;
  clear(): void;
}

/**
 * Creates a {@link Signal}. A listener that throws does not stop the others; its error is rethrown
 * asynchronously (as an uncaught error), so a bug in game code stays visible without breaking the SDK.
 *
 * @example
 * ```ts
 * const onExpired = createSignal<[SessionExpiredError]>();
 * const off = onExpired.subscribe((error) => showLogin(error));
 * onExpired.emit(new SessionExpiredError());
 * off();
 * ```
 */
export function createSignal<Args extends unknown[]>(): Signal<Args> {
  const listeners = new Set<(...args: Args) => void>();
  return {
    subscribe(listener) {
      const entry = (...args: Args): void => listener(...args);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    emit(...args) {
      for (const listener of [...listeners]) {
        try {
          listener(...args);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
    clear() {
      listeners.clear();
    },
  };
}
