import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURSOR_KEY_ENV, createCursorCodec, type LeaderboardCursor, resolveCursorKey } from './cursor.js';
import { ScoresError } from './errors.js';

const cursors = createCursorCodec(resolveCursorKey('a test key of 32 bytes, not secret', []));
const cursor: LeaderboardCursor = {
  board: 'daily#2026-11-21',
  shards: 16,
  shard: 3,
  playerId: 'ap-northeast-2:abc',
  score: -5,
  position: 20,
  rank: 19,
};

function refused(decode: () => unknown): boolean {
  try {
    decode();
    return false;
  } catch (error) {
    return error instanceof ScoresError && error.code === 'INVALID_CURSOR';
  }
}

/** The cursor with its payload replaced by `fields`, the tag kept. */
function edited(raw: string, fields: Record<string, unknown>): string {
  const [payload, tag] = raw.split('.');
  const value = { ...(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as object), ...fields };
  return `${Buffer.from(JSON.stringify(value)).toString('base64url')}.${tag}`;
}

describe('leaderboard cursors', () => {
  it('decode to what was encoded', () => {
    expect(cursors.decodeLeaderboard(cursors.encodeLeaderboard(cursor), cursor.board, 16)).toEqual(cursor);
  });

  it('refuse every edit: r:1 n:1000, n: 2^53-1, another shard, another board, another layout', () => {
    const raw = cursors.encodeLeaderboard(cursor);
    expect([
      refused(() => cursors.decodeLeaderboard(edited(raw, { r: 1, n: 1000 }), cursor.board, 16)),
      refused(() => cursors.decodeLeaderboard(edited(raw, { n: 2 ** 53 - 1 }), cursor.board, 16)),
      refused(() => cursors.decodeLeaderboard(edited(raw, { k: 4 }), cursor.board, 16)),
      refused(() => cursors.decodeLeaderboard(raw, 'global', 16)),
      refused(() => cursors.decodeLeaderboard(raw, cursor.board, 8)),
    ]).toEqual([true, true, true, true, true]);
  });

  it('refuse a cursor signed with another key, and any changed character', () => {
    const raw = cursors.encodeLeaderboard(cursor);
    const other = createCursorCodec(resolveCursorKey('another key of 32 bytes, not it!', []));
    expect(refused(() => other.decodeLeaderboard(raw, cursor.board, 16))).toBe(true);
    fc.assert(
      fc.property(fc.nat({ max: raw.length - 1 }), fc.constantFrom(...'AZaz09-_.x'), (index, replacement) => {
        fc.pre(raw[index] !== replacement);
        const changed = raw.slice(0, index) + replacement + raw.slice(index + 1);
        expect(refused(() => cursors.decodeLeaderboard(changed, cursor.board, 16))).toBe(true);
      }),
      { seed: 13, numRuns: 400 },
    );
  });

  it('never crash on arbitrary input: they decode or throw INVALID_CURSOR', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (raw) => {
        expect(refused(() => cursors.decodeLeaderboard(raw, 'global', 1))).toBe(true);
      }),
      { seed: 13 },
    );
  });

  it('refuse a key shorter than 16 bytes at factory time', () => {
    expect(() => resolveCursorKey('short', [])).toThrow(ScoresError);
  });

  it('warn when signed with the derived key, and only then', () => {
    const saved = process.env[CURSOR_KEY_ENV];
    delete process.env[CURSOR_KEY_ENV];
    try {
      const warnings: string[] = [];
      const derived = resolveCursorKey(undefined, ['scores-table'], (message) => warnings.push(message));
      resolveCursorKey('a configured key of 32 bytes, ok', ['scores-table'], (message) =>
        warnings.push(message),
      );

      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(CURSOR_KEY_ENV);
      expect(Buffer.from(derived).equals(Buffer.from(resolveCursorKey(undefined, ['scores-table'])))).toBe(
        true,
      );
    } finally {
      if (saved !== undefined) process.env[CURSOR_KEY_ENV] = saved;
    }
  });
});

describe('history cursors', () => {
  it('decode to what was encoded, for the same board only', () => {
    const raw = cursors.encodeHistory({ board: 'global', score: 1200 });

    expect(cursors.decodeHistory(raw, 'global')).toEqual({ board: 'global', score: 1200 });
    expect(() => cursors.decodeHistory(raw, 'other')).toThrow(ScoresError);
    expect(refused(() => cursors.decodeHistory(edited(raw, { h: 0 }), 'global'))).toBe(true);
  });
});
