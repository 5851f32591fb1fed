import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createSignal } from './signal.js';

describe('createSignal', () => {
  it('calls listeners in subscription order until they unsubscribe', () => {
    const signal = createSignal<number>();
    const seen: string[] = [];
    const stopFirst = signal.subscribe((value) => seen.push(`first ${value}`));
    signal.subscribe((value) => seen.push(`second ${value}`));

    signal.emit(1);
    stopFirst();
    stopFirst();
    signal.emit(2);

    expect(seen).toEqual(['first 1', 'second 1', 'second 2']);
  });

  it('works with subscribe taken off the object, as clients expose it', () => {
    const signal = createSignal<string>();
    const { subscribe } = signal;
    const seen: string[] = [];

    subscribe((value) => seen.push(value));
    signal.emit('x');

    expect(seen).toEqual(['x']);
  });

  it('emits without a value for a Signal<void>', () => {
    const signal = createSignal();
    const listener = vi.fn();
    signal.subscribe(listener);

    signal.emit();

    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps the deprecated add as the same subscription', () => {
    const signal = createSignal<number>();
    const seen: number[] = [];
    const stop = signal.add((value) => seen.push(value));

    signal.emit(1);
    stop();
    signal.emit(2);

    expect(seen).toEqual([1]);
  });

  it('keeps calling the other listeners when one throws, and reports the error', () => {
    const errors = vi.fn();
    const signal = createSignal<string>(errors);
    const seen: string[] = [];
    signal.subscribe(() => {
      throw new Error('boom');
    });
    signal.subscribe((value) => seen.push(value));

    signal.emit('x');

    expect(seen).toEqual(['x']);
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
  });

  it('rethrows a listener’s error asynchronously by default, after the other listeners ran', async () => {
    const signal = createSignal<number>();
    const seen: number[] = [];
    let onUncaught: (error: unknown) => void = () => {};
    const uncaught = new Promise<unknown>((resolve) => (onUncaught = resolve));
    process.on('uncaughtException', onUncaught);
    signal.subscribe(() => {
      throw new Error('game bug');
    });
    signal.subscribe((value) => seen.push(value));

    try {
      signal.emit(7);
      expect(seen).toEqual([7]);
      await expect(uncaught).resolves.toMatchObject({ message: 'game bug' });
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('gives a listener added while emitting the next emission, and one removed while emitting this one', () => {
    const signal = createSignal<number>();
    const seen: string[] = [];
    const stopLate: Array<() => void> = [];
    signal.subscribe((value) => {
      seen.push(`a${value}`);
      stopLate.forEach((stop) => stop());
      if (value === 1) signal.subscribe((next) => seen.push(`added${next}`));
    });
    stopLate.push(signal.subscribe((value) => seen.push(`b${value}`)));

    signal.emit(1);
    signal.emit(2);

    expect(seen).toEqual(['a1', 'b1', 'a2', 'added2']);
  });

  it('treats each subscription of the same function on its own', () => {
    const signal = createSignal<number>();
    const listener = vi.fn();
    const stopOne = signal.subscribe(listener);
    signal.subscribe(listener);

    stopOne();
    signal.emit(1);

    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('clear removes every listener', () => {
    const signal = createSignal<number>();
    const listener = vi.fn();
    signal.subscribe(listener);

    signal.clear();
    signal.emit(1);

    expect(listener).not.toHaveBeenCalled();
  });

  it('calls exactly the listeners still subscribed, for any order of subscribes and unsubscribes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('add'), fc.nat({ max: 20 })), { maxLength: 60 }), (steps) => {
        const signal = createSignal<number>();
        const calls: number[] = [];
        const live = new Map<number, () => void>();
        let next = 0;
        for (const step of steps) {
          if (step === 'add') {
            const id = next++;
            live.set(
              id,
              signal.subscribe(() => calls.push(id)),
            );
          } else {
            const id = [...live.keys()][step % Math.max(1, live.size)];
            if (id !== undefined) {
              live.get(id)?.();
              live.delete(id);
            }
          }
        }

        signal.emit(0);

        expect(calls).toEqual([...live.keys()]);
      }),
      { seed: 15, numRuns: 300 },
    );
  });
});
