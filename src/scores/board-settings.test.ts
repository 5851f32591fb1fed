import { describe, expect, it } from 'vitest';
import { createBoardResolver, isBetterScore } from './board-settings.js';
import { ScoresError } from './errors.js';

describe('createBoardResolver', () => {
  const boards = createBoardResolver({
    global: {},
    'daily#*': { mode: 'latest' },
    'daily#vip#*': { order: 'asc' },
    'daily#fixed': { mode: 'best' },
  });

  it('prefers an exact key, then the longest prefix', () => {
    expect([
      boards.settingsOf('daily#fixed'),
      boards.settingsOf('daily#vip#1'),
      boards.settingsOf('daily#2026-11-21'),
    ]).toEqual([
      { mode: 'best', order: 'desc', shards: 1 },
      { mode: 'best', order: 'asc', shards: 1 },
      { mode: 'latest', order: 'desc', shards: 1 },
    ]);
  });

  it('knows no board outside the catalog, and no malformed name', () => {
    expect([boards.settingsOf('season-1'), boards.settingsOf('~checkpoint#x')]).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('refuses an unknown setting at factory time', () => {
    expect(() => createBoardResolver({ global: { mode: 'highest' as never } })).toThrow(ScoresError);
  });

  it('takes 1 to 256 write shards and refuses anything else', () => {
    expect(createBoardResolver({ global: { shards: 16 } }).settingsOf('global')?.shards).toBe(16);
    for (const shards of [0, 257, 1.5, Number.NaN])
      expect(() => createBoardResolver({ global: { shards } })).toThrow(ScoresError);
  });
});

describe('isBetterScore', () => {
  it('compares by the board order and treats ties as not better', () => {
    expect([isBetterScore('desc', 2, 1), isBetterScore('asc', 2, 1), isBetterScore('desc', 1, 1)]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
