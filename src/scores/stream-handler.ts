import type { DynamoDBBatchItemFailure, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Logger } from '../core/logger.js';
import { AggregateWriter, type ItemEntry, type ItemWork, laneId } from './aggregate-writer.js';
import { ScoresError } from './errors.js';
import {
  type DynamoDbClientOption,
  resolveDynamoDbClient,
  resolveScoresLogger,
  type ScoresLogger,
} from './handler-support.js';
import { rankDeltas } from './rank-histogram.js';
import { type RankSpan, RankSpanStore, spanWith } from './rank-span.js';
import { padSequenceNumber } from './sequence-number.js';
import { type ChangeRecord, classifyStreamRecord } from './stream-records.js';
import { resolveScoreTables, type ScoreTablesConfig } from './table.js';

/**
 * A DynamoDB Streams event as Lambda delivers it. With a tumbling window on the event source mapping
 * (`TumblingWindowInSeconds` ≥ 1) Lambda also sends `shardId`, `eventSourceARN`, `window` and `state`.
 */
export interface ScoreStreamEvent extends DynamoDBStreamEvent {
  shardId?: string;
  eventSourceARN?: string;
  window?: { start: string; end: string };
  state?: Record<string, string>;
  isFinalInvokeForWindow?: boolean;
  isWindowTerminatedEarly?: boolean;
}

/** The handler's answer: records to retry; `state` is echoed (empty) when the event came from a tumbling window. */
export interface ScoreStreamResult extends DynamoDBBatchResponse {
  state?: Record<string, string>;
}

/** What one invocation did, for metrics and tests. */
export interface ScoreStreamSummary {
  records: number;
  plays: number;
  /** Plays newly counted. */
  applied: number;
  /** Plays skipped because an earlier delivery had already counted them. */
  duplicates: number;
  /** Records that moved a player's ranked score (counted in the rank histogram). */
  rankMoves: number;
  ignored: number;
  invalid: number;
  /** Records returned in `batchItemFailures`. */
  failed: number;
  /** `UpdateItem` calls that succeeded. */
  writes: number;
  /** Distinct aggregate items the batch touched (distribution counts and rank histogram buckets). */
  itemsWritten: number;
  /** Write capacity by DynamoDB's pricing rules: 1 WCU per write of an item ≤ 1 KB, refused conditional writes included. */
  wcu: number;
  /** High-water marks of closed lanes removed. */
  marksPruned: number;
  /** What the high-water marks were kept per: the event's stream shard, the batch start, or nothing (at-least-once). */
  checkpoint: 'shard' | 'batch' | 'none';
}

/** Options of {@link createScoreStreamHandler}. */
export interface ScoreStreamHandlerOptions extends DynamoDbClientOption {
  tables?: ScoreTablesConfig;
  /**
   * `'exactly-once'` (default): every aggregate item carries per-lane high-water marks and each batch's
   * contribution to it is one conditional `UpdateItem`, so redelivered records are never counted twice.
   * `'at-least-once'`: the same writes without marks or conditions; a redelivered batch is counted again.
   */
  delivery?: 'exactly-once' | 'at-least-once';
  /**
   * What a lane (the unit of high-water marks) is. `'auto'` (default): the event's stream shard when the event
   * names it (Lambda sends `shardId` when the event source mapping has a tumbling window), which is correct under
   * every redelivery pattern — whole batches, retries from a reported failure, `BisectBatchOnFunctionError`
   * halves — as long as `ParallelizationFactor` is 1; otherwise the batch's first record, which is correct for
   * whole-batch retries and retries from a reported failure but NOT for bisected halves (leave bisection off).
   * `'shard'`: require the shard; an event without one is refused whole (every record reported for retry, an
   * error logged). `'item'` is a deprecated alias of `'shard'`.
   */
  checkpoint?: 'auto' | 'shard' | 'item';
  /**
   * Maintain each board's rank histogram (`around`'s O(1) exact rank); default true. `false` keeps only the play
   * distribution (saves the histogram's writes for games that never ask for a rank).
   */
  rankHistogram?: boolean;
  /** Aggregate items written at once; default 16. */
  concurrency?: number;
  /** Stop starting writes when less than this much of the invocation's time is left and report the rest for retry; default 3000 ms. */
  deadlineMarginMs?: number;
  /** Report invalid records as batch item failures (default true) so they reach the mapping's on-failure destination; `false` logs and skips them. */
  reportInvalidRecords?: boolean;
  /** Called once per invocation with what it did. */
  onSummary?: (summary: ScoreStreamSummary) => void;
  /** Clock in epoch milliseconds; default `Date.now`. */
  now?: () => number;
  /** Where failures are logged (`console`, a Powertools `Logger`, …); default `console`, warnings and errors. */
  logger?: Logger | ScoresLogger;
}

/**
 * Builds the stream handler that turns changes of the scores table into the two aggregates of the distribution
 * table: the play distribution (`GET /scorehistory`: how many plays ended with each score) and the rank histogram
 * (`around`'s exact rank: how many players hold each score, at several resolutions). For each batch it sums the
 * records per aggregate item in memory and writes each distinct item once — never once per record — and answers
 * `batchItemFailures` for the records it could not apply (invalid records; the records of items whose write kept
 * failing or was not reached before the deadline), so one bad record never fails the whole batch.
 *
 * Exactly once, at 1 WCU per distinct item per batch: each item holds, per lane (stream shard), the last sequence
 * number applied to it; the batch's update to the item is conditioned on that mark being below the batch's lowest
 * record for the item, and a refused update returns the old item, from which the handler drops the records already
 * applied and retries with the rest. Marks of lanes idle for 25 h are pruned as items are written.
 *
 * @throws {ScoresError} `INVALID_OPTIONS` at factory time.
 * @example
 * ```ts
 * import { createScoreStreamHandler } from 'serverless-game-kit/scores/lambda';
 *
 * export const handler = createScoreStreamHandler({ checkpoint: 'shard' });
 * ```
 */
export function createScoreStreamHandler(
  options: ScoreStreamHandlerOptions = {},
): (event: ScoreStreamEvent, context?: unknown) => Promise<ScoreStreamResult> {
  const tables = resolveScoreTables(options.tables);
  const delivery = options.delivery ?? 'exactly-once';
  if (delivery !== 'exactly-once' && delivery !== 'at-least-once') {
    throw new ScoresError('INVALID_OPTIONS', "delivery must be 'exactly-once' or 'at-least-once'.");
  }
  const checkpoint = options.checkpoint ?? 'auto';
  if (checkpoint !== 'auto' && checkpoint !== 'shard' && checkpoint !== 'item') {
    throw new ScoresError('INVALID_OPTIONS', "checkpoint must be 'auto' or 'shard'.");
  }
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new ScoresError('INVALID_OPTIONS', 'concurrency must be an integer from 1 to 64.');
  }
  const deadlineMarginMs = options.deadlineMarginMs ?? 3000;
  if (!Number.isInteger(deadlineMarginMs) || deadlineMarginMs < 0) {
    throw new ScoresError('INVALID_OPTIONS', 'deadlineMarginMs must be a non-negative integer.');
  }
  const dynamodb = resolveDynamoDbClient(options);
  const now = options.now ?? Date.now;
  const log = resolveScoresLogger(options.logger);
  const reportInvalid = options.reportInvalidRecords ?? true;
  const withRanks = options.rankHistogram ?? true;
  const spans = new RankSpanStore(dynamodb, tables);

  return async (event, context) => {
    const records = Array.isArray(event?.Records) ? event.Records : [];
    const summary = emptySummary(records.length);
    const failures = new Set<string>();
    const changes: ChangeRecord[] = [];
    const invalidSequences: string[] = [];
    for (const record of records) {
      const classified = classifyStreamRecord(record, tables);
      if (classified.kind === 'change') changes.push(classified);
      else if (classified.kind === 'ignored') summary.ignored += 1;
      else {
        summary.invalid += 1;
        log.warn(
          `scores stream: invalid record ${classified.sequenceNumber || '(no sequence number)'}: ${classified.reason}`,
          { sequenceNumber: classified.sequenceNumber, reason: classified.reason },
        );
        if (reportInvalid) failures.add(classified.sequenceNumber);
        const padded = padSequenceNumber(classified.sequenceNumber);
        if (padded !== undefined) invalidSequences.push(padded);
      }
    }
    changes.sort((a, b) =>
      a.paddedSequence < b.paddedSequence ? -1 : a.paddedSequence > b.paddedSequence ? 1 : 0,
    );
    summary.plays = changes.filter((change) => change.play).length;
    summary.rankMoves = changes.filter((change) => change.rank).length;

    const lanes =
      delivery === 'at-least-once'
        ? { kind: 'none' as const, of: () => [] }
        : laneResolver(event, checkpoint, reportInvalid ? invalidSequences : []);
    summary.checkpoint = lanes.kind === 'refused' ? 'shard' : lanes.kind;
    if (lanes.kind === 'refused') {
      log.error(
        'scores stream: the event names no shard (checkpoint "shard" needs a tumbling window); retrying it whole',
      );
      for (const record of records) failures.add(record.dynamodb?.SequenceNumber ?? '');
      return finish(summary, failures, event, options.onSummary);
    }
    const wcuBefore = spans.tally.wcu;
    const spanFailures = withRanks ? await widenRankSpans(spans, changes, log) : new Set<ChangeRecord>();
    const items = itemsOf(
      changes.filter((change) => !spanFailures.has(change)),
      lanes.of,
      withRanks,
    );
    const writer = new AggregateWriter(dynamodb, tables, {
      exactlyOnce: delivery === 'exactly-once',
      concurrency,
      timeLeft: remainingTime(context),
      deadlineMarginMs,
      nowSeconds: Math.floor(now() / 1000),
      log,
    });
    const failed = await writer.apply(items);
    summary.itemsWritten = items.filter((item) =>
      item.entries.some((entry) => writer.applied.has(entry)),
    ).length;
    const spanWcu = spans.tally.wcu - wcuBefore;
    summary.writes = writer.tally.writes + spanWcu;
    summary.wcu = writer.tally.wcu + spanWcu;
    summary.marksPruned = writer.tally.marksPruned;
    const failedRecords = new Set([
      ...spanFailures,
      ...failed.flatMap((item) => item.entries.map((entry) => entry.record)),
    ]);
    tallyPlays(summary, items, writer, failedRecords);
    if (failedRecords.size > 0) {
      if (lanes.kind === 'batch') {
        // A retry must start at this batch's first record: the only lane every applied item is marked with.
        for (const record of records) failures.add(record.dynamodb?.SequenceNumber ?? '');
      } else for (const record of failedRecords) failures.add(record.sequenceNumber);
    }
    return finish(summary, failures, event, options.onSummary);
  };
}

function emptySummary(records: number): ScoreStreamSummary {
  return {
    records,
    plays: 0,
    applied: 0,
    duplicates: 0,
    rankMoves: 0,
    ignored: 0,
    invalid: 0,
    failed: 0,
    writes: 0,
    itemsWritten: 0,
    wcu: 0,
    marksPruned: 0,
    checkpoint: 'none',
  };
}

function finish(
  summary: ScoreStreamSummary,
  failures: Set<string>,
  event: ScoreStreamEvent,
  onSummary: ((summary: ScoreStreamSummary) => void) | undefined,
): ScoreStreamResult {
  const batchItemFailures: DynamoDBBatchItemFailure[] = [...failures]
    .sort((a, b) => {
      const left = padSequenceNumber(a) ?? a;
      const right = padSequenceNumber(b) ?? b;
      return left < right ? -1 : left > right ? 1 : 0;
    })
    .map((itemIdentifier) => ({ itemIdentifier }));
  summary.failed = batchItemFailures.length;
  onSummary?.(summary);
  return { batchItemFailures, ...(event?.window ? { state: {} } : {}) };
}

/** A play is applied when any of its items took it now, a duplicate when every item already held it. */
function tallyPlays(
  summary: ScoreStreamSummary,
  items: ItemWork[],
  writer: AggregateWriter,
  failedRecords: Set<ChangeRecord>,
): void {
  const applied = new Set<ChangeRecord>();
  const seen = new Set<ChangeRecord>();
  for (const item of items)
    for (const entry of item.entries) {
      seen.add(entry.record);
      if (writer.applied.has(entry)) applied.add(entry.record);
    }
  for (const record of seen) {
    if (!record.play) continue;
    if (applied.has(record)) summary.applied += 1;
    else if (!failedRecords.has(record)) summary.duplicates += 1;
  }
}

/**
 * Widens the rank span of every board whose players moved to a new score, before any histogram item of the batch
 * is written (so a reader never skips a level that counts someone). A board whose span could not be written keeps
 * all its records for the retry.
 *
 * @returns the records of boards whose span could not be widened.
 */
async function widenRankSpans(
  spans: RankSpanStore,
  changes: ChangeRecord[],
  log: Required<Logger>,
): Promise<Set<ChangeRecord>> {
  const byBoard = new Map<string, RankSpan>();
  for (const change of changes) {
    const to = change.rank?.to;
    if (to !== undefined)
      byBoard.set(change.board, spanWith(byBoard.get(change.board), to) ?? { low: to, high: to });
  }
  const failed = new Set<ChangeRecord>();
  await Promise.all(
    [...byBoard].map(async ([board, span]) => {
      try {
        await spans.widen(board, span);
      } catch (error) {
        log.error(
          `scores stream: the rank span of board "${board}" could not be widened; its records will be retried`,
          { board, error },
        );
        for (const change of changes) if (change.board === board) failed.add(change);
      }
    }),
  );
  return failed;
}

/** Groups the batch's contributions by aggregate item (the play distribution, then the rank histogram). */
function itemsOf(
  changes: ChangeRecord[],
  lanesOf: (change: ChangeRecord) => string[],
  withRanks: boolean,
): ItemWork[] {
  const items = new Map<string, ItemWork>();
  const add = (partition: string, sortKey: number, entry: ItemEntry): void => {
    const key = `${partition}\u0000${sortKey}`;
    const item = items.get(key);
    if (item) item.entries.push(entry);
    else items.set(key, { partition, sortKey, entries: [entry] });
  };
  for (const change of changes) {
    const lanes = lanesOf(change);
    if (change.play) add(change.partitionKey, change.play.score, { record: change, delta: 1, lanes });
    if (withRanks && change.rank) {
      for (const { key, delta } of rankDeltas(change.board, change.rank.from, change.rank.to))
        add(key.partition, key.bucket, { record: change, delta, lanes });
    }
  }
  return [...items.values()];
}

type LaneResolver =
  { kind: 'shard' | 'batch' | 'none'; of: (change: ChangeRecord) => string[] } | { kind: 'refused' };

/**
 * Which lanes a record advances: its stream shard (when the event names it), or the marker of this batch's start
 * (its first record) plus, for records after it, the marker of its lowest invalid record — where Lambda's retry
 * after a partial failure starts.
 */
function laneResolver(
  event: ScoreStreamEvent,
  mode: 'auto' | 'shard' | 'item',
  invalidSequences: string[],
): LaneResolver {
  const shardId = typeof event?.shardId === 'string' && event.shardId !== '' ? event.shardId : undefined;
  const source = event?.eventSourceARN ?? event?.Records?.[0]?.eventSourceARN ?? '';
  if (shardId !== undefined) {
    const lane = [laneId('shard', `${source}#${shardId}`)];
    return { kind: 'shard', of: () => lane };
  }
  if (mode !== 'auto') return { kind: 'refused' };
  const sequences = (event?.Records ?? [])
    .map((record) => padSequenceNumber(record.dynamodb?.SequenceNumber))
    .filter((sequence): sequence is string => sequence !== undefined)
    .sort();
  const batchStart = sequences[0];
  const lowestInvalid = [...invalidSequences].sort()[0];
  const startLane = batchStart === undefined ? [] : [laneId('batch', `${source}#${batchStart}`)];
  const invalidLane = lowestInvalid === undefined ? undefined : laneId('batch', `${source}#${lowestInvalid}`);
  return {
    kind: 'batch',
    of: (change) =>
      invalidLane !== undefined && lowestInvalid !== batchStart && change.paddedSequence > lowestInvalid!
        ? [...startLane, invalidLane]
        : startLane,
  };
}

/** Milliseconds left in the invocation, when the context can tell. */
function remainingTime(context: unknown): (() => number) | undefined {
  const getter = (context as { getRemainingTimeInMillis?: unknown } | undefined)?.getRemainingTimeInMillis;
  return typeof getter === 'function' ? () => (getter as () => number).call(context) : undefined;
}
