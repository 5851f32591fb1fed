import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
  type TransactWriteItem,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchItemFailure, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { numberValue, readString, stringValue, type WireItem } from './attribute-values.js';
import { ScoresError } from './errors.js';
import {
  defaultScoresLogger,
  type DynamoDbClientOption,
  resolveDynamoDbClient,
  type ScoresLogger,
} from './handler-support.js';
import { padSequenceNumber } from './sequence-number.js';
import { classifyStreamRecord, type PlayRecord } from './stream-records.js';
import {
  DISTRIBUTION_ATTRIBUTES,
  type ResolvedScoreTables,
  resolveScoreTables,
  type ScoreTablesConfig,
} from './table.js';

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
  ignored: number;
  invalid: number;
  /** Records returned in `batchItemFailures`. */
  failed: number;
  /** `TransactWriteItems` (exactly-once) or `UpdateItem` (at-least-once) calls that succeeded. */
  writes: number;
  /** Items written by those calls: one per distinct (board, score) plus one per checkpoint. */
  itemsWritten: number;
  /** Write capacity the calls cost by DynamoDB's pricing rules: 2 WCU per item in a transaction, 1 outside one (items ≤ 1 KB). */
  wcu: number;
  /** How plays were deduplicated in this invocation. */
  checkpoint: 'shard' | 'batch' | 'item' | 'none';
}

/** Options of {@link createScoreStreamHandler}. */
export interface ScoreStreamHandlerOptions extends DynamoDbClientOption {
  tables?: ScoreTablesConfig;
  /**
   * `'exactly-once'` (default): increments and a checkpoint commit in one transaction, so redelivered records are
   * never counted twice. `'at-least-once'`: one plain `UpdateItem ... ADD` per distinct (board, score), half the
   * cost, but a redelivered batch is counted again.
   */
  delivery?: 'exactly-once' | 'at-least-once';
  /**
   * What a checkpoint covers. `'auto'` (default): one per shard when the event names its shard (Lambda sends
   * `shardId` when the event source mapping has a tumbling window; needs `ParallelizationFactor` 1), otherwise
   * one per batch start: a marker keyed by the batch's first record (and by its lowest invalid record), because
   * Lambda redelivers a shard either from a batch's first record (function error, timeout) or from the lowest
   * reported failure. Leave `BisectBatchOnFunctionError` off with batch markers (the handler never throws, and
   * stops before its deadline). `'item'`: one per player item, correct under any redelivery pattern, at the cost of
   * a checkpoint write per distinct player in the batch.
   */
  checkpoint?: 'auto' | 'item';
  /** Stop starting transactions when less than this much of the invocation's time is left and report the rest for retry; default 3000 ms. */
  deadlineMarginMs?: number;
  /** Items per transaction; default and maximum 100 (DynamoDB's limit). */
  maxTransactionItems?: number;
  /** Checkpoints expire (TTL attribute `expiresAt`) this long after their last write; default 3 days (stream records live 24 h). */
  checkpointTtlSeconds?: number;
  /** Report invalid records as batch item failures (default true) so they reach the mapping's on-failure destination; `false` logs and skips them. */
  reportInvalidRecords?: boolean;
  /** Called once per invocation with what it did. */
  onSummary?: (summary: ScoreStreamSummary) => void;
  /** Clock in epoch milliseconds; default `Date.now`. */
  now?: () => number;
  logger?: ScoresLogger;
}

/** Prefix of checkpoint items' board key in the distribution table; board names cannot start with `~`. */
export const CHECKPOINT_BOARD_PREFIX = '~checkpoint#';

/** Attempts per transaction (checkpoint refreshes and transaction conflicts) before its records are reported. */
const MAX_TRANSACTION_ATTEMPTS = 6;
const AT_LEAST_ONCE_CONCURRENCY = 8;

/**
 * Builds the stream handler that turns plays on the scores table into the score distribution. For each batch it
 * aggregates plays in memory and writes one `ADD count :n` per distinct (board, score) — never one write per
 * record — and answers `batchItemFailures` for the records it could not apply (invalid records, or a
 * transaction that kept failing, and everything after it), so one bad record never fails the whole batch.
 *
 * Exactly once: the increments and a checkpoint item (`lastSeq`, the highest sequence number applied, padded to
 * 40 digits) commit in one `TransactWriteItems`, conditioned on `lastSeq` being below the first record applied.
 * A redelivered record fails that condition; the handler learns the checkpoint from the cancellation reason and
 * retries with only the records after it. Batches with more than 99 distinct scores are split, in sequence
 * order, into several transactions. Cost: 2 WCU per item in a transaction, i.e. 2 × (distinct scores + 1)
 * per batch with shard checkpoints.
 *
 * @throws {ScoresError} `INVALID_OPTIONS` at factory time.
 * @example
 * ```ts
 * import { createScoreStreamHandler } from 'serverless-game-kit/scores/lambda';
 *
 * export const handler = createScoreStreamHandler();
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
  const checkpointMode = options.checkpoint ?? 'auto';
  if (checkpointMode !== 'auto' && checkpointMode !== 'item') {
    throw new ScoresError('INVALID_OPTIONS', "checkpoint must be 'auto' or 'item'.");
  }
  const maxItems = options.maxTransactionItems ?? 100;
  if (!Number.isInteger(maxItems) || maxItems < 2 || maxItems > 100) {
    throw new ScoresError('INVALID_OPTIONS', 'maxTransactionItems must be an integer from 2 to 100.');
  }
  const ttlSeconds = options.checkpointTtlSeconds ?? 3 * 24 * 3600;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 86_400) {
    throw new ScoresError(
      'INVALID_OPTIONS',
      'checkpointTtlSeconds must be an integer of at least 86400 (stream records live 24 h).',
    );
  }
  const dynamodb = resolveDynamoDbClient(options);
  const now = options.now ?? Date.now;
  const log = options.logger ?? defaultScoresLogger;
  const reportInvalid = options.reportInvalidRecords ?? true;
  const deadlineMarginMs = options.deadlineMarginMs ?? 3000;
  if (!Number.isInteger(deadlineMarginMs) || deadlineMarginMs < 0) {
    throw new ScoresError('INVALID_OPTIONS', 'deadlineMarginMs must be a non-negative integer.');
  }

  return async (event, context) => {
    const records = Array.isArray(event?.Records) ? event.Records : [];
    const failures: DynamoDBBatchItemFailure[] = [];
    const plays: PlayRecord[] = [];
    const invalidSequences: string[] = [];
    const summary: ScoreStreamSummary = {
      records: records.length,
      plays: 0,
      applied: 0,
      duplicates: 0,
      ignored: 0,
      invalid: 0,
      failed: 0,
      writes: 0,
      itemsWritten: 0,
      wcu: 0,
      checkpoint: 'none',
    };
    for (const record of records) {
      const classified = classifyStreamRecord(record, tables);
      if (classified.kind === 'play') plays.push(classified);
      else if (classified.kind === 'ignored') summary.ignored += 1;
      else {
        summary.invalid += 1;
        log(
          `scores stream: invalid record ${classified.sequenceNumber || '(no sequence number)'}: ${classified.reason}`,
        );
        if (reportInvalid) failures.push({ itemIdentifier: classified.sequenceNumber });
        const padded = padSequenceNumber(classified.sequenceNumber);
        if (padded !== undefined) invalidSequences.push(padded);
      }
    }
    summary.plays = plays.length;
    plays.sort((a, b) =>
      a.paddedSequence < b.paddedSequence ? -1 : a.paddedSequence > b.paddedSequence ? 1 : 0,
    );

    const failedPlays =
      delivery === 'at-least-once'
        ? await applyAtLeastOnce(dynamodb, tables, plays, summary, log)
        : await new ExactlyOnceWriter(dynamodb, tables, {
            maxItems,
            scopesOf: scopeResolver(event, checkpointMode, summary, reportInvalid ? invalidSequences : []),
            timeLeft: remainingTime(context),
            deadlineMarginMs,
            expiresAt: Math.floor(now() / 1000) + ttlSeconds,
            updatedAt: new Date(now()).toISOString(),
            log,
          }).apply(plays, summary);
    for (const play of failedPlays) failures.push({ itemIdentifier: play.sequenceNumber });
    summary.failed = failures.length;
    options.onSummary?.(summary);
    return { batchItemFailures: failures, ...(event?.window ? { state: {} } : {}) };
  };
}

/**
 * Decides which checkpoints a play advances: its shard (when the event names it), its player item, or the
 * markers of this batch's start (the first record) and of its lowest invalid record (where Lambda's retry after a
 * partial failure will start) for plays after it.
 */
function scopeResolver(
  event: ScoreStreamEvent,
  mode: 'auto' | 'item',
  summary: ScoreStreamSummary,
  invalidSequences: string[],
): (play: PlayRecord) => string[] {
  const shardId = typeof event?.shardId === 'string' && event.shardId !== '' ? event.shardId : undefined;
  const source = event?.eventSourceARN ?? event?.Records?.[0]?.eventSourceARN ?? '';
  if (mode === 'item') {
    summary.checkpoint = 'item';
    return (play) => [`${CHECKPOINT_BOARD_PREFIX}item#${play.board}#${play.playerId}`];
  }
  if (shardId !== undefined) {
    summary.checkpoint = 'shard';
    const scope = [`${CHECKPOINT_BOARD_PREFIX}shard#${source}#${shardId}`];
    return () => scope;
  }
  summary.checkpoint = 'batch';
  const sequences = (event?.Records ?? [])
    .map((record) => padSequenceNumber(record.dynamodb?.SequenceNumber))
    .filter((sequence): sequence is string => sequence !== undefined)
    .sort();
  const marker = (sequence: string): string =>
    `${CHECKPOINT_BOARD_PREFIX}batch#${source}#${sequence.replace(/^0+(?=\d)/, '')}`;
  const batchStart = sequences[0];
  const lowestInvalid = [...invalidSequences].sort()[0];
  return (play) => {
    const scopes: string[] = [];
    if (batchStart !== undefined) scopes.push(marker(batchStart));
    if (lowestInvalid !== undefined && lowestInvalid !== batchStart && play.paddedSequence > lowestInvalid)
      scopes.push(marker(lowestInvalid));
    return scopes;
  };
}

/** Milliseconds left in the invocation, when the context can tell. */
function remainingTime(context: unknown): (() => number) | undefined {
  const getter = (context as { getRemainingTimeInMillis?: unknown } | undefined)?.getRemainingTimeInMillis;
  return typeof getter === 'function' ? () => (getter as () => number).call(context) : undefined;
}

interface WriterSettings {
  maxItems: number;
  scopesOf: (play: PlayRecord) => string[];
  timeLeft: (() => number) | undefined;
  deadlineMarginMs: number;
  expiresAt: number;
  updatedAt: string;
  log: ScoresLogger;
}

/** One transaction's worth of plays, aggregated. */
interface Chunk {
  plays: PlayRecord[];
  counts: Map<string, { board: string; score: number; count: number }>;
  checkpoints: Map<string, { first: string; last: string }>;
}

/** Applies plays exactly once: sequential transactions of increments plus checkpoints. */
class ExactlyOnceWriter {
  /** Checkpoints learned from cancellation reasons: scope → padded `lastSeq`. */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tables: ResolvedScoreTables,
    private readonly settings: WriterSettings,
  ) {}

  /** @returns the plays that could not be applied (to report as batch item failures). */
  async apply(plays: PlayRecord[], summary: ScoreStreamSummary): Promise<PlayRecord[]> {
    let next = 0;
    while (next < plays.length) {
      const timeLeft = this.settings.timeLeft?.();
      if (timeLeft !== undefined && timeLeft < this.settings.deadlineMarginMs) {
        this.settings.log('scores stream: close to the deadline; the rest of the batch will be retried');
        return plays.slice(next);
      }
      const end = this.chunkEnd(plays, next);
      let pending = plays.slice(next, end);
      let applied = false;
      for (let attempt = 0; attempt < MAX_TRANSACTION_ATTEMPTS && !applied; attempt++) {
        const fresh = pending.filter((play) => !this.alreadyApplied(play));
        summary.duplicates += pending.length - fresh.length;
        pending = fresh;
        if (pending.length === 0) {
          applied = true;
          break;
        }
        const chunk = this.aggregate(pending);
        const items = this.transactItems(chunk);
        try {
          await this.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
          applied = true;
          summary.applied += pending.length;
          summary.writes += 1;
          summary.itemsWritten += items.length;
          summary.wcu += 2 * items.length;
          for (const [scope, range] of chunk.checkpoints) this.known.set(scope, range.last);
        } catch (error) {
          const outcome = await this.learnFromFailure(error, chunk);
          if (outcome === 'fatal') {
            this.settings.log(
              'scores stream: transaction failed; its records and the rest of the batch will be retried',
              error,
            );
            return plays.slice(next).filter((play) => !this.alreadyApplied(play));
          }
          if (outcome === 'conflict') await delay(25 * 2 ** attempt * (0.5 + Math.random()));
        }
      }
      if (!applied) {
        this.settings.log(
          'scores stream: a transaction kept being cancelled; its records and the rest of the batch will be retried',
        );
        return plays.slice(next).filter((play) => !this.alreadyApplied(play));
      }
      next = end;
    }
    return [];
  }

  private alreadyApplied(play: PlayRecord): boolean {
    return this.settings.scopesOf(play).some((scope) => {
      const last = this.known.get(scope);
      return last !== undefined && play.paddedSequence <= last;
    });
  }

  /** The index after the longest run from `start` whose distinct items fit one transaction. */
  private chunkEnd(plays: PlayRecord[], start: number): number {
    const keys = new Set<string>();
    let end = start;
    while (end < plays.length) {
      const play = plays[end]!;
      const added = [
        `c#${play.board}#${play.score}`,
        ...this.settings.scopesOf(play).map((scope) => `k#${scope}`),
      ].filter((key) => !keys.has(key));
      if (keys.size + added.length > this.settings.maxItems) break;
      for (const key of added) keys.add(key);
      end += 1;
    }
    return end;
  }

  private aggregate(plays: PlayRecord[]): Chunk {
    const chunk: Chunk = { plays, counts: new Map(), checkpoints: new Map() };
    for (const play of plays) {
      const key = `${play.board}\u0000${play.score}`;
      const bucket = chunk.counts.get(key);
      if (bucket) bucket.count += 1;
      else chunk.counts.set(key, { board: play.board, score: play.score, count: 1 });
      for (const scope of this.settings.scopesOf(play)) {
        const range = chunk.checkpoints.get(scope);
        // Plays are in sequence order, so the first seen is the lowest and the last the highest.
        if (range) range.last = play.paddedSequence;
        else chunk.checkpoints.set(scope, { first: play.paddedSequence, last: play.paddedSequence });
      }
    }
    return chunk;
  }

  private transactItems(chunk: Chunk): TransactWriteItem[] {
    const { distributionTable, attributes } = this.tables;
    const items: TransactWriteItem[] = [];
    for (const bucket of chunk.counts.values()) {
      items.push({
        Update: {
          TableName: distributionTable,
          Key: {
            [attributes.board]: stringValue(bucket.board),
            [attributes.score]: numberValue(bucket.score),
          },
          UpdateExpression: 'ADD #count :n',
          ExpressionAttributeNames: { '#count': DISTRIBUTION_ATTRIBUTES.count },
          ExpressionAttributeValues: { ':n': numberValue(bucket.count) },
        },
      });
    }
    for (const [scope, range] of chunk.checkpoints) {
      items.push({
        Update: {
          TableName: distributionTable,
          Key: this.checkpointKey(scope),
          UpdateExpression: 'SET #last = :last, #expires = :expires, #updated = :updated',
          ConditionExpression: 'attribute_not_exists(#last) OR #last < :first',
          ExpressionAttributeNames: {
            '#last': DISTRIBUTION_ATTRIBUTES.lastSeq,
            '#expires': DISTRIBUTION_ATTRIBUTES.expiresAt,
            '#updated': DISTRIBUTION_ATTRIBUTES.updatedAt,
          },
          ExpressionAttributeValues: {
            ':last': stringValue(range.last),
            ':first': stringValue(range.first),
            ':expires': numberValue(this.settings.expiresAt),
            ':updated': stringValue(this.settings.updatedAt),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }
    return items;
  }

  private checkpointKey(scope: string): Record<string, AttributeValue> {
    return {
      [this.tables.attributes.board]: stringValue(scope),
      [this.tables.attributes.score]: numberValue(0),
    };
  }

  /**
   * Reads a cancelled transaction: checkpoint conditions that failed teach the checkpoint (from the returned old
   * item, or a consistent read); conflicts and throttling are retried; anything else is fatal for this batch.
   */
  private async learnFromFailure(error: unknown, chunk: Chunk): Promise<'retry' | 'conflict' | 'fatal'> {
    const name = (error as Error | undefined)?.name;
    if (name === 'TransactionConflictException' || name === 'TransactionInProgressException')
      return 'conflict';
    if (name !== 'TransactionCanceledException') return 'fatal';
    const reasons =
      (error as { CancellationReasons?: Array<{ Code?: string; Item?: WireItem }> }).CancellationReasons ??
      [];
    const scopes = [...chunk.checkpoints.keys()];
    const firstCheckpointIndex = chunk.counts.size;
    let learned = false;
    let conflicted = false;
    for (const [index, reason] of reasons.entries()) {
      if (
        reason.Code === 'TransactionConflict' ||
        reason.Code === 'ThrottlingError' ||
        reason.Code === 'ProvisionedThroughputExceeded'
      ) {
        conflicted = true;
      }
      if (reason.Code !== 'ConditionalCheckFailed') continue;
      const scope = scopes[index - firstCheckpointIndex];
      if (scope === undefined) return 'fatal';
      const lastSeq =
        readString(reason.Item, DISTRIBUTION_ATTRIBUTES.lastSeq) ?? (await this.readCheckpoint(scope));
      if (lastSeq !== undefined) {
        this.known.set(scope, lastSeq);
        learned = true;
      }
    }
    if (learned) return 'retry';
    return conflicted ? 'conflict' : 'fatal';
  }

  private async readCheckpoint(scope: string): Promise<string | undefined> {
    const output = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tables.distributionTable,
        Key: this.checkpointKey(scope),
        ConsistentRead: true,
      }),
    );
    return readString(output.Item, DISTRIBUTION_ATTRIBUTES.lastSeq);
  }
}

/** At-least-once: one `UpdateItem ... ADD` per distinct (board, score), a few at a time. */
async function applyAtLeastOnce(
  dynamodb: DynamoDBClient,
  tables: ResolvedScoreTables,
  plays: PlayRecord[],
  summary: ScoreStreamSummary,
  log: ScoresLogger,
): Promise<PlayRecord[]> {
  summary.checkpoint = 'none';
  const groups = new Map<string, PlayRecord[]>();
  for (const play of plays) {
    const key = `${play.board}\u0000${play.score}`;
    const group = groups.get(key);
    if (group) group.push(play);
    else groups.set(key, [play]);
  }
  const failed: PlayRecord[] = [];
  const queue = [...groups.values()];
  const worker = async (): Promise<void> => {
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      const first = group[0]!;
      try {
        await dynamodb.send(
          new UpdateItemCommand({
            TableName: tables.distributionTable,
            Key: {
              [tables.attributes.board]: stringValue(first.board),
              [tables.attributes.score]: numberValue(first.score),
            },
            UpdateExpression: 'ADD #count :n',
            ExpressionAttributeNames: { '#count': DISTRIBUTION_ATTRIBUTES.count },
            ExpressionAttributeValues: { ':n': numberValue(group.length) },
          }),
        );
        summary.applied += group.length;
        summary.writes += 1;
        summary.itemsWritten += 1;
        summary.wcu += 1;
      } catch (error) {
        log('scores stream: increment failed; its records will be retried', error);
        failed.push(...group);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_LEAST_ONCE_CONCURRENCY, queue.length) }, worker));
  return failed.sort((a, b) => (a.paddedSequence < b.paddedSequence ? -1 : 1));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
