/**
 * How a board's items are spread over partition keys. A board of N write shards keeps player `p` under the
 * partition key `<board>/<shardOf(p, N)>` (plain `<board>` when N is 1, so a small game's keys are the board
 * names themselves); board names cannot contain `/` or `~`, so these keys never collide with a board name or with
 * each other. The rank histogram of a board lives under `<board>~r<level>…` keys (see `rank-histogram.ts`).
 */

/** Largest number of write shards a board may have (a top-N read queries every shard). */
export const MAX_BOARD_SHARDS = 256;

const SHARD_SEPARATOR = '/';

/**
 * The write shard of a player on a board of `shards` shards: FNV-1a (32 bit) of the player id, modulo `shards`.
 * Stable across processes and versions (the key of every stored item depends on it).
 *
 * @example
 * ```ts
 * shardOf('ap-northeast-2:1234', 16); // 0..15
 * ```
 */
export function shardOf(playerId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < playerId.length; index++) {
    hash ^= playerId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * The partition key of shard `shard` of `board`: the board name itself on a one-shard board.
 *
 * @example
 * ```ts
 * shardKey('global', 3, 16); // 'global/3'
 * shardKey('global', 0, 1); // 'global'
 * ```
 */
export function shardKey(board: string, shard: number, shards: number): string {
  return shards <= 1 ? board : `${board}${SHARD_SEPARATOR}${shard}`;
}

/**
 * The partition key of a player's item (and of its score index entry and distribution counts).
 *
 * @example
 * ```ts
 * playerPartitionKey('global', 'ap-northeast-2:1234', 16); // 'global/<0..15>'
 * ```
 */
export function playerPartitionKey(board: string, playerId: string, shards: number): string {
  return shardKey(board, shardOf(playerId, shards), shards);
}

/**
 * Every partition key of a board, shard 0 first.
 *
 * @example
 * ```ts
 * boardShardKeys('global', 2); // ['global/0', 'global/1']
 * ```
 */
export function boardShardKeys(board: string, shards: number): string[] {
  return Array.from({ length: Math.max(1, shards) }, (_, shard) => shardKey(board, shard, shards));
}

/**
 * The board of a stored partition key (`'global/3'` → `'global'`).
 *
 * @example
 * ```ts
 * boardOfPartitionKey('daily#2026-11-21/7'); // 'daily#2026-11-21'
 * ```
 */
export function boardOfPartitionKey(key: string): string {
  const separator = key.lastIndexOf(SHARD_SEPARATOR);
  return separator === -1 ? key : key.slice(0, separator);
}
