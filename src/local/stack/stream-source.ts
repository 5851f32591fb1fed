import type { DynamoDBStreamsClient, _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { LocalServiceError } from '../errors.js';
import { type ResolvedFunction, invokeFunction } from './invoke.js';
import { type BatchVerdict, interpretBatchResult } from './streams/batch-result.js';
import { backoffDelay, sleep } from '../../core/backoff.js';
import { toLambdaRecord } from './streams/lambda-record.js';
import { type ShardCursor, createShardCursor, describeStreamShards, readShard } from './streams/shards.js';
import type { LocalStreamSubscription } from './types.js';

/** Options of {@link startStreamSource}: a stream subscription, resolved. */
export interface StreamSourceOptions extends Omit<LocalStreamSubscription, 'table' | 'function'> {
  tableName: string;
  streamArn: string;
  fn: ResolvedFunction;
  /** Reads the stream. Never destroyed by the source. */
  streams: DynamoDBStreamsClient;
  log: (line: string) => void;
}

/** A running event source mapping, see {@link startStreamSource}. */
export interface StreamSource {
  /** Resolves once every record written before the call has been delivered (or given up on) and no batch is in
   * flight; rejects after `timeoutMs` (default 30 s), or when the source is stopped first. */
  idle(timeoutMs?: number): Promise<void>;
  /** Stops polling and waits for the in-flight invocation to settle. Safe to call twice. */
  stop(): Promise<void>;
}

interface Settings {
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly batchSize: number;
  readonly maximumBatchingWindowMs: number;
  readonly maximumRetryAttempts: number;
  readonly reportBatchItemFailures: boolean;
  readonly bisectBatchOnFunctionError: boolean;
  readonly pollIntervalMs: number;
}

/** One shard being consumed: where the reader is, and the records read but not yet delivered successfully. */
interface ShardState {
  readonly cursor: ShardCursor;
  /** Read, in order, not yet delivered (or being retried). */
  readonly pending: _Record[];
  /** Sizes of the batches still to deliver after bisecting a failed batch; empty = `batchSize`. */
  readonly plan: number[];
  /** Failed deliveries of the batch at the head of `pending`. */
  attempts: number;
}

interface IdleWaiter {
  /** The first round that started after `idle()` was called. */
  readonly fromRound: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** GetRecords' own maximum. */
const MAX_RECORDS_PER_READ = 1_000;
/** Lambda's maximum batch size for DynamoDB streams. */
const MAX_BATCH_SIZE = 10_000;
/** An error (the service unreachable, throttling) is logged at most this often while it lasts. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/** Retries of a failed batch wait the kit's backoff: full jitter below 100 ms doubling up to 2 s. */
const RETRY_BACKOFF = { initialDelayMs: 100, maxDelayMs: 2_000 };

function retryDelayMs(attempt: number): number {
  return backoffDelay(attempt, RETRY_BACKOFF);
}

function invalid(options: StreamSourceOptions, message: string): LocalServiceError {
  return new LocalServiceError(
    'INVALID_OPTIONS',
    `Stream subscription of table "${options.tableName}": ${message}`,
  );
}

function resolveSettings(options: StreamSourceOptions): Settings {
  const settings: Settings = {
    startingPosition: options.startingPosition ?? 'TRIM_HORIZON',
    batchSize: options.batchSize ?? 100,
    maximumBatchingWindowMs: options.maximumBatchingWindowMs ?? 0,
    maximumRetryAttempts: options.maximumRetryAttempts ?? -1,
    reportBatchItemFailures: options.reportBatchItemFailures ?? false,
    bisectBatchOnFunctionError: options.bisectBatchOnFunctionError ?? false,
    pollIntervalMs: options.pollIntervalMs ?? 250,
  };
  if (settings.startingPosition !== 'TRIM_HORIZON' && settings.startingPosition !== 'LATEST') {
    throw invalid(options, `startingPosition must be TRIM_HORIZON or LATEST.`);
  }
  if (
    !Number.isInteger(settings.batchSize) ||
    settings.batchSize < 1 ||
    settings.batchSize > MAX_BATCH_SIZE
  ) {
    throw invalid(options, `batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}.`);
  }
  if (!Number.isFinite(settings.maximumBatchingWindowMs) || settings.maximumBatchingWindowMs < 0) {
    throw invalid(options, 'maximumBatchingWindowMs must be 0 or more.');
  }
  if (!Number.isInteger(settings.maximumRetryAttempts) || settings.maximumRetryAttempts < -1) {
    throw invalid(
      options,
      'maximumRetryAttempts must be -1 (retry until stopped) or an integer of 0 or more.',
    );
  }
  if (!Number.isFinite(settings.pollIntervalMs) || settings.pollIntervalMs <= 0) {
    throw invalid(options, 'pollIntervalMs must be more than 0.');
  }
  if (!options.streamArn) throw invalid(options, 'streamArn is empty.');
  return settings;
}

function errorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function sequenceNumber(record: _Record | undefined): string {
  return record?.dynamodb?.SequenceNumber ?? '?';
}

async function clientRegion(streams: DynamoDBStreamsClient): Promise<string | undefined> {
  const region: unknown = (streams.config as { region?: unknown }).region;
  try {
    const value: unknown = typeof region === 'function' ? await (region as () => Promise<unknown>)() : region;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Consumes a table's DynamoDB stream and invokes a function with its records, like a Lambda event source
 * mapping: every shard read in order from `startingPosition` (parents before children, new shards picked up as
 * they appear), batches of up to `batchSize` records (waiting up to `maximumBatchingWindowMs` to fill one) as a
 * `DynamoDBStreamEvent` in Lambda's wire shape, failed batches retried with backoff up to
 * `maximumRetryAttempts` (then skipped and logged), optionally bisected, and `batchItemFailures` honoured when
 * `reportBatchItemFailures` is set. A shard's records are never delivered out of order, nor again once a
 * delivery succeeded. Polls every `pollIntervalMs` when caught up.
 *
 * With `LATEST`, records written before the source has read its first iterators (i.e. before the first
 * `idle()` resolves) may be skipped, as with Lambda.
 *
 * @throws {LocalServiceError} `INVALID_OPTIONS` for out-of-range settings, before any request is made.
 * @example
 * ```ts
 * import { resolveFunction } from './invoke.js';
 * import { startStreamSource } from './stream-source.js'; // used by startLocalStack
 *
 * const source = startStreamSource({
 *   tableName: 'scores', streamArn, streams: aws.streams, log: console.log, batchSize: 10,
 *   reportBatchItemFailures: true, fn: resolveFunction(onScoreChanged, 'scores-stream', 60_000),
 * });
 * await aws.documents.send(new PutCommand({ TableName: 'scores', Item: { board: 'global', playerId: 'p1' } }));
 * await source.idle(); // the handler has seen the write
 * await source.stop();
 * ```
 */
export function startStreamSource(options: StreamSourceOptions): StreamSource {
  const settings = resolveSettings(options);
  const { tableName, streamArn, fn, streams, log } = options;
  const label = `stream ${tableName}`;
  const stopController = new AbortController();
  const signal = stopController.signal;
  const shards = new Map<string, ShardState>();
  const waiters = new Set<IdleWaiter>();
  let round = 0;
  let finished = false;
  let streamGone = false;
  let listedOnce = false;
  let idleWake: AbortController | undefined;
  let region = 'local';
  let lastError: { message: string; at: number } | undefined;

  const isDone = (state: ShardState) => state.cursor.exhausted && state.pending.length === 0;
  const isReady = (state: ShardState) => {
    const parent = state.cursor.parentShardId ? shards.get(state.cursor.parentShardId) : undefined;
    return parent === undefined || isDone(parent);
  };

  function reportError(context: string, error: unknown): void {
    const message = `${label}: ${context}: ${describeError(error)}`;
    const now = Date.now();
    if (lastError?.message === message && now - lastError.at < ERROR_LOG_INTERVAL_MS) return;
    lastError = { message, at: now };
    log(message);
  }

  function settleWaiters(quietRound: number): void {
    for (const waiter of waiters) {
      if (waiter.fromRound > quietRound) continue;
      clearTimeout(waiter.timer);
      waiters.delete(waiter);
      waiter.resolve();
    }
  }

  function finish(reason: string): void {
    finished = true;
    log(`${label}: ${reason}; polling ends`);
    settleWaiters(Number.POSITIVE_INFINITY);
  }

  /** Adds shards not seen before. With `LATEST`, the shards listed at start begin at their tip (closed ones are
   * skipped); every shard that appears later is read from its start, as Lambda does. */
  function mergeShards(
    listed: Awaited<ReturnType<typeof describeStreamShards>>['shards'],
    atStart: boolean,
  ): boolean {
    let discovered = false;
    for (const shard of listed) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      const latest = atStart && settings.startingPosition === 'LATEST';
      shards.set(shard.ShardId, {
        cursor: createShardCursor(shard, latest ? 'LATEST' : 'TRIM_HORIZON', latest && closed),
        pending: [],
        plan: [],
        attempts: 0,
      });
      discovered = true;
    }
    return discovered;
  }

  /** Marks `count` records at the head as done, keeping a bisection plan in step. */
  function advance(state: ShardState, count: number): void {
    state.pending.splice(0, count);
    let left = count;
    while (left > 0 && state.plan.length > 0) {
      const head = state.plan[0]!;
      if (head > left) {
        state.plan[0] = head - left;
        left = 0;
      } else {
        state.plan.shift();
        left -= head;
      }
    }
  }

  function giveUp(state: ShardState, count: number, reason: string): void {
    const first = sequenceNumber(state.pending[0]);
    const last = sequenceNumber(state.pending[count - 1]);
    log(
      `${label}: skipping ${count} record(s) ${first}..${last} after ${state.attempts} failed attempt(s) (${reason})`,
    );
    advance(state, count);
    state.attempts = 0;
  }

  const retriesExhausted = (attempts: number) =>
    settings.maximumRetryAttempts >= 0 && attempts > settings.maximumRetryAttempts;

  async function deliver(state: ShardState): Promise<void> {
    const size = Math.min(state.plan[0] ?? settings.batchSize, state.pending.length);
    const batch = state.pending.slice(0, size);
    const sequenceNumbers = batch.map((record) => record.dynamodb?.SequenceNumber ?? '');
    const event: DynamoDBStreamEvent = {
      Records: batch.map((record) => toLambdaRecord(record, streamArn, region)),
    };
    const outcome = await invokeFunction(fn, event, log);
    let verdict: BatchVerdict;
    try {
      verdict = interpretBatchResult(outcome, sequenceNumbers, settings.reportBatchItemFailures);
    } catch (error) {
      // A result whose getters throw cannot be read: Lambda would see invalid JSON, a failed batch.
      verdict = { kind: 'failure', reason: `the result cannot be read: ${describeError(error)}` };
    }

    if (verdict.kind === 'success') {
      advance(state, batch.length);
      state.attempts = 0;
      return;
    }
    let failed = batch.length;
    let reason: string;
    if (verdict.kind === 'partial') {
      reason = `batchItemFailures from ${sequenceNumbers[verdict.failedIndex] ?? '?'}`;
      if (verdict.failedIndex > 0) {
        // Checkpoint before the first failed record; the retry starts there.
        advance(state, verdict.failedIndex);
        state.attempts = 0;
        failed = batch.length - verdict.failedIndex;
      }
    } else {
      reason = verdict.reason;
      if (settings.bisectBatchOnFunctionError && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        state.plan.splice(0, state.plan.length > 0 ? 1 : 0, half, batch.length - half);
        log(
          `${label}: batch of ${batch.length} failed (${reason}); retrying as ${half} + ${batch.length - half}`,
        );
        await sleep(retryDelayMs(1), { signal });
        return;
      }
    }
    state.attempts += 1;
    if (retriesExhausted(state.attempts)) {
      giveUp(state, failed, reason);
      return;
    }
    const wait = retryDelayMs(state.attempts);
    log(
      `${label}: batch from ${sequenceNumbers[batch.length - failed] ?? '?'} failed (${reason}); retry ${state.attempts} in ${wait} ms`,
    );
    await sleep(wait, { signal });
  }

  /** Reads what the shard has (waiting out the batching window) and delivers one batch. Resolves `true` when
   * anything happened: records read or delivered, the shard finished, its iterator recovered. */
  async function pollShard(state: ShardState): Promise<boolean> {
    let progressed = false;
    const read = async () => {
      const limit = Math.min(MAX_RECORDS_PER_READ, Math.max(1, settings.batchSize - state.pending.length));
      const { records, caughtUp } = await readShard(streams, streamArn, state.cursor, limit, signal);
      state.pending.push(...records);
      if (!caughtUp) progressed = true;
    };
    if (!state.cursor.exhausted && state.pending.length < settings.batchSize) {
      await read();
      if (settings.maximumBatchingWindowMs > 0 && state.pending.length > 0) {
        const deadline = performance.now() + settings.maximumBatchingWindowMs;
        while (!signal.aborted && !state.cursor.exhausted && state.pending.length < settings.batchSize) {
          const remaining = deadline - performance.now();
          if (remaining <= 0) break;
          await sleep(Math.min(settings.pollIntervalMs, remaining), { signal });
          if (signal.aborted) break;
          await read();
        }
      }
    }
    if (state.pending.length > 0 && !signal.aborted) {
      await deliver(state);
      progressed = true;
    }
    return progressed;
  }

  /** One pass over the stream: list shards, poll every ready one. Resolves `true` when anything happened. */
  async function pass(): Promise<boolean> {
    let progressed = false;
    let status: string | undefined;
    if (!streamGone) {
      try {
        const listed = await describeStreamShards(streams, streamArn, signal);
        status = listed.status;
        if (mergeShards(listed.shards, !listedOnce)) progressed = true;
        listedOnce = true;
      } catch (error) {
        if (errorName(error) !== 'ResourceNotFoundException') throw error;
        streamGone = true;
        for (const state of shards.values()) state.cursor.exhausted = true;
        progressed = true;
      }
    }
    for (const state of shards.values()) {
      if (signal.aborted) break;
      if (isDone(state) || !isReady(state)) continue;
      if (await pollShard(state)) progressed = true;
    }
    const allDone = [...shards.values()].every(isDone);
    if (streamGone && allDone) finish('the stream no longer exists');
    else if (status === 'DISABLED' && allDone) finish('the stream is disabled and fully read');
    return progressed;
  }

  async function run(): Promise<void> {
    region = (await clientRegion(streams)) ?? region;
    while (!signal.aborted && !finished) {
      const current = ++round;
      let progressed: boolean;
      try {
        progressed = await pass();
        lastError = undefined;
      } catch (error) {
        if (signal.aborted) break;
        reportError('reading the stream failed', error);
        await sleep(Math.max(settings.pollIntervalMs, 1_000), { signal });
        continue;
      }
      if (!progressed && !finished) {
        settleWaiters(current);
        idleWake = new AbortController();
        await sleep(settings.pollIntervalMs, { signal: [signal, idleWake.signal] });
        idleWake = undefined;
      }
    }
  }

  const loop = run().catch((error: unknown) => reportError('the poller stopped unexpectedly', error));
  let stopping: Promise<void> | undefined;

  return {
    idle(timeoutMs = DEFAULT_IDLE_TIMEOUT_MS) {
      if (finished) return Promise.resolve();
      if (signal.aborted)
        return Promise.reject(new LocalServiceError('STOPPED', `The ${label} source is stopped.`));
      return new Promise<void>((resolve, reject) => {
        const waiter: IdleWaiter = {
          fromRound: round + 1,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            reject(
              new LocalServiceError(
                'STREAM_NOT_IDLE',
                `The ${label} source did not catch up within ${timeoutMs} ms.`,
              ),
            );
          }, timeoutMs),
        };
        waiters.add(waiter);
        idleWake?.abort();
      });
    },
    stop() {
      stopping ??= (async () => {
        stopController.abort();
        idleWake?.abort();
        for (const waiter of waiters) {
          clearTimeout(waiter.timer);
          waiter.reject(
            new LocalServiceError('STOPPED', `The ${label} source was stopped before it caught up.`),
          );
        }
        waiters.clear();
        await loop;
      })();
      return stopping;
    },
  };
}
