import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AroundCounts, aroundCountsNeeded, rankAround, rankPage, type ScoreRow } from './ranking.js';
import type { BoardOrder } from './types.js';

/** Brute force: competition rank = 1 + rows strictly better. */
function bruteRank(rows: ScoreRow[], score: number, order: BoardOrder): number {
  return 1 + rows.filter((row) => (order === 'desc' ? row.score > score : row.score < score)).length;
}

/** Leaderboard order: better first, ties in a fixed order (the index's key order). */
function sortBoard(rows: ScoreRow[], order: BoardOrder): ScoreRow[] {
  return [...rows].sort(
    (a, b) =>
      (order === 'desc' ? b.score - a.score : a.score - b.score) || a.playerId.localeCompare(b.playerId),
  );
}

describe('rankPage', () => {
  it('gives tied rows the same rank and skips the ranks they use up', () => {
    const rows = [
      { playerId: 'a', score: 9 },
      { playerId: 'b', score: 9 },
      { playerId: 'c', score: 7 },
    ];

    const entries = rankPage(rows);

    expect(entries.map((entry) => entry.rank)).toEqual([1, 1, 3]);
  });

  it('continues a tie across a page boundary from the cursor', () => {
    const entries = rankPage(
      [
        { playerId: 'd', score: 7 },
        { playerId: 'e', score: 5 },
      ],
      { position: 3, score: 7, rank: 3 },
    );

    expect(entries.map((entry) => entry.rank)).toEqual([3, 5]);
  });

  it('ranks every page of any board like a brute-force count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom<BoardOrder>('desc', 'asc'),
        (scores, pageSize, order) => {
          const rows = sortBoard(
            scores.map((score, index) => ({ playerId: `p${String(index).padStart(3, '0')}`, score })),
            order,
          );
          let previous: { position: number; score: number; rank: number } | undefined;
          for (let start = 0; start < rows.length; start += pageSize) {
            const entries = rankPage(rows.slice(start, start + pageSize), previous);
            for (const entry of entries) expect(entry.rank).toBe(bruteRank(rows, entry.score, order));
            const last = entries.at(-1)!;
            previous = { position: start + entries.length, score: last.score, rank: last.rank };
          }
        },
      ),
    );
  });
});

describe('rankAround', () => {
  it('ranks a player and its neighbours like a brute-force count, whatever the ties and the window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom<BoardOrder>('desc', 'asc'),
        (scores, pick, radius, order) => {
          const rows = sortBoard(
            scores.map((score, index) => ({ playerId: `p${String(index).padStart(3, '0')}`, score })),
            order,
          );
          const index = pick % rows.length;
          const player = rows[index]!;
          const above = radius === 0 ? [] : rows.slice(Math.max(0, index - radius), index).reverse();
          const below = radius === 0 ? [] : rows.slice(index + 1, index + 1 + radius);
          const window = { order, player, above, below, radius };

          const needed = aroundCountsNeeded(window);
          const counts: AroundCounts = {};
          if (needed.betterThanPlayer) counts.betterThanPlayer = bruteRank(rows, player.score, order) - 1;
          if (needed.tiedWithPlayer)
            counts.tiedWithPlayer = rows.filter((row) => row.score === player.score).length;
          if (needed.tiedWithTop !== undefined)
            counts.tiedWithTop = rows.filter((row) => row.score === needed.tiedWithTop).length;
          const result = rankAround(window, counts);

          expect(result.player.rank).toBe(bruteRank(rows, player.score, order));
          for (const entry of [...result.above, ...result.below])
            expect(entry.rank).toBe(bruteRank(rows, entry.score, order));
          expect(result.above.map((entry) => entry.playerId)).toEqual(
            [...above].reverse().map((row) => row.playerId),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('needs no count at all when the window reaches the top of the board', () => {
    const window = {
      order: 'desc' as const,
      player: { playerId: 'c', score: 5 },
      above: [
        { playerId: 'b', score: 7 },
        { playerId: 'a', score: 9 },
      ],
      below: [],
      radius: 5,
    };

    const needed = aroundCountsNeeded(window);

    expect(needed).toEqual({ betterThanPlayer: false, tiedWithPlayer: false });
  });
});
