import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOARD_NAME_PATTERN } from './board-name.js';
import {
  boardOfPartitionKey,
  boardShardKeys,
  playerPartitionKey,
  shardKey,
  shardOf,
} from './partition-keys.js';

describe('partition keys', () => {
  it('keeps a one-shard board under its own name', () => {
    expect([shardKey('global', 0, 1), playerPartitionKey('global', 'p1', 1), boardShardKeys('g', 1)]).toEqual(
      ['global', 'global', ['g']],
    );
  });

  it('maps every player to one shard in range, stably, and spreads players evenly', () => {
    const counts = new Array<number>(16).fill(0);
    for (let index = 0; index < 16_000; index++) counts[shardOf(`ap-northeast-2:player-${index}`, 16)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
    expect(shardOf('ap-northeast-2:player-1', 16)).toBe(shardOf('ap-northeast-2:player-1', 16));
  });

  it('gives back the board of any shard key, for any valid board name', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(BOARD_NAME_PATTERN),
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 256 }),
        (board, playerId, shards) => {
          const key = playerPartitionKey(board, playerId, shards);
          expect(boardOfPartitionKey(key)).toBe(board);
          expect(boardShardKeys(board, shards)).toContain(key);
        },
      ),
      { seed: 13, numRuns: 300 },
    );
  });
});
