import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLeaderboardHandler,
  type LeaderboardHandlerOptions,
} from '../../src/scores/leaderboard-handler.js';
import type { AroundResult, LeaderboardPage } from '../../src/scores/types.js';
import { localAws } from '../support/aws.js';
import { apiGatewayEventV2 } from './fixtures/events.js';
import { seedRankHistogram, seedScores, type SeedRow, writeRankHistogram } from './fixtures/seed.js';
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

/** The same players on a one-shard board and a 4-shard one, with many ties (scores 0–499). */
const SHARDED_PLAYERS = 3_000;
const shardedRows = (board: string): SeedRow[] =>
  Array.from({ length: SHARDED_PLAYERS }, (_, index) => ({
    board,
    playerId: `ap-northeast-2:p-${String(index).padStart(4, '0')}`,
    score: (index * 7919) % 500,
  }));
const SHARDS: Record<string, number> = { sharded: 4 };
const shardsOf = (board: string): number => SHARDS[board] ?? 1;

beforeAll(async () => {
  tables = await createScoreTables(aws, { stream: false });
  observe(aws.dynamodb);
  const small: SeedRow[] = [
    // ties: 90, 80, 80, 70 → ranks 1, 2, 2, 4
    { board: 'ties', playerId: 'a', score: 90, name: 'Ann' },
    { board: 'ties', playerId: 'b', score: 80, name: 'Bo' },
    { board: 'ties', playerId: 'c', score: 80 },
    { board: 'ties', playerId: 'd', score: 70 },
    { board: 'speedrun#1', playerId: 'slow', score: 60 },
    { board: 'speedrun#1', playerId: 'fast', score: 41 },
    { board: 'speedrun#1', playerId: 'mid', score: 50 },
    ...shardedRows('sharded'),
  ];
  const big = Array.from({ length: BIG_BOARD_PLAYERS }, (_, index) => ({
    board: 'big',
    playerId: `player-${String(index).padStart(5, '0')}`,
    score: (index * 7919) % 2_500,
  }));
  const single = shardedRows('single');
  await seedScores(aws.dynamodb, tables.config.scoresTable, [...small, ...big, ...single], 4, shardsOf);
  // The small boards' histograms come through the real stream handler, redeliveries included; the big ones are
  // written directly.
  await seedRankHistogram(aws.dynamodb, tables.config, small, { redeliver: true, shardsOf });
  await writeRankHistogram(aws.dynamodb, tables.config.distributionTable, 'big', big);
  await writeRankHistogram(aws.dynamodb, tables.config.distributionTable, 'single', single);
}, 240_000);
afterAll(async () => {
  await tables.drop();
  aws.destroy();
});

function leaderboard(options: LeaderboardHandlerOptions = {}) {
  return createLeaderboardHandler({
    dynamodb: aws.dynamodb,
    tables: tables.config,
    boards: {
      global: {},
      ties: {},
      big: {},
      single: {},
      sharded: { shards: SHARDS.sharded },
      backfilled: {},
      'speedrun#*': { order: 'asc' },
    },
    cursorKey: 'a leaderboard test key, 32 bytes',
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

async function firstBigCursor(): Promise<string> {
  return (await get<LeaderboardPage>({ board: 'big', limit: '10' })).body.cursor!;
}

/** A cursor with fields of its payload replaced and its signature kept. */
function editCursor(raw: string, fields: Record<string, unknown>): string {
  const [payload, tag] = raw.split('.');
  const value = { ...(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as object), ...fields };
  return `${Buffer.from(JSON.stringify(value)).toString('base64url')}.${tag}`;
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
    ['garbage', () => 'not-a-cursor!'],
    ['valid base64 of something else', () => Buffer.from('{"hello":1}').toString('base64url')],
    [
      'a cursor of another board',
      async () => (await get<LeaderboardPage>({ board: 'ties', limit: '1' })).body.cursor!,
    ],
    ['a cursor with r:1, n:1000', async () => editCursor(await firstBigCursor(), { r: 1, n: 1000 })],
    ['a cursor with n: 2^53-1', async () => editCursor(await firstBigCursor(), { n: 2 ** 53 - 1 })],
    [
      'a cursor signed with another key',
      async () =>
        (await get<LeaderboardPage>({ board: 'big', limit: '1' }, undefined, { cursorKey: 'x'.repeat(32) }))
          .body.cursor!,
    ],
  ])('refuses %s as the cursor with 400 INVALID_CURSOR', async (_label, makeCursor) => {
    const { status, body } = await get<LeaderboardPage>({ board: 'big', cursor: await makeCursor() });

    expect([status, body.error?.code]).toEqual([400, 'INVALID_CURSOR']);
  });

  it('pages a 4-shard board in the same order and with the same ranks as brute force, ties included', async () => {
    const all = shardedRows('sharded').map((row) => row.score);
    const scores: number[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const { body } = await get<LeaderboardPage>({
        board: 'sharded',
        limit: '97',
        ...(cursor ? { cursor } : {}),
      });
      for (const entry of body.entries) {
        seen.add(entry.playerId);
        scores.push(entry.score);
        expect(entry.rank).toBe(1 + all.filter((score) => score > entry.score).length);
      }
      cursor = body.cursor;
      if (!cursor) break;
    }

    expect(seen.size).toBe(SHARDED_PLAYERS);
    expect(scores).toEqual([...all].sort((a, b) => b - a));
  }, 120_000);

  it('answers the same top 10 (scores and ranks) on 4 shards as on one, and pages deterministically', async () => {
    const single = await get<LeaderboardPage>({ board: 'single', limit: '10' });
    const sharded = await get<LeaderboardPage>({ board: 'sharded', limit: '10' });
    const again = await get<LeaderboardPage>({ board: 'sharded', limit: '10' });

    const shape = (page: LeaderboardPage) => page.entries.map((entry) => [entry.score, entry.rank]);
    expect(shape(sharded.body)).toEqual(shape(single.body));
    expect(again.body.entries).toEqual(sharded.body.entries);
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

  it('ranks players of a 4-shard board exactly from the histogram (built with redeliveries), with neighbours', async () => {
    const rows = shardedRows('sharded');
    const rankOf = (score: number) => 1 + rows.filter((row) => row.score > score).length;
    for (const index of [0, 1, 7, 499, 500, 1234, 2999]) {
      const target = rows[index]!;
      const { body } = await get<AroundResult>({ board: 'sharded', around: target.playerId, radius: '4' });

      expect(body.player).toMatchObject({ playerId: target.playerId, rank: rankOf(target.score) });
      for (const entry of [...body.above, ...body.below]) expect(entry.rank).toBe(rankOf(entry.score));
      const order = [...body.above, body.player, ...body.below].map((entry) => entry.score);
      expect(order).toEqual([...order].sort((a, b) => b - a));
      expect(new Set([...body.above, ...body.below].map((entry) => entry.playerId)).size).toBe(
        body.above.length + body.below.length,
      );
    }
  });

  it('gives the same answer counting the index as reading the histogram, and reads the histogram by default', async () => {
    const query = { board: 'big', around: 'player-04321', radius: '3' };
    operations.length = 0;
    const fromHistogram = await get<AroundResult>(query);
    const queries = operations.filter((name) => name === 'QueryCommand').length;
    const counted = await get<AroundResult>(query, undefined, { rank: 'count' });

    expect(fromHistogram.body).toEqual(counted.body);
    expect(queries).toBe(2 + 11);
  });

  it("reads only the histogram levels the board's span crosses (2 for scores 0-499), with the span item", async () => {
    const target = shardedRows('sharded')[1234]!;
    operations.length = 0;
    const { body } = await get<AroundResult>({ board: 'sharded', around: target.playerId, radius: '2' });

    expect(body.player.playerId).toBe(target.playerId);
    // 2 neighbour Queries per shard + histogram levels 0 and 1; the span is read with the player's item.
    expect(operations.filter((name) => name === 'QueryCommand')).toHaveLength(2 * SHARDS.sharded! + 2);
    expect(operations.filter((name) => name === 'GetItemCommand').length).toBeGreaterThanOrEqual(2);
  });

  it('keeps ranks exact on a backfilled board whose first new plays are narrower than its history', async () => {
    // History written directly (no span item), spread over 0..4,999,999; then new players with scores 1000..1009
    // arrive through the real stream handler, which must give the board a span covering the history.
    const history: SeedRow[] = Array.from({ length: 300 }, (_, index) => ({
      board: 'backfilled',
      playerId: `old-${index}`,
      score: index === 0 ? 4_999_999 : index === 1 ? 0 : (index * 104_729) % 5_000_000,
    }));
    const newcomers: SeedRow[] = Array.from({ length: 10 }, (_, index) => ({
      board: 'backfilled',
      playerId: `new-${index}`,
      score: 1000 + index,
    }));
    await seedScores(aws.dynamodb, tables.config.scoresTable, [...history, ...newcomers], 4);
    await writeRankHistogram(aws.dynamodb, tables.config.distributionTable, 'backfilled', history);
    await seedRankHistogram(aws.dynamodb, tables.config, newcomers);
    const all = [...history, ...newcomers];
    const rankOf = (score: number) => 1 + all.filter((row) => row.score > score).length;

    for (const target of [history[0]!, history[1]!, history[7]!, newcomers[0]!, newcomers[9]!]) {
      operations.length = 0;
      const { body } = await get<AroundResult>({ board: 'backfilled', around: target.playerId, radius: '0' });

      expect(body.player).toMatchObject({ playerId: target.playerId, rank: rankOf(target.score) });
      // 0..4,999,999 crosses levels 0-4.
      expect(operations.filter((name) => name === 'QueryCommand')).toHaveLength(5);
    }
  });

  it('ranks the signed-in player for around=me', async () => {
    const { body } = await get<AroundResult>({ board: 'ties', around: 'me', radius: '0' }, 'd');

    expect(body.player).toMatchObject({ playerId: 'd', rank: 4 });
  });

  it('answers 401 for around=me without a signed-in player', async () => {
    const { status, body } = await get<AroundResult>({ board: 'ties', around: 'me' });

    expect([status, body.error?.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('answers 200 with no row for around=me when the signed-in player has no score yet', async () => {
    const { status, body } = await get<{ player: null; above: []; below: [] }>(
      { board: 'ties', around: 'me', radius: '3' },
      'newcomer',
    );

    expect(status).toBe(200);
    expect(body).toEqual({ board: 'ties', order: 'desc', player: null, above: [], below: [] });
  });

  it('answers 404 for a player with no score on the board', async () => {
    const { status, body } = await get<AroundResult>({ board: 'ties', around: 'nobody' });

    expect([status, body.error?.code]).toEqual([404, 'PLAYER_NOT_FOUND']);
  });
});
