import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalAwsClients } from '../../src/local/clients.js';
import { ScoresError } from '../../src/scores/errors.js';
import { createSubmitScoreHandler, type SubmitScoreHandlerOptions } from '../../src/scores/submit-handler.js';
import type { SubmitScoreResult } from '../../src/scores/types.js';
import { localAws } from '../support/aws.js';
import { apiGatewayEventV1, apiGatewayEventV2 } from './fixtures/events.js';
import { createScoreTables, type ScoreTablesFixture } from './fixtures/tables.js';

const aws = localAws();
let tables: ScoreTablesFixture;
beforeAll(async () => {
  tables = await createScoreTables(aws, { stream: false });
});
afterAll(async () => {
  await tables.drop();
  aws.destroy();
});

let playerCounter = 0;
function newPlayer(): string {
  playerCounter += 1;
  return `ap-northeast-2:player-${playerCounter}`;
}

function submitHandler(options: SubmitScoreHandlerOptions = {}) {
  return createSubmitScoreHandler({
    dynamodb: aws.dynamodb,
    tables: tables.config,
    boards: { global: {}, latest: { mode: 'latest' }, 'speedrun#*': { order: 'asc' } },
    logger: () => {},
    ...options,
  });
}

async function itemOf(playerId: string, board = 'global') {
  const output = await aws.dynamodb.send(
    new GetItemCommand({
      TableName: tables.config.scoresTable,
      Key: { board: { S: board }, playerId: { S: playerId } },
    }),
  );
  return output.Item;
}

function parse(result: { body: string }): SubmitScoreResult & { error?: { code: string } } {
  return JSON.parse(result.body) as SubmitScoreResult & { error?: { code: string } };
}

describe('createSubmitScoreHandler', () => {
  it('stores the score under the Cognito identity of an HTTP API request', async () => {
    const player = newPlayer();

    const result = await submitHandler()(
      apiGatewayEventV2({ body: { score: 120, name: '토끼' }, identityId: player }),
    );

    expect(result.statusCode).toBe(200);
    expect(parse(result)).toMatchObject({
      board: 'global',
      playerId: player,
      name: '토끼',
      score: 120,
      lastScore: 120,
      plays: 1,
      improved: true,
    });
    expect((await itemOf(player))?.score).toEqual({ N: '120' });
  });

  it('stores the score under the Cognito identity of a REST API request', async () => {
    const player = newPlayer();

    const result = await submitHandler()(apiGatewayEventV1({ body: { score: 7 }, identityId: player }));

    expect(result.statusCode).toBe(200);
    expect(parse(result).playerId).toBe(player);
  });

  it('takes the player from resolvePlayer when one is configured', async () => {
    const handler = submitHandler({
      resolvePlayer: (event) =>
        event.headers?.['x-test-sub'] ? `jwt:${event.headers['x-test-sub']}` : undefined,
    });

    const result = await handler(apiGatewayEventV2({ body: { score: 3 }, headers: { 'x-test-sub': 'abc' } }));

    expect(parse(result).playerId).toBe('jwt:abc');
  });

  it('answers 401 and writes nothing when the request has no identity', async () => {
    const before = await aws.dynamodb.send(
      new ScanCommand({ TableName: tables.config.scoresTable, Select: 'COUNT' }),
    );

    const result = await submitHandler()(apiGatewayEventV2({ body: { score: 10 } }));

    expect(result.statusCode).toBe(401);
    expect(parse(result).error?.code).toBe('UNAUTHENTICATED');
    const after = await aws.dynamodb.send(
      new ScanCommand({ TableName: tables.config.scoresTable, Select: 'COUNT' }),
    );
    expect(after.Count).toBe(before.Count);
  });

  it.each([
    ['a playerId field', { score: 10, playerId: 'victim' }],
    ['a username field (the original sample)', { score: 10, username: 'victim' }],
  ])('refuses a body with %s: a player cannot write another player’s score', async (_label, body) => {
    const player = newPlayer();

    const result = await submitHandler()(apiGatewayEventV2({ body, identityId: player }));

    expect(result.statusCode).toBe(400);
    expect(parse(result).error?.code).toBe('INVALID_BODY');
    expect(await itemOf(player)).toBeUndefined();
    expect(await itemOf('victim')).toBeUndefined();
  });

  it.each([
    ['NaN', '{"score": NaN}', 'INVALID_JSON'],
    ['Infinity', '{"score": Infinity}', 'INVALID_JSON'],
    ['a number that overflows to Infinity', '{"score": 1e400}', 'INVALID_SCORE'],
    ['a string', { score: '100' }, 'INVALID_SCORE'],
    ['a negative score', { score: -1 }, 'INVALID_SCORE'],
    ['a huge score', { score: 1e15 }, 'INVALID_SCORE'],
    ['a fraction', { score: 1.5 }, 'INVALID_SCORE'],
    ['null', { score: null }, 'INVALID_SCORE'],
    ['a missing score', { name: 'x' }, 'INVALID_SCORE'],
    ['an extra field', { score: 1, bonus: 2 }, 'INVALID_BODY'],
    ['an array body', [1], 'INVALID_BODY'],
    ['an empty name', { score: 1, name: '  ' }, 'INVALID_NAME'],
    ['a name with markup', { score: 1, name: '<script>' }, 'INVALID_NAME'],
    ['a name that is too long', { score: 1, name: 'x'.repeat(25) }, 'INVALID_NAME'],
    ['a malformed board', { score: 1, board: '~checkpoint' }, 'INVALID_BOARD'],
    ['a board that is not configured', { score: 1, board: 'season-9' }, 'UNKNOWN_BOARD'],
  ])('refuses %s with a typed 400 and writes nothing', async (_label, body, code) => {
    const player = newPlayer();

    const result = await submitHandler()(apiGatewayEventV2({ body, identityId: player }));

    expect(result.statusCode).toBe(400);
    expect(parse(result).error?.code).toBe(code);
    expect(await itemOf(player)).toBeUndefined();
  });

  it('keeps the best score on a best board while counting every play', async () => {
    const player = newPlayer();
    const handler = submitHandler();

    for (const score of [50, 80, 60])
      await handler(apiGatewayEventV2({ body: { score }, identityId: player }));

    const item = await itemOf(player);
    expect([item?.score, item?.lastScore, item?.plays]).toEqual([{ N: '80' }, { N: '60' }, { N: '3' }]);
  });

  it('keeps the lowest score on an ascending board', async () => {
    const player = newPlayer();
    const handler = submitHandler();

    for (const score of [42, 39, 45])
      await handler(apiGatewayEventV2({ body: { score, board: 'speedrun#1-1' }, identityId: player }));

    expect((await itemOf(player, 'speedrun#1-1'))?.score).toEqual({ N: '39' });
  });

  it('overwrites with the latest score on a latest board', async () => {
    const player = newPlayer();
    const handler = submitHandler();

    for (const score of [90, 10])
      await handler(apiGatewayEventV2({ body: { score, board: 'latest' }, identityId: player }));

    expect((await itemOf(player, 'latest'))?.score).toEqual({ N: '10' });
  });

  it('changes the item when the same score is submitted again, so the stream sees the play', async () => {
    const player = newPlayer();
    let now = Date.parse('2026-11-21T00:00:00Z');
    const handler = submitHandler({ now: () => now });
    await handler(apiGatewayEventV2({ body: { score: 70 }, identityId: player }));
    now += 1000;

    const result = parse(await handler(apiGatewayEventV2({ body: { score: 70 }, identityId: player })));

    expect(result).toMatchObject({
      score: 70,
      plays: 2,
      improved: false,
      updatedAt: '2026-11-21T00:00:01.000Z',
      scoredAt: '2026-11-21T00:00:00.000Z',
    });
  });

  it('writes once for a first play and for a play that does not beat the best, twice for a new best', async () => {
    const player = newPlayer();
    const counted = createLocalAwsClients({ dynamodb: inject('dynamodbEndpoint') }).dynamodb;
    let updates = 0;
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand') updates += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countUpdates' },
    );
    const handler = submitHandler({ dynamodb: counted });
    const updatesFor = async (score: number): Promise<number> => {
      const before = updates;
      await handler(apiGatewayEventV2({ body: { score }, identityId: player }));
      return updates - before;
    };

    const writes = [await updatesFor(50), await updatesFor(40), await updatesFor(50), await updatesFor(60)];

    expect(writes).toEqual([1, 1, 1, 2]);
    counted.destroy();
  });

  it('counts every one of many concurrent submissions by one player and keeps the best', async () => {
    const player = newPlayer();
    const handler = submitHandler();
    const scores = Array.from({ length: 12 }, (_, index) => (index * 37) % 100);

    const results = await Promise.all(
      scores.map((score) => handler(apiGatewayEventV2({ body: { score }, identityId: player }))),
    );

    expect(results.every((result) => result.statusCode === 200)).toBe(true);
    const item = await itemOf(player);
    expect([item?.plays, item?.score]).toEqual([{ N: '12' }, { N: String(Math.max(...scores)) }]);
  });

  it('refuses submissions beyond the rate limit with 429 and retry-after, and writes nothing for them', async () => {
    const player = newPlayer();
    const now = Date.parse('2026-11-21T00:00:10Z');
    const handler = submitHandler({ rateLimit: { maxSubmissions: 2, windowSeconds: 60 }, now: () => now });
    await handler(apiGatewayEventV2({ body: { score: 1 }, identityId: player }));
    await handler(apiGatewayEventV2({ body: { score: 2 }, identityId: player }));

    const refused = await handler(apiGatewayEventV2({ body: { score: 3 }, identityId: player }));

    expect(refused.statusCode).toBe(429);
    expect(parse(refused).error?.code).toBe('RATE_LIMITED');
    expect(refused.headers['retry-after']).toBe('50');
    expect((await itemOf(player))?.plays).toEqual({ N: '2' });
  });

  it('accepts submissions again once the rate window has passed', async () => {
    const player = newPlayer();
    let now = Date.parse('2026-11-21T00:00:10Z');
    const handler = submitHandler({ rateLimit: { maxSubmissions: 1, windowSeconds: 60 }, now: () => now });
    await handler(apiGatewayEventV2({ body: { score: 1 }, identityId: player }));
    now += 60_000;

    const result = await handler(apiGatewayEventV2({ body: { score: 5 }, identityId: player }));

    expect(result.statusCode).toBe(200);
    expect(parse(result).plays).toBe(2);
  });

  it.each([
    ['minScore above maxScore', { minScore: 10, maxScore: 1 }],
    ['a defaultBoard outside boards', { defaultBoard: 'nowhere' }],
    ['a malformed board key', { boards: { 'bad board': {} } }],
    ['a rate limit of zero', { rateLimit: { maxSubmissions: 0, windowSeconds: 60 } }],
    ['a malformed table name', { tables: { scoresTable: 'x' } }],
  ])('refuses %s at factory time', (_label, options) => {
    expect(() => createSubmitScoreHandler(options as SubmitScoreHandlerOptions)).toThrow(ScoresError);
  });
});
