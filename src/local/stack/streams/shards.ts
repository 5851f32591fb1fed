import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';

/** A stream's status and every shard it lists, oldest first. */
export interface StreamShards {
  readonly status: string | undefined;
  readonly shards: readonly Shard[];
}

/** Bounds DescribeStream pagination; a stream has a handful of shards, never thousands of pages. */
const MAX_DESCRIBE_PAGES = 100;

/**
 * Lists a stream's shards with DescribeStream, following `LastEvaluatedShardId` pages.
 *
 * @throws the SDK's error (e.g. `ResourceNotFoundException` once the stream is gone).
 * @example
 * ```ts
 * const { status, shards } = await describeStreamShards(streams, streamArn, signal);
 * ```
 */
export async function describeStreamShards(
  client: DynamoDBStreamsClient,
  streamArn: string,
  signal: AbortSignal,
): Promise<StreamShards> {
  const shards: Shard[] = [];
  let status: string | undefined;
  let exclusiveStartShardId: string | undefined;
  for (let page = 0; page < MAX_DESCRIBE_PAGES; page++) {
    const { StreamDescription: description } = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      { abortSignal: signal },
    );
    status = description?.StreamStatus;
    shards.push(...(description?.Shards ?? []));
    exclusiveStartShardId = description?.LastEvaluatedShardId;
    if (!exclusiveStartShardId) break;
  }
  return { status, shards };
}

/** Where a consumer is in one shard. */
export interface ShardCursor {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  /** Where to start when there is no record to resume after (`TRIM_HORIZON` once data was trimmed). */
  initialPosition: 'TRIM_HORIZON' | 'LATEST';
  iterator: string | undefined;
  /** Sequence number of the last record read, to resume after when an iterator expires. */
  lastSequenceNumber: string | undefined;
  /** The shard is closed and every record has been read. */
  exhausted: boolean;
}

/** The result of one {@link readShard}. */
export interface ShardRead {
  readonly records: _Record[];
  /** `true` when GetRecords ran and found nothing new: the shard is caught up (and still open). */
  readonly caughtUp: boolean;
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: unknown } | undefined)?.name as string | undefined;
}

/**
 * Creates a cursor for a shard that starts at `initialPosition`; a shard listed as closed is already exhausted
 * when `skip` is set (a `LATEST` mapping ignores closed shards).
 *
 * @example
 * ```ts
 * const cursor = createShardCursor(shard, 'TRIM_HORIZON');
 * ```
 */
export function createShardCursor(
  shard: Shard,
  initialPosition: 'TRIM_HORIZON' | 'LATEST',
  skip = false,
): ShardCursor {
  return {
    shardId: shard.ShardId ?? '',
    parentShardId: shard.ParentShardId,
    initialPosition,
    iterator: undefined,
    lastSequenceNumber: undefined,
    exhausted: skip,
  };
}

/**
 * Reads the next page of a shard (at most `limit` records), getting an iterator first when needed: after the
 * last record read, else at the cursor's initial position. Recovers from expired iterators and trimmed data;
 * marks the cursor exhausted when the shard is closed and fully read (or no longer exists).
 *
 * @throws the SDK's error for anything else (throttling, the service being unreachable, an abort).
 * @example
 * ```ts
 * const { records } = await readShard(streams, streamArn, cursor, 100, signal);
 * ```
 */
export async function readShard(
  client: DynamoDBStreamsClient,
  streamArn: string,
  cursor: ShardCursor,
  limit: number,
  signal: AbortSignal,
): Promise<ShardRead> {
  if (cursor.exhausted) return { records: [], caughtUp: false };
  if (!cursor.iterator) {
    try {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: cursor.shardId,
          ...(cursor.lastSequenceNumber
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: cursor.lastSequenceNumber }
            : { ShardIteratorType: cursor.initialPosition }),
        }),
        { abortSignal: signal },
      );
      cursor.iterator = ShardIterator;
      if (!ShardIterator) cursor.exhausted = true;
    } catch (error) {
      if (errorName(error) === 'TrimmedDataAccessException') {
        // The records after our position expired: carry on from the oldest record still there.
        cursor.lastSequenceNumber = undefined;
        cursor.initialPosition = 'TRIM_HORIZON';
        cursor.iterator = (
          await client.send(
            new GetShardIteratorCommand({
              StreamArn: streamArn,
              ShardId: cursor.shardId,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
            { abortSignal: signal },
          )
        ).ShardIterator;
      } else if (errorName(error) === 'ResourceNotFoundException') {
        cursor.exhausted = true;
      } else {
        throw error;
      }
    }
    if (!cursor.iterator) return { records: [], caughtUp: false };
  }

  try {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: limit }), {
      abortSignal: signal,
    });
    const records = page.Records ?? [];
    const last = records[records.length - 1];
    if (last?.dynamodb?.SequenceNumber) cursor.lastSequenceNumber = last.dynamodb.SequenceNumber;
    cursor.iterator = page.NextShardIterator;
    if (!page.NextShardIterator) cursor.exhausted = true;
    return { records, caughtUp: records.length === 0 && !cursor.exhausted };
  } catch (error) {
    const name = errorName(error);
    if (name === 'ExpiredIteratorException') {
      cursor.iterator = undefined;
      return { records: [], caughtUp: false };
    }
    if (name === 'TrimmedDataAccessException') {
      cursor.iterator = undefined;
      cursor.lastSequenceNumber = undefined;
      cursor.initialPosition = 'TRIM_HORIZON';
      return { records: [], caughtUp: false };
    }
    if (name === 'ResourceNotFoundException') {
      cursor.exhausted = true;
      return { records: [], caughtUp: false };
    }
    throw error;
  }
}
