import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff.js';

const settings = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2 };

describe('reconnectDelay', () => {
  it('doubles the ceiling each attempt up to the maximum', () => {
    const ceilings = [1, 2, 3, 4, 8, 20].map((attempt) => reconnectDelay(attempt, settings, () => 0.999_999));

    expect(ceilings).toEqual([499, 999, 1_999, 3_999, 29_999, 29_999]);
  });

  it('jitters between zero and the ceiling', () => {
    expect(reconnectDelay(3, settings, () => 0)).toBe(0);
    expect(reconnectDelay(3, settings, () => 0.25)).toBe(500);
  });
});
