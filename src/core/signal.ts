/**
 * The one event type of the kit's clients: a typed signal with one value per emission. Browser-safe.
 */

/** A function that stops a listener; calling it again does nothing. */
export type Unsubscribe = () => void;

/**
 * A typed event source. `subscribe` a listener and get its {@link Unsubscribe} back; `emit(value)` calls every
 * listener in subscription order. Several values travel as one object (`{ attempt, delayMs }`), so an event can
 * gain a field without breaking a listener; a signal without a value is a `Signal<void>` (`emit()`).
 */
export interface Signal<T> {
  /** Calls `listener` on every later emission until the returned function is called. */
  subscribe(this: void, listener: (value: T) => void): Unsubscribe;
  /**
   * The same as {@link Signal.subscribe}.
   *
   * @deprecated Use `subscribe`.
   */
  add(this: void, listener: (value: T) => void): Unsubscribe;
  /** Calls every listener with `value`; a listener that throws does not stop the others. */
  emit(this: void, value: T): void;
  /** Removes every listener. */
  clear(this: void): void;
}

/** Where errors thrown by listeners go by default: rethrown asynchronously, so a bug in game code stays visible. */
function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/**
 * Creates a {@link Signal}. Each subscription is its own: the same function subscribed twice is called twice,
 * and each unsubscribe removes one. An emission calls the listeners subscribed when it started, so a listener
 * added while emitting gets the next emission, and one removed while emitting still gets this one.
 *
 * @param onListenerError - Told about errors thrown by listeners; default: rethrown asynchronously (an uncaught
 *   error), so a bug in game code stays visible without breaking the kit.
 * @returns The signal.
 * @example
 * ```ts
 * import { createSignal } from 'serverless-game-kit/quiz';
 *
 * const onScore = createSignal<number>();
 * const stop = onScore.subscribe((score) => console.log(score));
 * onScore.emit(3); // logs 3
 * stop();
 * ```
 */
export function createSignal<T = void>(onListenerError: (error: unknown) => void = rethrowLater): Signal<T> {
  let listeners: ReadonlyArray<{ readonly call: (value: T) => void }> = [];
  const subscribe = (listener: (value: T) => void): Unsubscribe => {
    const entry = { call: listener };
    listeners = [...listeners, entry];
    return () => {
      listeners = listeners.filter((candidate) => candidate !== entry);
    };
  };
  return {
    subscribe,
    add: subscribe,
    emit(value) {
      for (const listener of listeners) {
        try {
          listener.call(value);
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
