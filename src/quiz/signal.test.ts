import { describe, expect, it, vi } from 'vitest';
import { createSignal } from './signal.js';

describe('createSignal', () => {
  it('calls listeners until they unsubscribe', () => {
    const signal = createSignal<number>();
    const seen: number[] = [];
    const stop = signal.add((value) => seen.push(value));

    signal.emit(1);
    stop();
    signal.emit(2);

    expect(seen).toEqual([1]);
  });

  it('keeps calling the other listeners when one throws', () => {
    const errors = vi.fn();
    const signal = createSignal<string>(errors);
    const seen: string[] = [];
    signal.add(() => {
      throw new Error('boom');
    });
    signal.add((value) => seen.push(value));

    signal.emit('x');

    expect(seen).toEqual(['x']);
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
  });
});
