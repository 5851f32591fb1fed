import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RANK_LEVELS, rankDeltas, rankItemKey } from './rank-histogram.js';
import { rankLevelsToRead, spanOfScores, spanWith } from './rank-span.js';

/** Players strictly better than `score`, summed over `levels` of the histogram the way the reader does. */
function betterAtLevels(histogram: Map<string, number>, score: number, levels: number[]): number {
  let better = 0;
  for (const level of levels) {
    const own = rankItemKey('b', score, level);
    for (const [key, count] of histogram) {
      const [partition, bucket] = key.split('|');
      if (partition === own.partition && Number(bucket) > own.bucket) better += count;
    }
  }
  return better;
}

function histogramOf(players: number[]): Map<string, number> {
  const histogram = new Map<string, number>();
  for (const player of players)
    for (const { key, delta } of rankDeltas('b', undefined, player)) {
      const id = `${key.partition}|${key.bucket}`;
      histogram.set(id, (histogram.get(id) ?? 0) + delta);
    }
  return histogram;
}

describe('rank span', () => {
  it('reads only the levels the span crosses, level 0 always', () => {
    expect(rankLevelsToRead({ low: 0, high: 1_000_000 })).toEqual([0, 1, 2, 3]);
    expect(rankLevelsToRead({ low: 0, high: 1_000_000_000 })).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rankLevelsToRead({ low: 7, high: 7 })).toEqual([0]);
    expect(rankLevelsToRead({ low: -1, high: 0 })).toHaveLength(RANK_LEVELS);
    expect(rankLevelsToRead(undefined)).toHaveLength(RANK_LEVELS);
  });

  it('keeps an unknown span unknown, and widens a known one by a score', () => {
    expect(spanWith(undefined, 5)).toBeUndefined();
    expect(spanWith({ low: 0, high: 100 }, 250)).toEqual({ low: 0, high: 250 });
    expect(spanWith({ low: 0, high: 100 }, -3)).toEqual({ low: -3, high: 100 });
    expect(spanOfScores([])).toBeUndefined();
    expect(spanOfScores([40, 7, 1200])).toEqual({ low: 7, high: 1200 });
  });

  it('counts better players exactly from the spanned levels alone, for any board and any probe in it', () => {
    const score = fc.oneof(
      fc.integer({ min: -5000, max: 5000 }),
      fc.integer({ min: 0, max: 1_000_000_000 }),
      fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0, -1, 31, 32, 1023, 1024, 32 ** 4),
      fc.maxSafeInteger(),
    );
    fc.assert(
      fc.property(fc.array(score, { minLength: 1, maxLength: 50 }), fc.nat(), (players, pick) => {
        const probe = players[pick % players.length]!;
        const levels = rankLevelsToRead(spanOfScores(players));
        expect(betterAtLevels(histogramOf(players), probe, levels)).toBe(
          players.filter((player) => player > probe).length,
        );
      }),
      { seed: 20261130, numRuns: 500 },
    );
  });
});
