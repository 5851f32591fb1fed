import { type DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
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
import { rankItemKey } from '../../src/scores/rank-histogram.js';
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

/** Players the rank histogram counts at exactly `score` (its level-0 bucket). */
async function rankCount(board: string, score: number): Promise<number> {
  const key = rankItemKey(board, score, 0);
  const output = await aws.dynamodb.send(
    new GetItemCommand({
      TableName: tables.config.distributionTable,
      Key: { board: { S: key.partition }, score: { N: String(key.bucket) } },
    }),
  );
  return Number(output.Item?.count?.N ?? 0);
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
    const { handler, summaries } = streamHandler({ rankHistogram: false });
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
      ['batch', 6, 0, 3],
      ['batch', 0, 6, 0],
    ]);
  });

  it('refuses an event without its shard when the shard is required, and loses nothing', async () => {
    const { handler, summaries } = streamHandler({ checkpoint: 'shard' });
    const records = plays('shard-required', [7, 8], 40);

    const refused = await handler({ Records: records });
    await handler({ Records: records, shardId: 'shardId-0009' });

    expect(refused.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([
      sequence(40),
      sequence(41),
    ]);
    expect(await histogram('shard-required')).toEqual({ 7: 1, 8: 1 });
    expect(summaries.map((summary) => [summary.checkpoint, summary.writes > 0])).toEqual([
      ['shard', false],
      ['shard', true],
    ]);
  });

  it('counts a batch delivered twice once, with the deprecated item checkpoints now kept per shard', async () => {
    const { handler, summaries } = streamHandler({ checkpoint: 'item' });
    const scores = Array.from({ length: 40 }, (_, index) => index % 3);
    const event = { Records: plays('twice-item', scores, 50, 40), shardId: 'shardId-0002' };

    await handler(event);
    await handler(event);

    expect(await histogram('twice-item')).toEqual({ 0: 14, 1: 13, 2: 13 });
    expect(summaries.map((summary) => [summary.checkpoint, summary.applied, summary.duplicates])).toEqual([
      ['shard', 40, 0],
      ['shard', 0, 40],
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
    ['required shards', { shardId: 's2', checkpoint: 'shard' as const }],
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

  it('ignores records that are neither plays nor moves of a ranked score', async () => {
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
    rename.dynamodb!.OldImage!.score = { N: '3' };
    delete removal.dynamodb!.OldImage!.score;

    const result = await handler({ Records: [removal, rename] });

    expect(result.batchItemFailures).toEqual([]);
    expect(summaries[0]).toMatchObject({ ignored: 2, plays: 0, writes: 0 });
    expect(await histogram('ignored')).toEqual({});
  });

  it('writes each distinct score once per batch, 1 WCU each, with no checkpoint item', async () => {
    const { handler, summaries } = streamHandler({ rankHistogram: false });
    const scores = Array.from({ length: 100 }, (_, index) => index % 7);

    await handler({ Records: plays('one-per-score', scores, 600), shardId: 's1' });

    expect(summaries[0]).toMatchObject({ applied: 100, writes: 7, itemsWritten: 7, wcu: 7 });
  });

  it('counts a batch of many distinct scores once across redelivery, each refused write billed once', async () => {
    const { handler, summaries } = streamHandler({ rankHistogram: false });
    const scores = Array.from({ length: 60 }, (_, index) => index);
    const event = { Records: plays('split', scores, 700), shardId: 's1' };

    await handler(event);
    await handler(event);

    expect(await histogram('split')).toEqual(Object.fromEntries(scores.map((score) => [score, 1])));
    expect(summaries.map((summary) => [summary.writes, summary.wcu, summary.duplicates])).toEqual([
      [60, 60, 0],
      [0, 60, 60],
    ]);
  });

  it('counts a retry that mixes applied and new records for the same item once, and bisected halves too', async () => {
    const { handler } = streamHandler();
    // Six players score 5 (one distribution item, one rank bucket per level) across the redeliveries.
    const records = plays('mixed', [5, 5, 5, 5, 5, 5], 760, 6);

    await handler({ Records: records.slice(0, 3), shardId: 's-mixed' });
    await handler({ Records: records.slice(1, 5), shardId: 's-mixed' });
    await handler({ Records: records, shardId: 's-mixed' });
    await handler({ Records: records.slice(0, 3), shardId: 's-mixed' });
    await handler({ Records: records.slice(3), shardId: 's-mixed' });

    expect(await histogram('mixed')).toEqual({ 5: 6 });
    expect(await rankCount('mixed', 5)).toBe(6);
  });

  it('prunes the marks of lanes idle for more than 25 hours when it writes an item', async () => {
    let clock = Date.parse('2026-11-21T00:00:00Z');
    const { handler, summaries } = streamHandler({ rankHistogram: false, now: () => clock });
    await handler({ Records: plays('prune', [3], 780), shardId: 'old-shard' });
    clock += 26 * 3600 * 1000;

    await handler({ Records: plays('prune', [3], 790), shardId: 'new-shard' });
    await handler({ Records: plays('prune', [3], 791), shardId: 'new-shard' });

    const item = await aws.dynamodb.send(
      new GetItemCommand({
        TableName: tables.config.distributionTable,
        Key: { board: { S: 'prune' }, score: { N: '3' } },
      }),
    );
    expect(Object.keys(item.Item ?? {}).filter((name) => name.startsWith('~hw#'))).toHaveLength(1);
    expect(summaries.map((summary) => summary.marksPruned)).toEqual([0, 1, 0]);
    expect(item.Item?.count).toEqual({ N: '3' });
  });

  it.each([
    ['a shard checkpoint', { shardId: 's1' }, 1],
    ['batch markers', {}, 0],
  ])(
    'reports the records of an item whose write failed, and counts them once when Lambda retries, with %s',
    async (label, shard, expectedFrom) => {
      // DynamoDB Local never throttles: a middleware on a real client fails the first update of score 2's count.
      const flaky: DynamoDBClient = createLocalAwsClients({ dynamodb: inject('dynamodbEndpoint') }).dynamodb;
      let failures = 0;
      flaky.middlewareStack.add(
        (next, context) => async (args) => {
          const key = (args.input as { Key?: Record<string, { S?: string; N?: string }> }).Key;
          if (
            context.commandName === 'UpdateItemCommand' &&
            key?.board?.S?.startsWith('flaky-') === true &&
            !key.board.S.includes('~') &&
            key.score?.N === '2' &&
            ++failures === 1
          ) {
            throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
              name: 'ThrottlingException',
            });
          }
          return next(args);
        },
        { step: 'initialize', name: 'failOneUpdate' },
      );
      const board = `flaky-${label.split(' ')[0]}`;
      const { handler } = streamHandler({ dynamodb: flaky, concurrency: 1 });
      const records = plays(board, [1, 2, 3, 4, 5, 6, 7, 8, 9], 800, 9);

      const first = await handler({ Records: records, ...shard });
      const failedFrom = records.findIndex(
        (record) => record.dynamodb?.SequenceNumber === first.batchItemFailures[0]?.itemIdentifier,
      );
      await handler({ Records: records.slice(failedFrom), ...shard });

      expect(failedFrom).toBe(expectedFrom);
      expect(await histogram(board)).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1 });
      expect(await rankCount(board, 4)).toBe(1);
      flaky.destroy();
    },
  );

  it('stops before the deadline and reports the rest of the batch, then counts it once on retry', async () => {
    const { handler } = streamHandler({ rankHistogram: false, concurrency: 1, deadlineMarginMs: 1000 });
    const records = plays('deadline', [1, 2, 3, 4, 5, 6], 850);
    let calls = 0;
    const context = { getRemainingTimeInMillis: () => (++calls > 2 ? 500 : 60_000) };

    const first = await handler({ Records: records, shardId: 's-deadline' }, context);
    const failedFrom = records.findIndex(
      (record) => record.dynamodb?.SequenceNumber === first.batchItemFailures[0]?.itemIdentifier,
    );
    await handler({ Records: records.slice(failedFrom), shardId: 's-deadline' });

    expect(failedFrom).toBe(2);
    expect(await histogram('deadline')).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1 });
  });

  it('counts a redelivered batch again in at-least-once mode, for one write per distinct score', async () => {
    const { handler, summaries } = streamHandler({ delivery: 'at-least-once', rankHistogram: false });
    const event = { Records: plays('at-least-once', [1, 1, 2], 900) };

    await handler(event);
    await handler(event);

    expect(await histogram('at-least-once')).toEqual({ 1: 4, 2: 2 });
    expect(summaries[0]).toMatchObject({ writes: 2, wcu: 2, checkpoint: 'none' });
  });

  it('counts 500 plays exactly once when Lambda redelivers whole batches, with batch markers', async () => {
    const { handler } = streamHandler({ rankHistogram: false });
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
    const { handler } = streamHandler({ rankHistogram: false });
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
    ['an unknown checkpoint', { checkpoint: 'sometimes' }],
    ['a concurrency of 0', { concurrency: 0 }],
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
