import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localClientConfig } from '../../src/local/client-config.js';
import { rankItemKey } from '../../src/scores/rank-histogram.js';
import { rankSpanPartition, RankSpanStore } from '../../src/scores/rank-span.js';
import { createScoreStreamHandler } from '../../src/scores/stream-handler.js';
import { resolveScoreTables } from '../../src/scores/table.js';
import { localAws } from '../support/aws.js';
import { playRecord } from './fixtures/events.js';
import { createScoreTables, type ScoreTablesFixture } from './fixtures/tables.js';

const aws = localAws();
let tables: ScoreTablesFixture;

beforeAll(async () => {
  tables = await createScoreTables(aws, { stream: false });
}, 60_000);
afterAll(async () => {
  await tables.drop();
  aws.destroy();
});

/** A client of its own whose span writes fail `failures` times with a throttling error, as DynamoDB can. */
function throttlingSpanWrites(failures: number): DynamoDBClient {
  const client = new DynamoDBClient({ ...localClientConfig(inject('dynamodbEndpoint')), maxAttempts: 1 });
  let left = failures;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: Record<string, { S?: string }> };
      const partition = input.Key?.board?.S ?? '';
      if (context.commandName === 'UpdateItemCommand' && partition.endsWith('~rspan') && left > 0) {
        left -= 1;
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ProvisionedThroughputExceededException',
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'throttleSpanWrites' },
  );
  return client;
}

describe('RankSpanStore', () => {
  it('ends with a span covering every writer when many widen one board at once', async () => {
    const resolved = resolveScoreTables(tables.config);
    const spans = Array.from({ length: 8 }, (_, index) => ({
      low: 1000 - index * 37,
      high: 2000 + index * 53,
    }));

    await Promise.all(spans.map((span) => new RankSpanStore(aws.dynamodb, resolved).widen('crowd', span)));

    const stored = await new RankSpanStore(aws.dynamodb, resolved).read('crowd');
    expect(stored).toEqual({
      low: Math.min(...spans.map((span) => span.low)),
      high: Math.max(...spans.map((span) => span.high)),
    });
  });

  it("writes a board's span once while batches stay inside it", async () => {
    const store = new RankSpanStore(aws.dynamodb, resolveScoreTables(tables.config));

    await store.widen('steady', { low: 10, high: 20 });
    await store.widen('steady', { low: 12, high: 19 });
    await store.widen('steady', { low: 10, high: 20 });

    expect(store.tally.wcu).toBe(2); // the refused first attempt (no item yet) and the creation
    expect(rankSpanPartition('steady')).toBe('steady~rspan');
  });
});

describe('createScoreStreamHandler: rank spans', () => {
  it('retries the records of a board whose span could not be written, and applies them once on redelivery', async () => {
    const dynamodb = throttlingSpanWrites(1);
    const handler = createScoreStreamHandler({ dynamodb, tables: tables.config, logger: () => {} });
    const records = [5, 900, 77].map((score, index) =>
      playRecord({ sequenceNumber: String(500 + index), board: 'throttled', playerId: `p${index}`, score }),
    );

    const first = await handler({ Records: records, shardId: 'shardId-1' });
    expect(first.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['500', '501', '502']);
    const second = await handler({ Records: records, shardId: 'shardId-1' });
    expect(second.batchItemFailures).toEqual([]);

    const resolved = resolveScoreTables(tables.config);
    expect(await new RankSpanStore(aws.dynamodb, resolved).read('throttled')).toEqual({ low: 5, high: 900 });
    for (const score of [5, 900, 77]) {
      const key = rankItemKey('throttled', score, 0);
      const item = await aws.dynamodb.send(
        new GetItemCommand({
          TableName: tables.config.distributionTable,
          Key: { board: { S: key.partition }, score: { N: String(key.bucket) } },
          ConsistentRead: true,
        }),
      );
      expect(item.Item?.count).toEqual({ N: '1' });
    }
    dynamodb.destroy();
  });
});
