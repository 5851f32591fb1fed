import { type DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { createLocalTable } from '../../src/local/stack/tables.js';
import {
  createScoreStreamHandler,
  type ScoreStreamHandlerOptions,
  type ScoreStreamSummary,
} from '../../src/scores/stream-handler.js';
import { scoreTables } from '../../src/scores/table.js';
import type { CapacityMeter } from './capacity.js';
import { sampleCatchScoreUpdate } from './sample-baseline.js';
import { format } from './support.js';
import { seededRandom } from '../../test/support/seeded-random.js';

const PLAYS = 1_000;
const BATCH_SIZE = 100;
const PLAYERS = 300;

/** Score distributions to aggregate: a typical narrow one and a wide one where almost every score is distinct. */
const DISTRIBUTIONS = [
  {
    name: 'narrow (scores 0-99, skewed)',
    score: (random: () => number) => Math.floor(random() * random() * 100),
  },
  { name: 'wide (scores 0-99,999)', score: (random: () => number) => Math.floor(random() * 100_000) },
];

/**
 * Write capacity to aggregate 1,000 plays (10 Lambda batches of 100) into the distribution: ours (exactly-once
 * with per-shard marks — the bisect-safe setting —, with batch-start marks, at-least-once, and with the rank
 * histogram too) against the naive baseline's conditional put, then update, per record. WCU by DynamoDB's pricing rules
 * (1 per write of an item ≤ 1 KB, 1 per refused conditional write), with DynamoDB Local's own
 * `ReturnConsumedCapacity` figures beside them.
 */
export async function benchmarkStreamAggregation(
  dynamodb: DynamoDBClient,
  meter: CapacityMeter,
): Promise<void> {
  const suffix = Date.now().toString(36);
  const config = { scoresTable: `bench-agg-scores-${suffix}`, distributionTable: `bench-agg-dist-${suffix}` };
  await createLocalTable(dynamodb, scoreTables(config)[1]!);
  console.log(
    `\n-- Stream aggregation: write capacity per ${format(PLAYS, 0)} plays (batches of ${BATCH_SIZE}) --`,
  );

  for (const [index, distribution] of DISTRIBUTIONS.entries()) {
    const random = seededRandom(7 + index);
    const scores = Array.from({ length: PLAYS }, () => distribution.score(random));
    const expected = new Map<number, number>();
    for (const score of scores) expected.set(score, (expected.get(score) ?? 0) + 1);
    const records = playRecords(scores, random, index * 1_000_000);
    const distinctPerBatch =
      Array.from(
        { length: PLAYS / BATCH_SIZE },
        (_, batch) => new Set(scores.slice(batch * BATCH_SIZE, (batch + 1) * BATCH_SIZE)).size,
      ).reduce((sum, value) => sum + value, 0) /
      (PLAYS / BATCH_SIZE);
    console.log(
      `${distribution.name}: ${expected.size} distinct scores, ${format(distinctPerBatch, 1)} distinct per batch`,
    );

    const sampleTable = `bench-sample-history-${suffix}-${index}`;
    await createLocalTable(dynamodb, { name: sampleTable, partitionKey: { name: 'score', type: 'N' } });
    meter.reset();
    let started = performance.now();
    for (let start = 0; start < PLAYS; start += BATCH_SIZE)
      await sampleCatchScoreUpdate(dynamodb, sampleTable, records.slice(start, start + BATCH_SIZE));
    const sampleMs = performance.now() - started;
    const sampleWcu = meter.total();
    await verify(dynamodb, { kind: 'sample', table: sampleTable }, expected);
    console.log(
      `  ${'baseline: put-if-absent, then update, per record'.padEnd(52)} ${format(sampleWcu, 0).padStart(6)} WCU  ${format(sampleMs, 0).padStart(6)} ms  (2 requests per repeated score)`,
    );

    const variants: Array<{
      label: string;
      options: ScoreStreamHandlerOptions;
      shard: boolean;
      target?: boolean;
    }> = [
      {
        label: 'ours: exactly-once, shard marks (bisect-safe)',
        options: { rankHistogram: false, checkpoint: 'shard' },
        shard: true,
        target: true,
      },
      { label: 'ours: exactly-once, batch-start marks', options: { rankHistogram: false }, shard: false },
      {
        label: 'ours: at-least-once (no marks)',
        options: { delivery: 'at-least-once', rankHistogram: false },
        shard: false,
      },
      {
        label: 'ours: exactly-once, shard marks + rank histogram',
        options: { checkpoint: 'shard' },
        shard: true,
      },
    ];
    for (const [variantIndex, variant] of variants.entries()) {
      const board = `bench-${index}-${variantIndex}`;
      const boardRecords = records.map((record) => withBoard(record, board));
      const summaries: ScoreStreamSummary[] = [];
      const handler = createScoreStreamHandler({
        dynamodb,
        tables: config,
        onSummary: (summary) => summaries.push(summary),
        ...variant.options,
      });
      meter.reset();
      started = performance.now();
      for (let start = 0; start < PLAYS; start += BATCH_SIZE) {
        const result = await handler({
          Records: boardRecords.slice(start, start + BATCH_SIZE),
          ...(variant.shard ? { shardId: `shardId-bench-${index}` } : {}),
        });
        if (result.batchItemFailures.length > 0) throw new Error(`${variant.label}: batch item failures`);
      }
      const ms = performance.now() - started;
      const wcu = summaries.reduce((sum, summary) => sum + summary.wcu, 0);
      const items = summaries.reduce((sum, summary) => sum + summary.itemsWritten, 0);
      await verify(dynamodb, { kind: 'ours', table: config.distributionTable, board }, expected);
      console.log(
        `  ${variant.label.padEnd(52)} ${format(wcu, 0).padStart(6)} WCU  ${format(ms, 0).padStart(6)} ms  ` +
          `(${items} items in ${summaries.reduce((sum, summary) => sum + summary.writes, 0)} writes; DynamoDB Local reported ${format(meter.total(), 0)}; ` +
          `${format(sampleWcu / wcu, 2)}x the baseline's efficiency)`,
      );
      if (variant.target)
        console.log(
          `  target exactly-once (bisect on) <= the baseline's ${format(sampleWcu, 0)} WCU: ${wcu <= sampleWcu ? 'MET' : 'NOT MET'} ` +
            `(${format(wcu, 0)} WCU; before: transactions, ${index === 0 ? '1,016' : '2,040'} with batch markers, ` +
            `${index === 0 ? '3,098' : '3,868'} with the bisect-safe item checkpoints)`,
        );
    }
  }
}

/**
 * Stream records of plays on a `best` board (NEW_AND_OLD_IMAGES), one per play: `plays` counting up per player,
 * `score` the player's best so far (so the rank histogram sees each new best as a move).
 */
function playRecords(scores: number[], random: () => number, firstSequence: number): DynamoDBRecord[] {
  const plays = new Map<string, number>();
  const best = new Map<string, number>();
  return scores.map((score, index) => {
    const playerId = `ap-northeast-2:player-${Math.floor(random() * PLAYERS)}`;
    const count = (plays.get(playerId) ?? 0) + 1;
    plays.set(playerId, count);
    const previous = best.get(playerId);
    const kept = previous === undefined ? score : Math.max(previous, score);
    best.set(playerId, kept);
    const keys = { board: { S: 'global' }, playerId: { S: playerId } };
    return {
      eventID: String(index),
      eventName: count === 1 ? 'INSERT' : 'MODIFY',
      eventSource: 'aws:dynamodb',
      eventSourceARN: 'arn:aws:dynamodb:ap-northeast-2:000000000000:table/GameScores/stream/bench',
      dynamodb: {
        Keys: keys,
        NewImage: {
          ...keys,
          score: { N: String(kept) },
          lastScore: { N: String(score) },
          plays: { N: String(count) },
        },
        ...(count === 1
          ? {}
          : {
              OldImage: {
                ...keys,
                score: { N: String(previous) },
                lastScore: { N: '0' },
                plays: { N: String(count - 1) },
              },
            }),
        SequenceNumber: (10n ** 24n + BigInt(firstSequence + index)).toString(),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
  });
}

function withBoard(record: DynamoDBRecord, board: string): DynamoDBRecord {
  const image = { ...record.dynamodb!.NewImage!, board: { S: board } };
  const old = record.dynamodb!.OldImage ? { ...record.dynamodb!.OldImage, board: { S: board } } : undefined;
  return { ...record, dynamodb: { ...record.dynamodb!, NewImage: image, ...(old ? { OldImage: old } : {}) } };
}

async function verify(
  dynamodb: DynamoDBClient,
  target: { kind: 'sample'; table: string } | { kind: 'ours'; table: string; board: string },
  expected: Map<number, number>,
): Promise<void> {
  const counts = new Map<number, number>();
  let startKey: Record<string, never> | undefined;
  do {
    const output =
      target.kind === 'sample'
        ? await dynamodb.send(
            new ScanCommand({
              TableName: target.table,
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          )
        : await dynamodb.send(
            new QueryCommand({
              TableName: target.table,
              KeyConditionExpression: 'board = :b',
              ExpressionAttributeValues: { ':b': { S: target.board } },
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          );
    for (const item of output.Items ?? [])
      counts.set(Number(item.score?.N), Number((item.totalcount ?? item.count)?.N));
    startKey = output.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  const same =
    counts.size === expected.size && [...expected].every(([score, count]) => counts.get(score) === count);
  if (!same) throw new Error(`${target.kind}: the distribution does not match the plays`);
}
