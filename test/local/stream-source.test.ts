import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocalServiceError } from '../../src/local/errors.js';
import { resolveFunction } from '../../src/local/stack/invoke.js';
import {
  type StreamSource,
  type StreamSourceOptions,
  startStreamSource,
} from '../../src/local/stack/stream-source.js';
import { createLocalTable } from '../../src/local/stack/tables.js';
import type { LocalHandler } from '../../src/local/stack/types.js';
import { localAws, uniqueName } from '../support/aws.js';

const aws = localAws();
afterAll(() => aws.destroy());

/**
 * The test's streams client, counting the `DescribeStream` requests of the one source it is given to: a source
 * sends one per polling round, so the count is the rounds it has started.
 */
function countingStreams() {
  let rounds = 0;
  const waiters = new Set<{ target: number; resolve: () => void }>();
  const send = (command: object, ...rest: unknown[]): Promise<unknown> => {
    if (command.constructor.name === 'DescribeStreamCommand') {
      rounds += 1;
      for (const waiter of waiters) if (rounds >= waiter.target) waiter.resolve();
    }
    return (aws.streams.send as (...args: unknown[]) => Promise<unknown>).call(aws.streams, command, ...rest);
  };
  const streams = new Proxy(aws.streams, {
    get: (target, key) => (key === 'send' ? send : (Reflect.get(target, key, target) as unknown)),
  });
  return {
    streams,
    rounds: () => rounds,
    /** Resolves once `count` more rounds have started. */
    moreRounds(count: number): Promise<void> {
      const target = rounds + count;
      return new Promise<void>((resolve) => {
        const waiter = { target, resolve: () => (waiters.delete(waiter), resolve()) };
        waiters.add(waiter);
      });
    },
  };
}

/** Yields to the event loop once: every pending microtask and the I/O callbacks already due run first. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Everything a test started, stopped and deleted after it. */
const sources: StreamSource[] = [];
const tables: string[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
  await Promise.all(
    tables
      .splice(0)
      .map((table) => aws.dynamodb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined)),
  );
});

async function streamTable(): Promise<{ table: string; streamArn: string }> {
  const table = uniqueName('stream');
  tables.push(table);
  const streamArn = await createLocalTable(aws.dynamodb, {
    name: table,
    partitionKey: { name: 'pk', type: 'S' },
    stream: 'NEW_AND_OLD_IMAGES',
  });
  if (!streamArn) throw new Error('the table has no stream');
  return { table, streamArn };
}

async function putItems(table: string, keys: string[]): Promise<void> {
  for (const pk of keys) await aws.documents.send(new PutCommand({ TableName: table, Item: { pk } }));
}

/** A stream handler that records every batch it receives (keys only) and answers with `respond(batch, call)`. */
function recorder(respond: (records: DynamoDBRecord[], call: number) => unknown = () => undefined) {
  const batches: string[][] = [];
  const events: DynamoDBStreamEvent[] = [];
  const handler: LocalHandler<DynamoDBStreamEvent> = async (event) => {
    events.push(event);
    batches.push(event.Records.map((record) => record.dynamodb?.Keys?.pk?.S ?? '?'));
    return respond(event.Records, batches.length);
  };
  return { batches, events, handler };
}

function start(
  table: string,
  streamArn: string,
  handler: LocalHandler<DynamoDBStreamEvent>,
  options: Partial<StreamSourceOptions> & { timeoutMs?: number } = {},
): { source: StreamSource; logs: string[] } {
  const logs: string[] = [];
  const { timeoutMs = 10_000, ...rest } = options;
  const source = startStreamSource({
    tableName: table,
    streamArn,
    streams: aws.streams,
    fn: resolveFunction({ handler, timeoutMs }, `${table}-stream`, 60_000),
    log: (line) => logs.push(line),
    pollIntervalMs: 50,
    ...rest,
  });
  sources.push(source);
  return { source, logs };
}

const keys = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${prefix}${index + 1}`);

describe('DynamoDB stream source', () => {
  it('delivers every write in order with old and new images in the Lambda wire shape', async () => {
    const { table, streamArn } = await streamTable();
    const seen = recorder();
    const { source } = start(table, streamArn, seen.handler);

    await aws.documents.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: 'p1',
          score: 10,
          avatar: new Uint8Array([1, 2, 3]),
          tags: new Set(['a']),
          meta: { lv: 2, ok: true },
        },
      }),
    );
    await aws.documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: 'p1' },
        UpdateExpression: 'SET score = :s',
        ExpressionAttributeValues: { ':s': 20 },
      }),
    );
    await aws.documents.send(new DeleteCommand({ TableName: table, Key: { pk: 'p1' } }));
    await source.idle();

    const records = seen.events.flatMap((event) => event.Records);
    expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records;
    expect(insert).toMatchObject({
      eventID: expect.any(String),
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ap-northeast-2',
      eventSourceARN: streamArn,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'p1' } },
        NewImage: {
          pk: { S: 'p1' },
          score: { N: '10' },
          avatar: { B: 'AQID' },
          tags: { SS: ['a'] },
          meta: { M: { lv: { N: '2' }, ok: { BOOL: true } } },
        },
        SequenceNumber: expect.any(String),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(Number.isInteger(insert?.dynamodb?.ApproximateCreationDateTime)).toBe(true);
    expect(insert?.dynamodb?.OldImage).toBeUndefined();
    expect(modify?.dynamodb).toMatchObject({
      OldImage: { score: { N: '10' } },
      NewImage: { score: { N: '20' } },
    });
    expect(remove?.dynamodb?.OldImage?.score).toEqual({ N: '20' });
    expect(remove?.dynamodb?.NewImage).toBeUndefined();
  });

  it('delivers batches no larger than batchSize, in write order', async () => {
    const { table, streamArn } = await streamTable();
    await putItems(table, keys('k', 7));
    const seen = recorder();

    const { source } = start(table, streamArn, seen.handler, { batchSize: 3 });
    await source.idle();

    expect(seen.batches).toEqual([['k1', 'k2', 'k3'], ['k4', 'k5', 'k6'], ['k7']]);
  });

  it('waits up to maximumBatchingWindowMs to fill a batch', async () => {
    const { table, streamArn } = await streamTable();
    const seen = recorder();
    const { source } = start(table, streamArn, seen.handler, {
      batchSize: 3,
      maximumBatchingWindowMs: 10_000,
    });

    await putItems(table, keys('w', 3));
    await source.idle();

    expect(seen.batches).toEqual([['w1', 'w2', 'w3']]);
  });

  it('redelivers from the reported failed item, and only from there', async () => {
    const { table, streamArn } = await streamTable();
    await putItems(table, keys('r', 5));
    const seen = recorder((records, call) =>
      call === 1
        ? { batchItemFailures: [{ itemIdentifier: records[2]?.dynamodb?.SequenceNumber }] }
        : { batchItemFailures: [] },
    );

    const { source } = start(table, streamArn, seen.handler, { batchSize: 5, reportBatchItemFailures: true });
    await source.idle();

    expect(seen.batches).toEqual([
      ['r1', 'r2', 'r3', 'r4', 'r5'],
      ['r3', 'r4', 'r5'],
    ]);
  });

  it('retries the whole batch when batchItemFailures names a record that is not in it', async () => {
    const { table, streamArn } = await streamTable();
    await putItems(table, keys('i', 2));
    const seen = recorder((_records, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : {},
    );

    const { source } = start(table, streamArn, seen.handler, { reportBatchItemFailures: true });
    await source.idle();

    expect(seen.batches).toEqual([
      ['i1', 'i2'],
      ['i1', 'i2'],
    ]);
  });

  it('ignores batchItemFailures unless reportBatchItemFailures is set', async () => {
    const { table, streamArn } = await streamTable();
    await putItems(table, keys('n', 2));
    const seen = recorder((records) => ({
      batchItemFailures: [{ itemIdentifier: records[0]?.dynamodb?.SequenceNumber }],
    }));

    const { source } = start(table, streamArn, seen.handler);
    await source.idle();

    expect(seen.batches).toEqual([['n1', 'n2']]);
  });

  it('retries a batch whose handler throws until it succeeds, without losing or repeating records', async () => {
    const { table, streamArn } = await streamTable();
    await putItems(table, keys('t', 4));
    const seen = recorder((_records, call) => {
      if (call <= 2) throw new Error(`transient failure ${call}`);
    });

    const { source } = start(table, streamArn, seen.handler, { batchSize: 2 });
    await source.idle();

    expect(seen.batches).toEqual([
      ['t1', 't2'],
      ['t1', 't2'],
      ['t1', 't2'],
      ['t3', 't4'],
    ]);
  });

  it('retries a batch whose handler times out', async () => {
    const { table, streamArn } = await streamTable();
    await putItems(table, keys('o', 1));
    const seen = recorder((_records, call) => (call === 1 ? new Promise(() => undefined) : undefined));

    const { source } = start(table, streamArn, seen.handler, { timeoutMs: 100 });
    await source.idle();

    expect(seen.batches).toEqual([['o1'], ['o1']]);
  });

  it('skips a batch once maximumRetryAttempts is exhausted and moves on', async () => {
    const { table, streamArn } = await streamTable();
    await putItems(table, ['ok1', 'poison', 'ok2']);
    const seen = recorder((records) => {
      if (records.some((record) => record.dynamodb?.Keys?.pk?.S === 'poison'))
        throw new Error('poison record');
    });

    const { source, logs } = start(table, streamArn, seen.handler, { batchSize: 1, maximumRetryAttempts: 1 });
    await source.idle();

    expect(seen.batches).toEqual([['ok1'], ['poison'], ['poison'], ['ok2']]);
    expect(logs.some((line) => /skipping 1 record/.test(line))).toBe(true);
  });

  it('bisects a failing batch to isolate the record that fails', async () => {
    const { table, streamArn } = await streamTable();
    await putItems(table, ['b1', 'b2', 'poison', 'b4']);
    const seen = recorder((records) => {
      if (records.some((record) => record.dynamodb?.Keys?.pk?.S === 'poison'))
        throw new Error('poison record');
    });

    const { source } = start(table, streamArn, seen.handler, {
      batchSize: 4,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 0,
    });
    await source.idle();

    expect(seen.batches).toEqual([
      ['b1', 'b2', 'poison', 'b4'],
      ['b1', 'b2'],
      ['poison', 'b4'],
      ['poison'],
      ['b4'],
    ]);
  });

  it('starts after the existing records with startingPosition LATEST', async () => {
    const { table, streamArn } = await streamTable();
    await putItems(table, ['old']);
    const seen = recorder();
    const { source } = start(table, streamArn, seen.handler, { startingPosition: 'LATEST' });
    await source.idle();

    await putItems(table, ['new']);
    await source.idle();

    expect(seen.batches).toEqual([['new']]);
  });

  it('rejects idle() when the source cannot catch up in time', async () => {
    const { table, streamArn } = await streamTable();
    await putItems(table, ['stuck']);
    const seen = recorder(() => {
      throw new Error('always failing');
    });
    const { source } = start(table, streamArn, seen.handler);

    await expect(source.idle(500)).rejects.toThrow(/did not catch up/);
  });

  it('invokes nothing after stop()', async () => {
    const { table, streamArn } = await streamTable();
    const seen = recorder();
    const stopped = countingStreams();
    const { source } = start(table, streamArn, seen.handler, { streams: stopped.streams });
    await putItems(table, ['before']);
    await source.idle();

    await source.stop();
    const roundsAtStop = stopped.rounds();
    await putItems(table, ['after']);
    // The proof that a source still polling would have delivered 'after': a second source with the same poll
    // interval delivers it and then polls three more rounds, in which the stopped one must start none.
    const control = countingStreams();
    const controlSeen = recorder();
    const { source: controlSource } = start(table, streamArn, controlSeen.handler, {
      streams: control.streams,
    });
    await controlSource.idle();
    await control.moreRounds(3);

    expect(controlSeen.batches.flat()).toEqual(['before', 'after']);
    expect(stopped.rounds()).toBe(roundsAtStop);
    expect(seen.batches).toEqual([['before']]);
    await expect(source.idle()).rejects.toThrow(/stopped/);
  });

  it('waits in stop() for the invocation in flight to settle', async () => {
    const { table, streamArn } = await streamTable();
    let entered: () => void = () => undefined;
    let release: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const seen = recorder(async () => {
      entered();
      await released;
    });
    const { source } = start(table, streamArn, seen.handler);
    await putItems(table, ['slow']);
    await inHandler;

    let stopped = false;
    const stopping = source.stop().then(() => (stopped = true));
    // stop() has nothing left to wait for but the invocation: without that wait it would have resolved within
    // the microtasks this turn of the event loop runs.
    await nextTurn();
    const stoppedBeforeRelease = stopped;
    release();
    await stopping;

    expect(stoppedBeforeRelease).toBe(false);
    expect(stopped).toBe(true);
  });

  it('rejects out-of-range settings before reading the stream', () => {
    expect(() =>
      startStreamSource({
        tableName: 'any',
        streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/any/stream/x',
        streams: aws.streams,
        fn: resolveFunction(() => undefined, 'any', 1_000),
        log: () => undefined,
        batchSize: 0,
      }),
    ).toThrow(LocalServiceError);
  });
});
