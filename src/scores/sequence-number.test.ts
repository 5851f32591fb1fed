import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { padSequenceNumber } from './sequence-number.js';

describe('padSequenceNumber', () => {
  it('orders padded sequence numbers of different lengths as numbers', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 40n - 1n }),
        fc.bigInt({ min: 0n, max: 10n ** 40n - 1n }),
        (a, b) => {
          const left = padSequenceNumber(a.toString())!;
          const right = padSequenceNumber(b.toString())!;
          expect(left < right).toBe(a < b);
        },
      ),
    );
  });

  it('refuses values that are not decimal strings of at most 40 digits', () => {
    expect([
      padSequenceNumber('12a'),
      padSequenceNumber(''),
      padSequenceNumber('1'.repeat(41)),
      padSequenceNumber(12),
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });
});
