import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, sleep, type Timers } from './backoff.js';

const settings = { initialDelayMs: 500, maxDelayMs: 30_000 };

/** Timers that run only when told to, and report what is still pending. */
function manualTimers(): Timers & {
  pending: Map<number, { callback: () => void; ms: number }>;
  fire(): void;
} {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  return {
    pending,
    setTimeout(callback, ms) {
      next += 1;
      pending.set(next, { callback, ms });
      return next;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
    fire() {
      for (const [handle, timer] of [...pending]) {
        pending.delete(handle);
        timer.callback();
      }
    },
  };
}

describe('backoffDelay', () => {
  it('grows the ceiling by the factor per attempt up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 8, 20].map((attempt) => backoffDelay(attempt, settings, () => 0.999_999));

    expect(ceilings).toEqual([499, 999, 1_999, 3_999, 29_999, 29_999]);
    expect(backoffDelay(3, { ...settings, factor: 3 }, () => 0.999_999)).toBe(4_499);
  });

  it('draws uniformly between zero and the ceiling (full jitter)', () => {
    expect(backoffDelay(3, settings, () => 0)).toBe(0);
    expect(backoffDelay(3, settings, () => 0.25)).toBe(500);
    expect(backoffDelay(3, settings, () => 0.5)).toBe(1_000);
  });

  it('treats attempts below 1 as the first', () => {
    expect(backoffDelay(0, settings, () => 0.5)).toBe(250);
    expect(backoffDelay(-7, settings, () => 0.5)).toBe(250);
  });

  it('stays a whole number in [0, ceiling) for any attempt, settings and random source', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 5_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.oneof(fc.double(), fc.constantFrom(Number.NaN, -1, 1, 2, Number.POSITIVE_INFINITY)),
        (attempt, initialDelayMs, maxDelayMs, factor, draw) => {
          const delay = backoffDelay(attempt, { initialDelayMs, maxDelayMs, factor }, () => draw);
          const growth = factor ** Math.max(0, attempt - 1);
          const ceiling = initialDelayMs === 0 ? 0 : Math.min(maxDelayMs, initialDelayMs * growth);

          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.max(0, Math.ceil(ceiling) - 1));
        },
      ),
      { seed: 15, numRuns: 500 },
    );
  });

  it('answers 0 for a zero or negative base instead of a negative wait', () => {
    expect(backoffDelay(4, { initialDelayMs: 0, maxDelayMs: 1_000 }, () => 0.9)).toBe(0);
    expect(backoffDelay(4, { initialDelayMs: -10, maxDelayMs: 1_000 }, () => 0.9)).toBe(0);
  });
});

describe('sleep', () => {
  it('resolves true when the whole time passed and leaves no timer behind', async () => {
    const timers = manualTimers();
    const waiting = sleep(250, { timers });

    expect([...timers.pending.values()].map((timer) => timer.ms)).toEqual([250]);
    timers.fire();

    await expect(waiting).resolves.toBe(true);
    expect(timers.pending.size).toBe(0);
  });

  it('resolves false at once for a signal that has already aborted, without starting a timer', async () => {
    const timers = manualTimers();

    await expect(sleep(1_000, { signal: AbortSignal.abort(), timers })).resolves.toBe(false);
    expect(timers.pending.size).toBe(0);
  });

  it('resolves false when any of several signals aborts, clearing the timer and every listener', async () => {
    const timers = manualTimers();
    const first = new AbortController();
    const second = new AbortController();
    const removed = vi.spyOn(first.signal, 'removeEventListener');
    const waiting = sleep(60_000, { signal: [first.signal, second.signal], timers });

    second.abort();

    await expect(waiting).resolves.toBe(false);
    expect(timers.pending.size).toBe(0);
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('removes its abort listener when the time passes', async () => {
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, 'addEventListener');
    const removed = vi.spyOn(controller.signal, 'removeEventListener');

    await expect(sleep(1, { signal: controller.signal })).resolves.toBe(true);
    expect(removed.mock.calls[0]?.[1]).toBe(added.mock.calls[0]?.[1]);
  });

  it('treats a negative time as zero', async () => {
    const timers = manualTimers();
    const waiting = sleep(-5, { timers });

    expect([...timers.pending.values()].map((timer) => timer.ms)).toEqual([0]);
    timers.fire();
    await expect(waiting).resolves.toBe(true);
  });
});
