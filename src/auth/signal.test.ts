import { describe, expect, it, vi } from 'vitest';
import { createSignal } from './signal.js';

describe('createSignal', () => {
  it('calls every listener with the emitted arguments', () => {
    const signal = createSignal<[number, string]>();
    const calls: Array<[number, string]> = [];
    signal.subscribe((n, s) => calls.push([n, s]));
    signal.subscribe((n, s) => calls.push([n * 2, s]));

    signal.emit(1, 'a');

    expect(calls).toEqual([
      [1, 'a'],
      [2, 'a'],
    ]);
  });

  it('stops calling a listener once unsubscribed', () => {
    const signal = createSignal<[]>();
    const listener = vi.fn();
    const off = signal.subscribe(listener);

    off();
    signal.emit();

    expect(listener).not.toHaveBeenCalled();
  });

  it('keeps calling the other listeners when one throws', async () => {
    const signal = createSignal<[]>();
    const later = vi.fn();
    const errors: unknown[] = [];
    const onError = (error: unknown): void => {
      errors.push(error);
    };
    process.on('uncaughtException', onError);
    signal.subscribe(() => {
      throw new Error('game bug');
    });
    signal.subscribe(later);

    signal.emit();
    await new Promise((resolve) => setTimeout(resolve, 0));
    process.off('uncaughtException', onError);

    expect(later).toHaveBeenCalledOnce();
    expect(errors).toHaveLength(1);
  });
});
