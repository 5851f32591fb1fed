import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { numberValue, readInteger, stringValue } from './attribute-values.js';
import { readHistogramPartition } from './histogram-partition.js';
import { RANK_LEVELS, rankBucket, rankGroupPartition } from './rank-histogram.js';
import { DISTRIBUTION_ATTRIBUTES, type ResolvedScoreTables } from './table.js';

/**
 * The rank span of a board: the lowest and highest score any player has ever held on it, one small item of the
 * distribution table (`<board>~rspan`, sort key 0). It only widens.
 *
 * A level of the rank histogram where the whole span falls in one bucket holds every player in that bucket, so it
 * can never count anyone as better: a rank reads only the levels the span crosses. Scores from 0 to 1,000,000
 * cross levels 0–3, so a rank is 4 Queries instead of 11; 0 to 10⁹ cross 6. The stream handler widens the span
 * *before* it writes the histogram items of the same batch, so a reader never skips a level that already counts
 * someone.
 */
export interface RankSpan {
  low: number;
  high: number;
}

/**
 * The span item's partition key (board names cannot contain `~`, so it never collides with a board's items).
 *
 * @example
 * ```ts
 * rankSpanPartition('global'); // 'global~rspan'
 * ```
 */
export function rankSpanPartition(board: string): string {
  return `${board}~rspan`;
}

/**
 * The histogram levels a rank must read for a board whose scores lie within `span`: level 0 always (it holds the
 * ties), and every level where the span's ends fall in different buckets. Without a span, all levels.
 *
 * @example
 * ```ts
 * rankLevelsToRead({ low: 0, high: 1_000_000 }); // [0, 1, 2, 3]
 * ```
 */
export function rankLevelsToRead(span: RankSpan | undefined): number[] {
  const levels: number[] = [];
  for (let level = 0; level < RANK_LEVELS; level++) {
    if (!span || level === 0 || rankBucket(span.low, level) !== rankBucket(span.high, level))
      levels.push(level);
  }
  return levels;
}

/**
 * The span of `scores`, or `undefined` when there are none — e.g. to backfill a board's span item together with
 * {@link rankHistogramItems}.
 *
 * @example
 * ```ts
 * import { spanOfScores } from 'serverless-game-kit/scores/lambda';
 *
 * spanOfScores([40, 7, 1200]); // { low: 7, high: 1200 }
 * ```
 */
export function spanOfScores(scores: Iterable<number>): RankSpan | undefined {
  let span: RankSpan | undefined;
  for (const score of scores) span = widenSpan(span, { low: score, high: score });
  return span;
}

/**
 * `span` widened to include `score` (a reader adds the player's own score, so a span read a moment before the
 * player's first play never hides the levels that player's score crosses). An unknown span stays unknown: a
 * board without a span item is read at every level.
 *
 * @example
 * ```ts
 * spanWith({ low: 0, high: 100 }, 250); // { low: 0, high: 250 }
 * ```
 */
export function spanWith(span: RankSpan | undefined, score: number): RankSpan | undefined {
  return span && widenSpan(span, { low: score, high: score });
}

function widenSpan(span: RankSpan | undefined, by: RankSpan): RankSpan {
  return span ? { low: Math.min(span.low, by.low), high: Math.max(span.high, by.high) } : by;
}

function contains(outer: RankSpan | undefined, inner: RankSpan): boolean {
  return outer !== undefined && outer.low <= inner.low && outer.high >= inner.high;
}

/**
 * Attempts to widen one span. Each refused attempt learned a wider span from a concurrent writer, and each round
 * at least one writer succeeds, so this bounds how many writers (stream shards of one board) may race at once.
 */
const MAX_WIDEN_ATTEMPTS = 12;

/**
 * Reads and widens the rank spans of boards. Widening remembers what it wrote, so a warm handler writes a board's
 * span only when a batch goes beyond it: usually never after the first batch.
 *
 * @example
 * ```ts
 * const spans = new RankSpanStore(dynamodb, tables);
 * await spans.widen('global', { low: 0, high: 1200 }); // before writing the batch's histogram items
 * const levels = rankLevelsToRead(await spans.read('global'));
 * ```
 */
export class RankSpanStore {
  /** Span updates sent (each 1 WCU, refused or not). */
  readonly tally = { wcu: 0 };
  private readonly known = new Map<string, RankSpan>();

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tables: ResolvedScoreTables,
  ) {}

  /** The board's span (one eventually consistent GetItem, 0.5 RCU), or `undefined` when it has none yet. */
  async read(board: string): Promise<RankSpan | undefined> {
    const output = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tables.distributionTable,
        Key: this.key(board),
        ProjectionExpression: '#l, #h',
        ExpressionAttributeNames: {
          '#l': DISTRIBUTION_ATTRIBUTES.spanLow,
          '#h': DISTRIBUTION_ATTRIBUTES.spanHigh,
        },
      }),
    );
    return spanOf(output.Item);
  }

  /**
   * Makes the board's span cover `scores`: one conditional `UpdateItem` (1 WCU) that only ever widens — refused when
   * the stored span is not inside the new one, in which case the stored span (returned with the refusal) is merged
   * in and the update retried. Nothing is written when this instance already wrote a span covering `scores`.
   *
   * A board without a span item (a board ranked before spans existed, or backfilled with
   * {@link rankHistogramItems}) first gets its span from the histogram itself: the best and worst occupied buckets,
   * level by level down to exact scores (about 22 consistent Queries, once per board).
   */
  async widen(board: string, scores: RankSpan): Promise<void> {
    const known = this.known.get(board);
    if (contains(known, scores)) return;
    let wanted = widenSpan(known, scores);
    let mayCreate = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dynamodb.send(this.widenCommand(board, wanted, mayCreate));
        this.tally.wcu += 1;
        this.known.set(board, wanted);
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // A refused conditional write is billed as a write.
        this.tally.wcu += 1;
        if (attempt >= MAX_WIDEN_ATTEMPTS) throw error;
        const stored = spanOf(error.Item);
        if (contains(stored, wanted)) {
          this.known.set(board, stored!);
          return;
        }
        if (stored) wanted = widenSpan(stored, wanted);
        else if (!mayCreate) {
          const occupied = await this.spanOfHistogram(board);
          if (occupied) wanted = widenSpan(occupied, wanted);
          mayCreate = true;
        }
      }
    }
  }

  /** The lowest and highest scores the histogram counts anyone at (consistent reads), or none. */
  private async spanOfHistogram(board: string): Promise<RankSpan | undefined> {
    const [low, high] = await Promise.all([
      this.extremeScore(board, 'low'),
      this.extremeScore(board, 'high'),
    ]);
    return low === undefined || high === undefined ? undefined : { low, high };
  }

  /** Walks down from the top level, always into the lowest (or highest) occupied bucket's group. */
  private async extremeScore(board: string, end: 'low' | 'high'): Promise<number | undefined> {
    let group: number | undefined;
    for (let level = RANK_LEVELS - 1; level >= 0; level--) {
      const partition = rankGroupPartition(board, level, group ?? 0);
      const buckets = await this.occupiedBuckets(partition);
      if (buckets.length === 0) return undefined;
      group = end === 'low' ? Math.min(...buckets) : Math.max(...buckets);
    }
    return group;
  }

  /** The buckets of one histogram partition (at most 32, one page) that count at least one player. */
  private async occupiedBuckets(partition: string): Promise<number[]> {
    const buckets = await readHistogramPartition(this.dynamodb, this.tables, partition, { consistent: true });
    return buckets.filter(({ count }) => count > 0).map(({ bucket }) => bucket);
  }

  private widenCommand(board: string, span: RankSpan, mayCreate: boolean): UpdateItemCommand {
    return new UpdateItemCommand({
      TableName: this.tables.distributionTable,
      Key: this.key(board),
      UpdateExpression: 'SET #l = :l, #h = :h',
      // Written only when the stored span lies inside the new one: a concurrent writer's wider span is never lost.
      // Creating the span is allowed only once it covers what the histogram already counts.
      ConditionExpression: `${mayCreate ? 'attribute_not_exists(#l) OR ' : ''}(#l >= :l AND #h <= :h)`,
      ExpressionAttributeNames: {
        '#l': DISTRIBUTION_ATTRIBUTES.spanLow,
        '#h': DISTRIBUTION_ATTRIBUTES.spanHigh,
      },
      ExpressionAttributeValues: { ':l': numberValue(span.low), ':h': numberValue(span.high) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  }

  private key(board: string) {
    const { attributes } = this.tables;
    return { [attributes.board]: stringValue(rankSpanPartition(board)), [attributes.score]: numberValue(0) };
  }
}

function spanOf(item: Parameters<typeof readInteger>[0]): RankSpan | undefined {
  const low = readInteger(item, DISTRIBUTION_ATTRIBUTES.spanLow);
  const high = readInteger(item, DISTRIBUTION_ATTRIBUTES.spanHigh);
  return low === undefined || high === undefined || low > high ? undefined : { low, high };
}
