import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RANK_LEVELS, rankBucket, rankDeltas, rankItemKey } from './rank-histogram.js';

/** Players strictly better than `score`, summed from histogram buckets the way the reader does. */
function betterFromHistogram(histogram: Map<string, number>, score: number): number {
  let better = 0;
  for (let level = 0; level < RANK_LEVELS; level++) {
    const own = rankItemKey('b', score, level);
    for (const [key, count] of histogram) {
      const [partition, bucket] = key.split('|');
      if (partition === own.partition && Number(bucket) > own.bucket) better += count;
    }
  }
  return better;
}

describe('rank histogram layout', () => {
  it('counts players strictly better than any score exactly, safe-integer extremes and negatives included', () => {
    const score = fc.oneof(
      fc.integer({ min: -2000, max: 2000 }),
      fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0, -1, 31, 32, 1023, 1024),
      fc.maxSafeInteger(),
    );
    fc.assert(
      fc.property(fc.array(score, { maxLength: 60 }), score, (players, probe) => {
        const histogram = new Map<string, number>();
        for (const player of players)
          for (const { key, delta } of rankDeltas('b', undefined, player)) {
            const id = `${key.partition}|${key.bucket}`;
            histogram.set(id, (histogram.get(id) ?? 0) + delta);
          }
        expect(betterFromHistogram(histogram, probe)).toBe(players.filter((player) => player > probe).length);
      }),
      { seed: 13, numRuns: 400 },
    );
  });

  it('nets a move inside one bucket to nothing at the levels it shares', () => {
    expect(rankDeltas('b', 33, 34).map(({ key, delta }) => [key.level, key.bucket, delta])).toEqual([
      [0, 33, -1],
      [0, 34, 1],
    ]);
    expect(rankDeltas('b', 5, 5)).toEqual([]);
    expect(rankBucket(-1, 3)).toBe(-1);
  });
});
