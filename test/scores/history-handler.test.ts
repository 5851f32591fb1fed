import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScoreHistoryHandler } from '../../src/scores/history-handler.js';
import type { ScoreHistoryPage } from '../../src/scores/types.js';
import { localAws } from '../support/aws.js';
import { apiGatewayEventV2 } from './fixtures/events.js';
import { createScoreTables, type ScoreTablesFixture } from './fixtures/tables.js';

const aws = localAws();
let tables: ScoreTablesFixture;
const BUCKETS = Array.from({ length: 60 }, (_, index) => ({ score: index * 10, count: index + 1 }));

beforeAll(async () => {
  tables = await createScoreTables(aws, { stream: false });
  const items = [
    ...BUCKETS.map((bucket) => ({
      board: { S: 'global' },
      score: { N: String(bucket.score) },
      count: { N: String(bucket.count) },
    })),
    { board: { S: 'other' }, score: { N: '5' }, count: { N: '99' } },
    { board: { S: '~checkpoint#item#global#p1' }, score: { N: '0' }, lastSeq: { S: '1' } },
  ];
  for (let index = 0; index < items.length; index += 25) {
    await aws.dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [tables.config.distributionTable]: items
            .slice(index, index + 25)
            .map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
  }
});
afterAll(async () => {
  await tables.drop();
  aws.destroy();
});

const handler = () =>
  createScoreHistoryHandler({
    dynamodb: aws.dynamodb,
    tables: tables.config,
    boards: { global: {}, other: {} },
    logger: () => {},
  });

async function get(query: Record<string, string>) {
  const result = await handler()(apiGatewayEventV2({ path: '/scorehistory', query }));
  return {
    status: result.statusCode,
    body: JSON.parse(result.body) as ScoreHistoryPage & { error?: { code: string } },
  };
}

describe('createScoreHistoryHandler', () => {
  it('answers a board’s whole distribution sorted by score', async () => {
    const { body } = await get({ board: 'global' });

    expect(body.buckets).toEqual(BUCKETS);
    expect(body.cursor).toBeUndefined();
  });

  it('pages a large distribution without gaps or repeats', async () => {
    const buckets: ScoreHistoryPage['buckets'] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const { body } = await get({ board: 'global', limit: '7', ...(cursor ? { cursor } : {}) });
      buckets.push(...body.buckets);
      cursor = body.cursor;
      if (!cursor) break;
    }

    expect(buckets).toEqual(BUCKETS);
  });

  it('keeps boards apart', async () => {
    const { body } = await get({ board: 'other' });

    expect(body.buckets).toEqual([{ score: 5, count: 99 }]);
  });

  it('refuses a cursor issued for another board', async () => {
    const first = await get({ board: 'global', limit: '1' });

    const { status, body } = await get({ board: 'other', cursor: first.body.cursor! });

    expect([status, body.error?.code]).toEqual([400, 'INVALID_CURSOR']);
  });
});
