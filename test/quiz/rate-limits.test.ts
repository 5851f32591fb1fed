/**
 * Rate limits of the quiz handler against the local stack: a flood is dropped without writes or broadcasts, the
 * flooder is told and then disconnected, the limits hold across handler instances (Lambda containers) and across
 * a player's connections; and the token buckets themselves, as a property over any arrival times.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorEvent } from '../../src/quiz/protocol.js';
import { localClientConfig } from '../../src/local/client-config.js';
import { EMPTY_BUCKETS, type QuizRateLimits, decideFrame } from '../../src/quiz/socket/rate-limit.js';
import { QuizRateLimiter } from '../../src/quiz/socket/rate-limiter.js';
import { DEFAULT_QUIZ_RATE_LIMITS } from '../../src/quiz/socket-options.js';
import { quizSubprotocols } from '../../src/quiz/subprotocol.js';
import { type QuizStack, TestClient, eventually, startQuizStack } from './fixtures/quiz-stack.js';

const stacks: QuizStack[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const stack of stacks.splice(0)) await stack.stop();
});

async function chatItems(quiz: QuizStack, room: string, playerId: string): Promise<number> {
  const { Items = [] } = await quiz.stack.clients.documents.send(
    new QueryCommand({
      TableName: quiz.tables.chat,
      KeyConditionExpression: 'roomId = :room',
      ExpressionAttributeValues: { ':room': room },
      ConsistentRead: true,
    }),
  );
  return Items.filter((item) => item.playerId === playerId).length;
}

async function rateItemVersion(quiz: QuizStack, playerId: string): Promise<number> {
  const { Item } = await quiz.stack.clients.documents.send(
    new GetCommand({
      TableName: quiz.tables.connections,
      Key: { connectionId: `rate#${playerId}` },
      ConsistentRead: true,
    }),
  );
  return typeof Item?.v === 'number' ? Item.v : 0;
}

function rateErrors(client: TestClient): ErrorEvent[] {
  return client.all('error').filter((event) => event.code === 'RATE_LIMITED');
}

describe('quiz rate limits through the local stack', () => {
  it('drops a flood unseen (no write, no broadcast), replies RATE_LIMITED at most once a second, then disconnects the flooder', async () => {
    const quiz = await startQuizStack({
      rateLimits: { connectionChat: { perSecond: 1, burst: 3 }, disconnectAfter: 10 },
    });
    stacks.push(quiz);
    const flooder = await TestClient.join(
      quiz.url({ room: 'flood', name: '도배' }),
      quizSubprotocols({ playerKey: 'f'.repeat(20) }),
    );
    const witness = await TestClient.join(quiz.url({ room: 'flood', name: '관전' }));
    clients.push(flooder, witness);
    const flooderId = flooder.all('state')[0]!.self!.playerId;

    for (let index = 0; index < 200; index++) flooder.send({ action: 'chat', text: `도배 ${index}` });
    await eventually(() => flooder.closed !== undefined);

    expect(flooder.closed?.code).toBe(1000); // DeleteConnection closes with 1000, as on AWS…
    const refusals = rateErrors(flooder);
    expect(refusals.at(-1)).toMatchObject({ closeCode: 1008 }); // …so the reason came first, in the last event
    expect(refusals.length).toBeLessThanOrEqual(2);
    expect(refusals.every((event) => (event.retryAfterMs ?? 0) > 0)).toBe(true);
    // Admitted: the burst (3) and whatever refilled meanwhile, handled even though the disconnection may come
    // first; every other line was never stored nor broadcast. One conditional write per admitted frame (its sync
    // and the stored lines), none for refused ones.
    let stored = 0;
    const settled = await eventually(async () => {
      stored = await chatItems(quiz, 'flood', flooderId);
      const version = await rateItemVersion(quiz, flooderId);
      const seen = witness.all('chat').filter((line) => line.playerId === flooderId).length;
      return stored >= 3 && version === stored + 1 && seen === stored;
    });
    expect(settled).toBe(true);
    expect(stored).toBeLessThanOrEqual(6);
    expect(witness.closed).toBeUndefined();
  });

  it('refuses the rest of a flood at once while the burst waits for its DynamoDB writes (no queue behind a write)', async () => {
    const quiz = await startQuizStack();
    stacks.push(quiz);
    const dynamodb = new DynamoDBClient(localClientConfig(quiz.stack.endpoints.dynamodb));
    let releaseWrites: () => void = () => undefined;
    const writesHeld = new Promise<void>((resolve) => (releaseWrites = resolve));
    let writes = 0;
    // A slow table: every conditional write waits until released (the first one holds the rest in turn).
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand') {
          writes++;
          await writesHeld;
        }
        return next(args);
      },
      { step: 'initialize', name: 'holdWrites' },
    );
    const limiter = new QuizRateLimiter({
      documents: DynamoDBDocumentClient.from(dynamodb),
      table: quiz.tables.connections,
      limits: DEFAULT_QUIZ_RATE_LIMITS,
      disconnectAfter: 5,
      replyIntervalMs: 1_000,
    });
    const burst = DEFAULT_QUIZ_RATE_LIMITS.connectionChat.burst;
    const now = Date.now();
    const verdicts = Array.from({ length: 100 }, () =>
      limiter.admit('flooding-connection', 'chat', now, async () => 'flooding-player'),
    );

    // Every frame past the burst is decided while the first write is still held…
    let timer: NodeJS.Timeout | undefined;
    const refused = await Promise.race([
      Promise.all(verdicts.slice(burst)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the refusals waited for the held write')), 10_000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(refused.every((verdict) => !verdict.allowed)).toBe(true);
    expect(refused.filter((verdict) => !verdict.allowed && verdict.disconnect)).toHaveLength(1);
    expect(writes).toBeLessThanOrEqual(1);
    // …and the burst is admitted once the table answers, one write each.
    releaseWrites();
    const admitted = await Promise.all(verdicts.slice(0, burst));
    expect(admitted.every((verdict) => verdict.allowed)).toBe(true);
    expect(writes).toBe(burst);
    dynamodb.destroy();
  });

  it('holds the limits across handler instances (Lambda containers) that share the table', async () => {
    const quiz = await startQuizStack(
      { rateLimits: { connectionChat: { perSecond: 0.5, burst: 4 }, disconnectAfter: 1_000 } },
      {},
      { instances: 3 },
    );
    stacks.push(quiz);
    const client = await TestClient.join(
      quiz.url({ room: 'spread', name: '분산' }),
      quizSubprotocols({ playerKey: 's'.repeat(20) }),
    );
    clients.push(client);
    const playerId = client.all('state')[0]!.self!.playerId;

    const handledBefore = quiz.messagesHandled();
    for (let index = 0; index < 30; index++) client.send({ action: 'chat', text: `줄 ${index}` });
    // Every line handled (stored or refused): nothing is left that could still write.
    await quiz.untilMessagesHandled(handledBefore + 30);
    await client.count('error', 1);
    expect(rateErrors(client).length).toBeGreaterThan(0);

    // Three instances with their own memory, one bucket: 4 lines (plus at most one refill in the test's time).
    expect(await chatItems(quiz, 'spread', playerId)).toBeLessThanOrEqual(5);
    expect(await chatItems(quiz, 'spread', playerId)).toBeGreaterThanOrEqual(4);
  });

  it("counts a player's connections together (per-player bucket)", async () => {
    const quiz = await startQuizStack({
      rateLimits: {
        connectionChat: { perSecond: 0.5, burst: 4 },
        playerChat: { perSecond: 0.5, burst: 5 },
        disconnectAfter: 1_000,
      },
    });
    stacks.push(quiz);
    const protocols = quizSubprotocols({ playerKey: 'p'.repeat(20) });
    const tabs = [
      await TestClient.join(quiz.url({ room: 'tabs', name: '탭' }), protocols),
      await TestClient.join(quiz.url({ room: 'tabs', name: '탭' }), protocols),
    ];
    clients.push(...tabs);
    const playerId = tabs[0]!.all('state')[0]!.self!.playerId;

    const handledBefore = quiz.messagesHandled();
    for (let index = 0; index < 8; index++) tabs[index % 2]!.send({ action: 'chat', text: `탭 ${index}` });
    // Every line handled (stored or refused): nothing is left that could still write.
    await quiz.untilMessagesHandled(handledBefore + 8);
    await Promise.any(tabs.map((tab) => tab.count('error', 1)));
    expect(tabs.some((tab) => rateErrors(tab).length > 0)).toBe(true);

    // Each connection alone would allow 4 (8 in all); the player's bucket allows 5.
    expect(await chatItems(quiz, 'tabs', playerId)).toBe(5);
  });

  it('lets a player who keeps to the limits play on, and can be turned off', async () => {
    const off = await startQuizStack({ rateLimits: false });
    stacks.push(off);
    const client = await TestClient.join(off.url({ room: 'free', name: '자유' }));
    clients.push(client);

    for (let index = 0; index < 40; index++) client.send({ action: 'chat', text: `자유 ${index}` });
    await client.count('chat', 40);

    expect(rateErrors(client)).toEqual([]);
    expect(client.closed).toBeUndefined();
  });
});

describe('token buckets (decideFrame)', () => {
  const limits: QuizRateLimits = {
    connectionMessages: { perSecond: 10, burst: 20 },
    connectionChat: { perSecond: 3, burst: 8 },
    playerMessages: { perSecond: 20, burst: 40 },
    playerChat: { perSecond: 5, burst: 12 },
  };

  it('never admits more than burst + rate × elapsed in any window, whatever the arrival times and connections', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_000 }), fc.constantFrom('a', 'b', 'c'), fc.boolean()), {
          minLength: 1,
          maxLength: 400,
        }),
        (arrivals) => {
          const frames = arrivals
            .map(([at, connection, chat]) => ({
              at,
              connection,
              kind: chat ? ('chat' as const) : ('message' as const),
            }))
            .sort((x, y) => x.at - y.at);
          let buckets = EMPTY_BUCKETS;
          const admitted: typeof frames = [];
          const waits: number[] = [];
          for (const frame of frames) {
            const decision = decideFrame(buckets, frame.connection, frame.kind, limits, frame.at);
            if (decision.allowed) {
              buckets = decision.next;
              admitted.push(frame);
            } else {
              waits.push(decision.retryAfterMs);
            }
          }
          expect(waits.every((wait) => wait > 0)).toBe(true);
          const span = (frames.at(-1)!.at - frames[0]!.at) / 1000;
          const chat = admitted.filter((frame) => frame.kind === 'chat');
          expect(admitted.length).toBeLessThanOrEqual(
            limits.playerMessages.burst + limits.playerMessages.perSecond * span + 1,
          );
          expect(chat.length).toBeLessThanOrEqual(
            limits.playerChat.burst + limits.playerChat.perSecond * span + 1,
          );
          for (const id of ['a', 'b', 'c']) {
            const mine = admitted.filter((frame) => frame.connection === id);
            expect(mine.length).toBeLessThanOrEqual(
              limits.connectionMessages.burst + limits.connectionMessages.perSecond * span + 1,
            );
            expect(mine.filter((frame) => frame.kind === 'chat').length).toBeLessThanOrEqual(
              limits.connectionChat.burst + limits.connectionChat.perSecond * span + 1,
            );
          }
        },
      ),
      { seed: 14, numRuns: 200 },
    );
  });

  it('admits a full burst at once, then one frame per interval', () => {
    let buckets = EMPTY_BUCKETS;
    const at = 1_000_000;
    for (let index = 0; index < 8; index++) {
      const decision = decideFrame(buckets, 'a', 'chat', limits, at);
      expect(decision.allowed).toBe(true);
      if (decision.allowed) buckets = decision.next;
    }
    expect(decideFrame(buckets, 'a', 'chat', limits, at)).toEqual({ allowed: false, retryAfterMs: 334 });
    expect(decideFrame(buckets, 'a', 'chat', limits, at + 334).allowed).toBe(true);
  });
});
