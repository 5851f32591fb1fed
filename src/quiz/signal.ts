/** A typed event source: `add` a listener, get its unsubscribe function back. Browser-safe. */
export interface Signal<T> {
  /** Subscribes; the returned function unsubscribes (calling it twice is harmless). */
  add(listener: (value: T) => void): () => void;
  /** Calls every listener with `value`; a listener that throws does not stop the others. */
  emit(value: T): void;
  /** Removes every listener. */
  clear(): void;
}

/**
 * Creates a {@link Signal}. Listeners added while emitting get the next emission, not the current one.
 *
 * @param onListenerError - Told about errors thrown by listeners; default: rethrown asynchronously.
 * @returns The signal.
 * @example
 * ```ts
 * const onScore = createSignal<number>();
 * const stop = onScore.add((score) => console.log(score));
 * onScore.emit(3); // logs 3
 * stop();
 * ```
 */
export function createSignal<T>(
  onListenerError: (error: unknown) => void = (error) => {
    queueMicrotask(() => {
      throw error;
    });
  },
): Signal<T> {
  let listeners: Array<(value: T) => void> = [];
  return {
    add(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((candidate) => candidate !== listener);
      };
    },
    emit(value) {
      for (const listener of listeners) {
        try {
          listener(value);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    clear() {
      listeners = [];
    },
  };
}
