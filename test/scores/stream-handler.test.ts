import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAwsClients } from '../../src/local/clients.js';
import { ScoresError } from '../../src/scores/errors.js';
import {
  createScoreStreamHandler,
  type ScoreStreamHandlerOptions,
  type ScoreStreamSummary,
} from '../../src/scores/stream-handler.js';
import { createSubmitScoreHandler } from '../../src/scores/submit-handler.js';
import { localAws, uniqueName } from '../support/aws.js';
import { inject } from 'vitest';
import { apiGatewayEventV2, playRecord } from './fixtures/events.js';
import { readStream } from './fixtures/stream.js';
import { createScoreTables, type ScoreTablesFixture } from './fixtures/tables.js';

const aws = localAws();
let tables: ScoreTablesFixture;
beforeAll(async () => {
  tables = await createScoreTables(aws, { stream: true });
});
afterAll(async () => {
  await tables.drop();
  aws.destroy();
});

/** Sequence numbers that cross from 20 to 21 digits, as DynamoDB's do over time. */
function sequence(index: number): string {
  return (10n ** 20n - 1000n + BigInt(index)).toString();
}

function streamHandler(options: ScoreStreamHandlerOptions = {}) {
  const summaries: ScoreStreamSummary[] = [];
  const handler = createScoreStreamHandler({
    dynamodb: aws.dynamodb,
    tables: tables.config,
    logger: () => {},
    onSummary: (summary) => summaries.push(summary),
    ...options,
  });
  return { handler, summaries };
}

async function histogram(board: string): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  let startKey: Record<string, never> | undefined;
  for (let page = 0; page < 100; page++) {
    const output = await aws.dynamodb.send(
      new QueryCommand({
        TableName: tables.config.distributionTable,
        KeyConditionExpression: 'board = :b',
        ExpressionAttributeValues: { ':b': { S: board } },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of output.Items ?? []) counts[Number(item.score?.N)] = Number(item.count?.N);
    startKey = output.LastEvaluatedKey as Record<string, never> | undefined;
    if (!startKey) break;
  }
  return counts;
}

/** Plays on a fresh board: one record per play, each player's `plays` counting up. */
function plays(board: string, scores: number[], firstSequence: number, players = 5): DynamoDBRecord[] {
  const playsByPlayer = new Map<string, number>();
  return scores.map((score, index) => {
    const playerId = `p${index % players}`;
    const count = (playsByPlayer.get(playerId) ?? 0) + 1;
    playsByPlayer.set(playerId, count);
    return playRecord({
      sequenceNumber: sequence(firstSequence + index),
      board,
      playerId,
      score,
      plays: count,
    });
  });
}

describe('createScoreStreamHandler', () => {
  it('counts plays from the real table stream, replays of the same score included', async () => {
    const submit = createSubmitScoreHandler({
      dynamodb: aws.dynamodb,
      tables: tables.config,
      boards: { 'stream-e2e': {} },
      defaultBoard: 'stream-e2e',
      logger: () => {},
    });
    const played = [
      ['ap-northeast-2:a', 10],
      ['ap-northeast-2:a', 10],
      ['ap-northeast-2:a', 10],
      ['ap-northeast-2:b', 30],
      ['ap-northeast-2:b', 20],
      ['ap-northeast-2:c', 10],
    ] as const;
    for (const [identityId, score] of played)
      await submit(apiGatewayEventV2({ body: { score }, identityId }));
    const shards = await readStream(aws.streams, tables.streamArn!);
    const { handler } = streamHandler();

    for (const shard of shards) await handler({ Records: shard.records });

    expect(await histogram('stream-e2e')).toEqual({ 10: 4, 20: 1, 30: 1 });
  });

  it('counts a batch delivered twice once, with a marker of the batch start when the event names no shard', async () => {
    const { handler, summaries } = streamHandler();
    const event = { Records: plays('twice-batch', [1, 2, 2, 3, 3, 3], 0) };

    await handler(event);
    const second = await handler(event);

    expect(await histogram('twice-batch')).toEqual({ 1: 1, 2: 2, 3: 3 });
    expect(second.batchItemFailures).toEqual([]);
    expect(
      summaries.map((summary) => [
        summary.checkpoint,
        summary.applied,
        summary.duplicates,
        summary.itemsWritten,
      ]),
    ).toEqual([
      ['batch', 6, 0, 4],
      ['batch', 0, 6, 0],
    ]);
  });

  it('counts a batch delivered twice once, with a checkpoint per player item when configured', async () => {
    const { handler, summaries } = streamHandler({ checkpoint: 'item' });
    const scores = Array.from({ length: 40 }, (_, index) => index % 3);
    const event = { Records: plays('twice-item', scores, 50, 40) };

    await handler(event);
    await handler(event);

    expect(await histogram('twice-item')).toEqual({ 0: 14, 1: 13, 2: 13 });
    expect(summaries.map((summary) => [summary.checkpoint, summary.applied, summary.duplicates])).toEqual([
      ['item', 40, 0],
      ['item', 0, 40],
    ]);
  });

  it('counts a batch delivered twice once, with a checkpoint per shard when the event names its shard', async () => {
    const { handler, summaries } = streamHandler();
    const event = {
      Records: plays('twice-shard', [5, 5, 6], 100),
      shardId: 'shardId-0001',
      window: { start: 'a', end: 'b' },
      state: {},
    };

    await handler(event);
    const second = await handler(event);

    expect(await histogram('twice-shard')).toEqual({ 5: 2, 6: 1 });
    expect(second).toEqual({ batchItemFailures: [], state: {} });
    expect(summaries.map((summary) => [summary.checkpoint, summary.applied, summary.duplicates])).toEqual([
      ['shard', 3, 0],
      ['shard', 0, 3],
    ]);
  });

  it('counts an overlapping redelivery (the tail of a batch plus new records) exactly once', async () => {
    const { handler } = streamHandler();
    const records = plays('overlap', [1, 2, 3, 4, 5, 6, 7, 8], 200);

    await handler({ Records: records.slice(0, 5), shardId: 's1' });
    await handler({ Records: records.slice(3), shardId: 's1' });

    expect(await histogram('overlap')).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1 });
  });

  it('reports a poison record as a batch item failure and applies the others', async () => {
    const { handler } = streamHandler();
    const records = plays('poison', [4, 4, 9], 300);
    const poison = playRecord({ sequenceNumber: sequence(302), board: 'poison', playerId: 'px', score: 1 });
    poison.dynamodb!.NewImage!.lastScore = { S: 'not a number' };
    const batch = [records[0]!, records[1]!, poison, records[2]!];

    const result = await handler({ Records: batch });

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequence(302) }]);
    expect(await histogram('poison')).toEqual({ 4: 2, 9: 1 });
  });

  it.each([
    ['a shard checkpoint', { shardId: 's1' }],
    ['batch markers', {}],
    ['item checkpoints', { checkpoint: 'item' as const }],
  ])(
    'still reports the poison record and counts nothing twice when Lambda retries from it, with %s',
    async (label, mode) => {
      const board = `poison-retry-${label.split(' ')[0]}`;
      const { handler } = streamHandler('checkpoint' in mode ? { checkpoint: mode.checkpoint } : {});
      const shard = 'shardId' in mode ? { shardId: mode.shardId } : {};
      const records = plays(board, [4, 4, 9, 9], 400);
      const poison = playRecord({ sequenceNumber: sequence(402), board, playerId: 'px', score: 1 });
      delete poison.dynamodb!.NewImage;
      const batch = [records[0]!, records[1]!, poison, records[2]!, records[3]!].map((record, index) => ({
        ...record,
        dynamodb: { ...record.dynamodb!, SequenceNumber: sequence(400 + index) },
      }));
      await handler({ Records: batch, ...shard });

      const retry = await handler({ Records: batch.slice(2), ...shard });

      expect(retry.batchItemFailures).toEqual([{ itemIdentifier: sequence(402) }]);
      expect(await histogram(board)).toEqual({ 4: 2, 9: 2 });
    },
  );

  it('ignores records that are not plays', async () => {
    const { handler, summaries } = streamHandler();
    const removal = playRecord({
      sequenceNumber: sequence(500),
      board: 'ignored',
      playerId: 'p1',
      score: 3,
      plays: 2,
      eventName: 'REMOVE',
    });
    const rename = playRecord({
      sequenceNumber: sequence(501),
      board: 'ignored',
      playerId: 'p1',
      score: 3,
      plays: 2,
    });
    rename.dynamodb!.OldImage!.plays = { N: '2' };

    const result = await handler({ Records: [removal, rename] });

    expect(result.batchItemFailures).toEqual([]);
    expect(summaries[0]).toMatchObject({ ignored: 2, plays: 0, writes: 0 });
    expect(await histogram('ignored')).toEqual({});
  });

  it('writes one item per distinct score per batch, plus the checkpoint', async () => {
    const { handler, summaries } = streamHandler();
    const scores = Array.from({ length: 100 }, (_, index) => index % 7);

    await handler({ Records: plays('one-per-score', scores, 600), shardId: 's1' });

    expect(summaries[0]).toMatchObject({ applied: 100, writes: 1, itemsWritten: 7 + 1, wcu: 16 });
  });

  it('splits a batch with more distinct scores than fit one transaction and counts it once across redelivery', async () => {
    const { handler, summaries } = streamHandler({ maxTransactionItems: 10 });
    const scores = Array.from({ length: 60 }, (_, index) => index);
    const event = { Records: plays('split', scores, 700), shardId: 's1' };

    await handler(event);
    await handler(event);

    const expected = Object.fromEntries(scores.map((score) => [score, 1]));
    expect(await histogram('split')).toEqual(expected);
    expect(summaries[0]?.writes).toBe(Math.ceil(60 / 9));
  });

  it.each([
    ['a shard checkpoint', { shardId: 's1' }],
    ['batch markers', {}],
  ])(
    'reports the rest of the batch when a transaction fails, and counts it once when Lambda retries, with %s',
    async (label, shard) => {
      // DynamoDB Local never throttles: a middleware on a real client fails the second transaction once.
      const flaky: DynamoDBClient = createLocalAwsClients({ dynamodb: inject('dynamodbEndpoint') }).dynamodb;
      let transactions = 0;
      flaky.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'TransactWriteItemsCommand' && ++transactions === 2) {
            throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
              name: 'ThrottlingException',
            });
          }
          return next(args);
        },
        { step: 'initialize', name: 'failSecondTransaction' },
      );
      const board = `flaky-${label.split(' ')[0]}`;
      const { handler } = streamHandler({ dynamodb: flaky, maxTransactionItems: 4 });
      const records = plays(board, [1, 2, 3, 4, 5, 6, 7, 8, 9], 800);

      const first = await handler({ Records: records, ...shard });
      const failedFrom = records.findIndex(
        (record) => record.dynamodb?.SequenceNumber === first.batchItemFailures[0]?.itemIdentifier,
      );
      await handler({ Records: records.slice(failedFrom), ...shard });

      expect(failedFrom).toBe(3);
      expect(await histogram(board)).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1 });
      flaky.destroy();
    },
  );

  it('stops before the deadline and reports the rest of the batch, then counts it once on retry', async () => {
    const { handler } = streamHandler({ maxTransactionItems: 3, deadlineMarginMs: 1000 });
    const records = plays('deadline', [1, 2, 3, 4, 5, 6], 850);
    let calls = 0;
    const context = { getRemainingTimeInMillis: () => (++calls > 2 ? 500 : 60_000) };

    const first = await handler({ Records: records }, context);
    const failedFrom = records.findIndex(
      (record) => record.dynamodb?.SequenceNumber === first.batchItemFailures[0]?.itemIdentifier,
    );
    await handler({ Records: records.slice(failedFrom) });

    expect(failedFrom).toBe(4);
    expect(await histogram('deadline')).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1 });
  });

  it('counts a redelivered batch again in at-least-once mode, for one write per distinct score', async () => {
    const { handler, summaries } = streamHandler({ delivery: 'at-least-once' });
    const event = { Records: plays('at-least-once', [1, 1, 2], 900) };

    await handler(event);
    await handler(event);

    expect(await histogram('at-least-once')).toEqual({ 1: 4, 2: 2 });
    expect(summaries[0]).toMatchObject({ writes: 2, wcu: 2, checkpoint: 'none' });
  });

  it('counts 500 plays exactly once when Lambda redelivers whole batches, with batch markers', async () => {
    const { handler } = streamHandler();
    const scores = Array.from({ length: 500 }, (_, index) => (index * 31) % 97);
    const records = plays('batch-redelivery', scores, 30_000, 50);
    const expected: Record<number, number> = {};
    for (const score of scores) expected[score] = (expected[score] ?? 0) + 1;

    for (let start = 0; start < records.length; start += 100) {
      const batch = records.slice(start, start + 100);
      await handler({ Records: batch });
      if ((start / 100) % 2 === 0) await handler({ Records: batch });
    }

    expect(await histogram('batch-redelivery')).toEqual(expected);
  });

  it('builds a histogram equal to a count kept by the test after 5,000 random plays with redeliveries', async () => {
    const { handler } = streamHandler();
    let seed = 20261121;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const scores = Array.from({ length: 5_000 }, () => Math.floor(random() * random() * 300));
    const records = plays('random', scores, 10_000, 400);
    const expected: Record<number, number> = {};
    for (const score of scores) expected[score] = (expected[score] ?? 0) + 1;

    for (let start = 0; start < records.length; start += 100) {
      const batch = records.slice(start, start + 100);
      await handler({ Records: batch, shardId: 'shard-random' });
      if (random() < 0.2)
        await handler({ Records: batch.slice(Math.floor(random() * batch.length)), shardId: 'shard-random' });
    }

    expect(await histogram('random')).toEqual(expected);
  }, 120_000);

  it.each([
    ['an unknown delivery', { delivery: 'twice' }],
    ['a transaction larger than DynamoDB allows', { maxTransactionItems: 101 }],
    ['a checkpoint TTL shorter than the stream retention', { checkpointTtlSeconds: 60 }],
  ])('refuses %s at factory time', (_label, options) => {
    expect(() => createScoreStreamHandler(options as ScoreStreamHandlerOptions)).toThrow(ScoresError);
  });

  it('keeps checkpoints out of every board’s histogram', async () => {
    const { handler } = streamHandler();
    await handler({ Records: plays(uniqueName('iso').slice(0, 30), [1], 20_000) });

    const boards = await aws.dynamodb.send(
      new QueryCommand({
        TableName: tables.config.distributionTable,
        KeyConditionExpression: 'board = :b',
        ExpressionAttributeValues: { ':b': { S: 'global' } },
      }),
    );

    expect(boards.Items ?? []).toEqual([]);
  });
});
