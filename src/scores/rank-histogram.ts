import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { numberValue, readInteger, stringValue } from './attribute-values.js';
import { type HistogramBucket, readHistogramPartition } from './histogram-partition.js';
import type { ResolvedScoreTables } from './table.js';
import { DISTRIBUTION_ATTRIBUTES } from './table.js';
import type { BoardOrder } from './types.js';

/**
 * The rank histogram of a board: how many players currently hold each score, kept at several resolutions in the
 * distribution table so that "how many players are strictly better than `s`" reads a few dozen small items:
 *
 * - level 0 counts players per exact score, level 1 per `floor(score / 32)`, level ℓ per `floor(score / 32^ℓ)`,
 *   up to level 10 (scores are safe integers, so level 10 has at most 17 buckets);
 * - the buckets of level ℓ < 10 are grouped 32 to a partition key, `<board>~r<ℓ>~<floor(bucket / 32)>` (the
 *   bucket is the sort key); level 10 is the single partition `<board>~r10`.
 *
 * Players strictly better than `s` = at every level, the buckets in `s`'s own group that are better than `s`'s
 * bucket: one Query per level over at most 31 items (≤ 4 KB, 0.5 RCU eventually consistent), so a rank costs
 * 11 Queries ≈ 5.5–6 RCU whatever the number of players. Board names cannot contain `~`, so these keys never
 * collide with a board's own distribution items.
 */
export const RANK_LEVELS = 11;
const FANOUT = 32;
const TOP_LEVEL = RANK_LEVELS - 1;
const ALL_LEVELS: readonly number[] = Object.freeze(Array.from({ length: RANK_LEVELS }, (_, level) => level));

/** One histogram item: its partition key, its bucket (sort key), and the level it belongs to. */
export interface RankItemKey {
  partition: string;
  bucket: number;
  level: number;
}

/**
 * The bucket of `score` at `level` (exact: division by a power of two).
 *
 * @example
 * ```ts
 * rankBucket(1000, 1); // 31
 * ```
 */
export function rankBucket(score: number, level: number): number {
  return Math.floor(score / FANOUT ** level);
}

/**
 * The histogram item that counts `score` at `level`.
 *
 * @example
 * ```ts
 * rankItemKey('global', 1000, 0); // { partition: 'global~r0~31', bucket: 1000, level: 0 }
 * ```
 */
export function rankItemKey(board: string, score: number, level: number): RankItemKey {
  const bucket = rankBucket(score, level);
  return { partition: rankGroupPartition(board, level, Math.floor(bucket / FANOUT)), bucket, level };
}

/**
 * The partition key of group `group` (= the bucket one level up) at `level`; the top level has a single partition.
 *
 * @example
 * ```ts
 * rankGroupPartition('global', 0, 31); // 'global~r0~31'
 * ```
 */
export function rankGroupPartition(board: string, level: number, group: number): string {
  return level === TOP_LEVEL ? `${board}~r${level}` : `${board}~r${level}~${group}`;
}

/**
 * What moving one player from `from` to `to` does to the histogram: −1 on every bucket of `from`, +1 on every
 * bucket of `to`, netted (levels where both fall in the same bucket are untouched). `from` absent = a new player,
 * `to` absent = a removed one.
 *
 * @example
 * ```ts
 * rankDeltas('global', 90, 95); // [{ key: { partition: 'global~r0~2', bucket: 90, level: 0 }, delta: -1 }, ...]
 * ```
 */
export function rankDeltas(
  board: string,
  from: number | undefined,
  to: number | undefined,
): Array<{ key: RankItemKey; delta: number }> {
  const deltas: Array<{ key: RankItemKey; delta: number }> = [];
  if (from === to) return deltas;
  for (let level = 0; level < RANK_LEVELS; level++) {
    const fromBucket = from === undefined ? undefined : rankBucket(from, level);
    const toBucket = to === undefined ? undefined : rankBucket(to, level);
    if (fromBucket === toBucket) continue;
    if (from !== undefined) deltas.push({ key: rankItemKey(board, from, level), delta: -1 });
    if (to !== undefined) deltas.push({ key: rankItemKey(board, to, level), delta: 1 });
  }
  return deltas;
}

/** Counts read from the histogram for one score. */
export interface RankCounts {
  /** Players with a strictly better score. */
  better: number;
  /** Players with exactly this score. */
  tied: number;
}

/**
 * Reads ranks from a board's histogram: one Query per level read, in parallel (≤ 31 small items each).
 *
 * @example
 * ```ts
 * const reader = new RankHistogramReader(dynamodb, tables);
 * const { better } = await reader.countsAt('global', 'desc', 1200);
 * const rank = 1 + better;
 * ```
 */
export class RankHistogramReader {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tables: ResolvedScoreTables,
  ) {}

  /**
   * Players strictly better than `score`, and players at exactly `score`, from the given levels (default all; a
   * level where every player shares one bucket counts no one as better, see `rankLevelsToRead`). Level 0 must be
   * among them: it holds the ties.
   */
  async countsAt(
    board: string,
    order: BoardOrder,
    score: number,
    levels: readonly number[] = ALL_LEVELS,
  ): Promise<RankCounts> {
    const read = await Promise.all(levels.map((level) => this.siblings(board, order, score, level)));
    let better = 0;
    let tied = 0;
    for (const [index, items] of read.entries()) {
      const level = levels[index]!;
      const own = rankBucket(score, level);
      for (const item of items) {
        if (item.bucket === own) {
          if (level === 0) tied = item.count;
        } else better += item.count;
      }
    }
    return { better: Math.max(0, better), tied: Math.max(0, tied) };
  }

  /** Players at exactly `score` (one GetItem on its level-0 item). */
  async tiedAt(board: string, score: number): Promise<number> {
    const key = rankItemKey(board, score, 0);
    const { attributes } = this.tables;
    const output = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tables.distributionTable,
        Key: { [attributes.board]: stringValue(key.partition), [attributes.score]: numberValue(key.bucket) },
        ProjectionExpression: '#c',
        ExpressionAttributeNames: { '#c': DISTRIBUTION_ATTRIBUTES.count },
      }),
    );
    return Math.max(0, readInteger(output.Item, DISTRIBUTION_ATTRIBUTES.count) ?? 0);
  }

  /** The buckets of `score`'s group at `level` that are as good as or better than its own. */
  private async siblings(
    board: string,
    order: BoardOrder,
    score: number,
    level: number,
  ): Promise<HistogramBucket[]> {
    const key = rankItemKey(board, score, level);
    return readHistogramPartition(this.dynamodb, this.tables, key.partition, {
      from: { bucket: key.bucket, order },
    });
  }
}

/**
 * The histogram items of a board whose players hold `scores`, with their counts: what the stream handler would
 * have built from the players' first plays. For backfilling a board that existed before its histogram (write the
 * items, e.g. with `BatchWriteItem`, while the stream handler is stopped, then start it at `LATEST`).
 *
 * @example
 * ```ts
 * import { rankHistogramItems } from 'serverless-game-kit/scores/lambda';
 *
 * for (const item of rankHistogramItems('global', scores)) await put(item.partition, item.bucket, item.count);
 * ```
 */
export function rankHistogramItems(
  board: string,
  scores: Iterable<number>,
): Array<RankItemKey & { count: number }> {
  const items = new Map<string, RankItemKey & { count: number }>();
  for (const score of scores)
    for (let level = 0; level < RANK_LEVELS; level++) {
      const key = rankItemKey(board, score, level);
      const id = `${key.partition}\u0000${key.bucket}`;
      const item = items.get(id);
      if (item) item.count += 1;
      else items.set(id, { ...key, count: 1 });
    }
  return [...items.values()];
}
