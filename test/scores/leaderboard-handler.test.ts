import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLeaderboardCursor } from '../../src/scores/cursor.js';
import {
  createLeaderboardHandler,
  type LeaderboardHandlerOptions,
} from '../../src/scores/leaderboard-handler.js';
import type { AroundResult, LeaderboardPage } from '../../src/scores/types.js';
import { localAws } from '../support/aws.js';
import { apiGatewayEventV2 } from './fixtures/events.js';
import { seedScores } from './fixtures/seed.js';
import { createScoreTables, type ScoreTablesFixture } from './fixtures/tables.js';

const aws = localAws();
let tables: ScoreTablesFixture;
const BIG_BOARD_PLAYERS = 10_000;

/** Every DynamoDB operation the handlers send, by name (a real client, observed through its middleware stack). */
const operations: string[] = [];
function observe(client: DynamoDBClient): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      operations.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'recordOperations' },
  );
  return client;
}

beforeAll(async () => {
  tables = await createScoreTables(aws, { stream: false });
  observe(aws.dynamodb);
  await seedScores(aws.dynamodb, tables.config.scoresTable, [
    // ties: 90, 80, 80, 70 → ranks 1, 2, 2, 4
    { board: 'ties', playerId: 'a', score: 90, name: 'Ann' },
    { board: 'ties', playerId: 'b', score: 80, name: 'Bo' },
    { board: 'ties', playerId: 'c', score: 80 },
    { board: 'ties', playerId: 'd', score: 70 },
    { board: 'speedrun#1', playerId: 'slow', score: 60 },
    { board: 'speedrun#1', playerId: 'fast', score: 41 },
    { board: 'speedrun#1', playerId: 'mid', score: 50 },
    ...Array.from({ length: BIG_BOARD_PLAYERS }, (_, index) => ({
      board: 'big',
      playerId: `player-${String(index).padStart(5, '0')}`,
      score: (index * 7919) % 2_500,
    })),
  ]);
}, 120_000);
afterAll(async () => {
  await tables.drop();
  aws.destroy();
});

function leaderboard(options: LeaderboardHandlerOptions = {}) {
  return createLeaderboardHandler({
    dynamodb: aws.dynamodb,
    tables: tables.config,
    boards: { global: {}, ties: {}, big: {}, 'speedrun#*': { order: 'asc' } },
    logger: () => {},
    ...options,
  });
}

async function get<T>(
  query: Record<string, string>,
  identityId?: string,
  options?: LeaderboardHandlerOptions,
) {
  const result = await leaderboard(options)(
    apiGatewayEventV2({ query, ...(identityId ? { identityId } : {}) }),
  );
  return { status: result.statusCode, body: JSON.parse(result.body) as T & { error?: { code: string } } };
}

describe('createLeaderboardHandler: top N', () => {
  it('lists the best scores first with competition ranks for ties', async () => {
    const { body } = await get<LeaderboardPage>({ board: 'ties' });

    expect(body.entries.map((entry) => [entry.playerId, entry.score, entry.rank])).toEqual([
      ['a', 90, 1],
      expect.arrayContaining([80, 2]),
      expect.arrayContaining([80, 2]),
      ['d', 70, 4],
    ]);
    expect(body.entries[0]?.name).toBe('Ann');
    expect(body.cursor).toBeUndefined();
  });

  it('lists the lowest scores first on an ascending board', async () => {
    const { body } = await get<LeaderboardPage>({ board: 'speedrun#1' });

    expect(body.entries.map((entry) => entry.playerId)).toEqual(['fast', 'mid', 'slow']);
  });

  it('reads with a Query on the index, never a Scan', async () => {
    operations.length = 0;

    await get<LeaderboardPage>({ board: 'big', limit: '10' });

    expect(operations).toEqual(['QueryCommand']);
  });

  it('pages through 10,000 players with no duplicates or gaps, in order, with correct ranks', async () => {
    const seen = new Set<string>();
    const scores: number[] = [];
    let cursor: string | undefined;
    let pages = 0;

    do {
      const { body } = await get<LeaderboardPage>({
        board: 'big',
        limit: '100',
        ...(cursor ? { cursor } : {}),
      });
      for (const entry of body.entries) {
        seen.add(entry.playerId);
        scores.push(entry.score);
        expect(entry.rank).toBe(1 + scores.filter((score) => score > entry.score).length);
      }
      cursor = body.cursor;
      pages += 1;
    } while (cursor && pages < 200);

    expect(seen.size).toBe(BIG_BOARD_PLAYERS);
    expect(scores).toHaveLength(BIG_BOARD_PLAYERS);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  }, 120_000);

  it.each([
    ['garbage', 'not-a-cursor!'],
    ['valid base64 of something else', Buffer.from('{"hello":1}').toString('base64url')],
    [
      'a cursor of another board',
      encodeLeaderboardCursor({ board: 'ties', playerId: 'a', score: 1, position: 1, rank: 1 }),
    ],
    [
      'a cursor with a rank past its position',
      encodeLeaderboardCursor({ board: 'big', playerId: 'a', score: 1, position: 1, rank: 9 }),
    ],
  ])('refuses %s as the cursor with 400 INVALID_CURSOR', async (_label, cursor) => {
    const { status, body } = await get<LeaderboardPage>({ board: 'big', cursor });

    expect([status, body.error?.code]).toEqual([400, 'INVALID_CURSOR']);
  });

  it.each([
    ['0', 'INVALID_QUERY'],
    ['101', 'INVALID_QUERY'],
    ['ten', 'INVALID_QUERY'],
  ])('refuses limit=%s', async (limit, code) => {
    const { status, body } = await get<LeaderboardPage>({ board: 'big', limit });

    expect([status, body.error?.code]).toEqual([400, code]);
  });

  it('refuses a board outside the catalog', async () => {
    const { status, body } = await get<LeaderboardPage>({ board: 'season-1' });

    expect([status, body.error?.code]).toEqual([400, 'UNKNOWN_BOARD']);
  });
});

describe('createLeaderboardHandler: around', () => {
  it('gives a tied player the shared rank and its neighbours their own', async () => {
    const { body } = await get<AroundResult>({ board: 'ties', around: 'c', radius: '1' });

    const rankByScore: Record<number, number> = { 90: 1, 80: 2, 70: 4 };
    expect(body.player).toMatchObject({ playerId: 'c', rank: 2 });
    expect(body.above).toHaveLength(1);
    expect(body.below).toHaveLength(1);
    for (const entry of [...body.above, ...body.below]) expect(entry.rank).toBe(rankByScore[entry.score]);
  });

  it('ranks a player deep in a big board exactly, with its neighbours', async () => {
    const target = 'player-04321';
    const targetScore = (4321 * 7919) % 2_500;
    const allScores = Array.from({ length: BIG_BOARD_PLAYERS }, (_, index) => (index * 7919) % 2_500);
    const rankOf = (score: number) => 1 + allScores.filter((other) => other > score).length;

    const { body } = await get<AroundResult>({ board: 'big', around: target, radius: '5' });

    expect(body.player).toMatchObject({ playerId: target, score: targetScore, rank: rankOf(targetScore) });
    expect(body.above).toHaveLength(5);
    expect(body.below).toHaveLength(5);
    for (const entry of [...body.above, ...body.below]) expect(entry.rank).toBe(rankOf(entry.score));
    const order = [...body.above, body.player, ...body.below].map((entry) => entry.score);
    expect(order).toEqual([...order].sort((a, b) => b - a));
  });

  it('ranks the signed-in player for around=me', async () => {
    const { body } = await get<AroundResult>({ board: 'ties', around: 'me', radius: '0' }, 'd');

    expect(body.player).toMatchObject({ playerId: 'd', rank: 4 });
  });

  it('answers 401 for around=me without a signed-in player', async () => {
    const { status, body } = await get<AroundResult>({ board: 'ties', around: 'me' });

    expect([status, body.error?.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('answers 404 for a player with no score on the board', async () => {
    const { status, body } = await get<AroundResult>({ board: 'ties', around: 'nobody' });

    expect([status, body.error?.code]).toEqual([404, 'PLAYER_NOT_FOUND']);
  });
});
