import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeHistoryCursor,
  decodeLeaderboardCursor,
  encodeHistoryCursor,
  encodeLeaderboardCursor,
} from './cursor.js';
import { ScoresError } from './errors.js';

describe('leaderboard cursors', () => {
  it('decode to what was encoded', () => {
    const cursor = {
      board: 'daily#2026-11-21',
      playerId: 'ap-northeast-2:abc',
      score: -5,
      position: 20,
      rank: 19,
    };

    expect(decodeLeaderboardCursor(encodeLeaderboardCursor(cursor), cursor.board)).toEqual(cursor);
  });

  it('never crash on arbitrary input: they decode or throw INVALID_CURSOR', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (raw) => {
        let thrown: unknown;
        try {
          decodeLeaderboardCursor(raw, 'global');
        } catch (error) {
          thrown = error;
        }
        expect(
          thrown === undefined || (thrown instanceof ScoresError && thrown.code === 'INVALID_CURSOR'),
        ).toBe(true);
      }),
    );
  });

  it('refuse a cursor whose fields were edited into nonsense', () => {
    const edited = Buffer.from(JSON.stringify({ v: 1, b: 'global', p: 'x', s: 1e300, n: -1, r: 1 })).toString(
      'base64url',
    );

    expect(() => decodeLeaderboardCursor(edited, 'global')).toThrow(ScoresError);
  });
});

describe('history cursors', () => {
  it('decode to what was encoded, for the same board only', () => {
    const raw = encodeHistoryCursor({ board: 'global', score: 1200 });

    expect(decodeHistoryCursor(raw, 'global')).toEqual({ board: 'global', score: 1200 });
    expect(() => decodeHistoryCursor(raw, 'other')).toThrow(ScoresError);
  });
});
