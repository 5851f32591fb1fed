import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { numberValue, readInteger, readString, stringValue, type WireItem } from './attribute-values.js';
import { isBetterScore } from './board-settings.js';
import { shardKey } from './partition-keys.js';
import type { ScoreRow } from './ranking.js';
import { type ResolvedScoreTables, SCORE_ITEM_ATTRIBUTES } from './table.js';
import type { BoardOrder } from './types.js';

/** A row of the score index and the shard it was read from. */
export interface ShardRow extends ScoreRow {
  shard: number;
}

/** Where a read of one shard starts, relative to a row `(score, shard, playerId)` of the merge order. */
export interface MergePoint {
  score: number;
  shard: number;
  playerId: string;
}

/** What one shard answered: its rows in index order and whether it stopped early. */
interface ShardPage {
  rows: ShardRow[];
  truncated: boolean;
}

/**
 * Reads a sharded board's score index as one list, merged across shards in leaderboard order: better score
 * first, ties by shard number, then by the index's own order inside a shard. That order is total and stable, so
 * pages and neighbourhoods never skip or repeat a row, and one row of it locates every shard's position.
 */
export class ScoreIndexReader {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tables: ResolvedScoreTables,
  ) {}

  /**
   * The first `limit` rows after `after` (or from the top), and whether more follow. One Query per shard with a
   * `Limit` of `limit + 1`: a top 10 costs about 0.5 RCU per shard.
   */
  async page(
    board: string,
    order: BoardOrder,
    shards: number,
    limit: number,
    after?: MergePoint,
  ): Promise<{ rows: ShardRow[]; more: boolean }> {
    const pages = await Promise.all(
      Array.from({ length: shards }, (_, shard) =>
        this.readShard(board, shards, shard, order, 'worse', limit + 1, after),
      ),
    );
    const merged = mergeRows(pages, order, 'forward');
    const rows = merged.slice(0, limit);
    const more = merged.length > limit || (rows.length > 0 && pages.some((page) => page.truncated));
    return { rows, more };
  }

  /** Up to `radius` rows ranked just above (`direction` `'better'`) or below `point`, nearest first. */
  async neighbours(
    board: string,
    order: BoardOrder,
    shards: number,
    point: MergePoint,
    direction: 'better' | 'worse',
    radius: number,
  ): Promise<ShardRow[]> {
    const pages = await Promise.all(
      Array.from({ length: shards }, (_, shard) =>
        this.readShard(board, shards, shard, order, direction, radius, point),
      ),
    );
    return mergeRows(pages, order, direction === 'worse' ? 'forward' : 'backward').slice(0, radius);
  }

  /** Counts the index entries of every shard whose score is `operator` `score` (O(entries counted) capacity). */
  async count(board: string, shards: number, operator: '>' | '<' | '=', score: number): Promise<number> {
    const totals = await Promise.all(
      Array.from({ length: shards }, async (_, shard) => {
        let total = 0;
        let startKey: Record<string, AttributeValue> | undefined;
        do {
          const output = await this.dynamodb.send(
            new QueryCommand({
              ...this.shardQuery(board, shards, shard, `#s ${operator} :s`, score),
              Select: 'COUNT',
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          );
          total += output.Count ?? 0;
          startKey = output.LastEvaluatedKey;
        } while (startKey);
        return total;
      }),
    );
    return totals.reduce((sum, value) => sum + value, 0);
  }

  /**
   * Reads one shard from `point` towards `direction`: the shard of the point resumes right after it (an
   * `ExclusiveStartKey`), shards before it skip the point's score on the way down and include it on the way up,
   * shards after it the other way round — exactly the rows on that side of the point in merge order.
   */
  private async readShard(
    board: string,
    shards: number,
    shard: number,
    order: BoardOrder,
    direction: 'better' | 'worse',
    limit: number,
    point: MergePoint | undefined,
  ): Promise<ShardPage> {
    // Index order is ascending score: "worse" is descending on a `desc` board.
    const forward = (direction === 'worse') === (order === 'asc');
    let input: QueryCommandInput;
    if (!point) input = this.shardQuery(board, shards, shard);
    else if (shard === point.shard) {
      input = {
        ...this.shardQuery(board, shards, shard),
        ExclusiveStartKey: this.indexKey(shardKey(board, shard, shards), point.playerId, point.score),
      };
    } else {
      const includeTies = shard < point.shard === (direction === 'better');
      const operator = forward ? (includeTies ? '>=' : '>') : includeTies ? '<=' : '<';
      input = this.shardQuery(board, shards, shard, `#s ${operator} :s`, point.score);
    }
    const output = await this.dynamodb.send(
      new QueryCommand({ ...input, Limit: limit, ScanIndexForward: forward }),
    );
    const rows = (output.Items ?? [])
      .map((item) => toScoreRow(item, this.tables))
      .filter((row): row is ScoreRow => row !== undefined)
      .map((row) => ({ ...row, shard }));
    return { rows, truncated: output.LastEvaluatedKey !== undefined };
  }

  private shardQuery(
    board: string,
    shards: number,
    shard: number,
    scoreCondition?: string,
    score?: number,
  ): QueryCommandInput {
    return {
      TableName: this.tables.scoresTable,
      IndexName: this.tables.scoreIndex,
      KeyConditionExpression: scoreCondition ? `#b = :b AND ${scoreCondition}` : '#b = :b',
      ExpressionAttributeNames: {
        '#b': this.tables.attributes.board,
        ...(scoreCondition ? { '#s': this.tables.attributes.score } : {}),
      },
      ExpressionAttributeValues: {
        ':b': stringValue(shardKey(board, shard, shards)),
        ...(scoreCondition && score !== undefined ? { ':s': numberValue(score) } : {}),
      },
    };
  }

  private indexKey(partition: string, playerId: string, score: number): Record<string, AttributeValue> {
    const { attributes } = this.tables;
    return {
      [attributes.board]: stringValue(partition),
      [attributes.player]: stringValue(playerId),
      [attributes.score]: numberValue(score),
    };
  }
}

/**
 * Merges shard pages (each in its own read order) into merge order (`forward`: best first) or its reverse
 * (`backward`: nearest-first above a point). A stable sort keeps each shard's own order among equal keys.
 */
function mergeRows(pages: ShardPage[], order: BoardOrder, way: 'forward' | 'backward'): ShardRow[] {
  const sign = way === 'forward' ? 1 : -1;
  return pages
    .flatMap((page) => page.rows)
    .sort((a, b) => {
      if (a.score !== b.score) return sign * (isBetterScore(order, a.score, b.score) ? -1 : 1);
      return sign * (a.shard - b.shard);
    });
}

/**
 * A player's row from an index entry or item, or `undefined` when it lacks a player id or an integer score.
 *
 * @example
 * ```ts
 * const row = toScoreRow(output.Item, tables);
 * ```
 */
export function toScoreRow(item: WireItem, tables: ResolvedScoreTables): ScoreRow | undefined {
  const playerId = readString(item, tables.attributes.player);
  const score = readInteger(item, tables.attributes.score);
  if (playerId === undefined || score === undefined) return undefined;
  const name = readString(item, SCORE_ITEM_ATTRIBUTES.name);
  const scoredAt = readString(item, SCORE_ITEM_ATTRIBUTES.scoredAt);
  return {
    playerId,
    score,
    ...(name === undefined ? {} : { name }),
    ...(scoredAt === undefined ? {} : { scoredAt }),
  };
}
