/**
 * The quiz's WebSocket handler end to end: the local stack's WebSocket gateway, DynamoDB Local, real `ws`
 * clients.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORD_PACK } from '../../src/quiz/default-word-pack.js';
import { QuizDictionary } from '../../src/quiz/dictionary.js';
import type { QuizState } from '../../src/quiz/protocol.js';
import { quizSubprotocols } from '../../src/quiz/subprotocol.js';
import { type QuizStack, TestClient, eventually, startQuizStack } from './fixtures/quiz-stack.js';

const dictionary = QuizDictionary.from(DEFAULT_WORD_PACK);
const clients: TestClient[] = [];

async function join(quiz: QuizStack, room: string, name: string): Promise<TestClient> {
  const client = await TestClient.join(quiz.url({ room, name }));
  clients.push(client);
  return client;
}

async function open(quiz: QuizStack, query: Record<string, string>): Promise<TestClient> {
  const client = await TestClient.open(quiz.url(query));
  clients.push(client);
  return client;
}

/** A fresh `state` for `client`, asked for now. */
async function syncState(client: TestClient): Promise<QuizState> {
  const from = client.events.length;
  client.send({ action: 'sync' });
  return client.next('state', (state) => state.self !== undefined, from);
}

afterEach(() => {
  for (const client of clients.splice(0)) client.ws.terminate();
});

describe('quiz rooms through the local WebSocket gateway', () => {
  let quiz: QuizStack;
  beforeAll(async () => {
    quiz = await startQuizStack({ seed: 11 });
  });
  afterAll(async () => quiz?.stop());

  it('sends nothing during $connect: the first event a connection gets answers its own first message', async () => {
    const client = await open(quiz, { room: 'quiet', name: '민지' });

    client.send({ action: 'ping', id: 7 });
    await client.next('pong');

    expect(client.events).toEqual([expect.objectContaining({ type: 'pong', id: 7 })]);
  });

  it('creates a room on first join and answers sync with the full state', async () => {
    const client = await open(quiz, { room: 'fresh-room', name: '민지' });

    const state = await syncState(client);

    expect(state).toMatchObject({ roomId: 'fresh-room', round: 1, answersPerRound: 1, playerCount: 1 });
    expect(dictionary.answersFor(state.pattern).length).toBeGreaterThanOrEqual(3);
    expect(state.self?.name).toBe('민지');
  });

  it('refuses a handshake with an invalid room id or name', async () => {
    await expect(TestClient.open(quiz.url({ room: 'bad room!', name: '민지' }))).rejects.toThrow('HTTP 400');
    await expect(TestClient.open(quiz.url({ room: 'ok', name: '  ' }))).rejects.toThrow('HTTP 400');
    await expect(TestClient.open(quiz.url({ name: '민지' }))).rejects.toThrow('HTTP 400');
  });

  it('keeps two rooms isolated: chat, answers and presence stay in their room', async () => {
    const a1 = await join(quiz, 'iso-a', '가영');
    const a2 = await join(quiz, 'iso-a', '나영');
    const b1 = await join(quiz, 'iso-b', '다영');
    const stateA = a1.all('state')[0]!;
    const word = dictionary.answersFor(stateA.pattern)[0]!;

    a1.send({ action: 'chat', text: '안녕하세요', round: stateA.round });
    a1.send({ action: 'chat', text: word, round: stateA.round });
    await a2.next('state', (state) => state.round === stateA.round + 1);
    const stateB = await syncState(b1);

    expect(b1.all('chat')).toEqual([]);
    expect(b1.all('correct')).toEqual([]);
    expect(b1.all('presence')).toEqual([]);
    expect(stateB.round).toBe(1);
    expect(stateB.chat).toEqual([]);
    expect(stateB.players.map((player) => player.name)).toEqual(['다영']);
  });

  it('tells the room who joined (on their first sync) and who left', async () => {
    const first = await join(quiz, 'presence', '민지');
    const second = await join(quiz, 'presence', '지훈');

    const joined = await first.next('presence', (event) => event.event === 'join');
    second.close();
    const left = await first.next('presence', (event) => event.event === 'leave');

    expect(joined).toMatchObject({ name: '지훈', playerCount: 2 });
    expect(left).toMatchObject({ name: '지훈', playerCount: 1, playerId: joined.playerId });
  });

  it('answers malformed frames, unknown actions, oversize messages and blank texts with errors, changing nothing', async () => {
    const client = await join(quiz, 'garbage', '민지');
    const before = await syncState(client);
    const bigText = 'ㄱ'.repeat(40_000); // 120 KB of UTF-8, sent in frames under the gateway's 32 KB limit
    const bigMessage = JSON.stringify({ action: 'chat', text: bigText });
    const from = client.events.length;

    client.send('{not json');
    client.send('[1,2,3]');
    client.send({ action: 'dance' });
    client.send({ action: 'chat' });
    client.send({ action: 'chat', text: '' });
    client.send({ action: 'chat', text: ' \n\t  ' });
    client.send({ action: 'chat', text: '가'.repeat(501) });
    for (let offset = 0; offset < bigMessage.length; offset += 8_000) {
      client.ws.send(bigMessage.slice(offset, offset + 8_000), { fin: offset + 8_000 >= bigMessage.length });
    }
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await client.count('error', 9);
    const after = await syncState(client);

    const codes = client.events.slice(from).flatMap((event) => (event.type === 'error' ? [event.code] : []));
    expect(codes.sort()).toEqual(
      [
        'BINARY_NOT_SUPPORTED',
        'EMPTY_TEXT',
        'EMPTY_TEXT',
        'INVALID_JSON',
        'INVALID_MESSAGE',
        'INVALID_MESSAGE',
        'MESSAGE_TOO_LARGE',
        'TEXT_TOO_LONG',
        'UNKNOWN_ACTION',
      ].sort(),
    );
    expect(client.closed).toBeUndefined();
    expect(client.all('chat')).toEqual([]);
    expect({ ...after, serverTime: 0 }).toEqual({ ...before, serverTime: 0 });
  });

  it('accepts any dictionary word that fits the pattern, and not a word already given this round', async () => {
    const words = ['사람', '사랑', '서랍', '수레', '소리', '고기', '가게', '거기', '구경'];
    const room = await startQuizStack({
      words,
      patterns: { minAnswers: 4 },
      rules: { answersPerRound: 3 },
      seed: 3,
    });
    try {
      const player = await TestClient.join(room.url({ room: 'many', name: '민지' }));
      const other = await TestClient.join(room.url({ room: 'many', name: '지훈' }));
      clients.push(player, other);
      const state = player.all('state')[0]!;
      const local = QuizDictionary.from(words, { minAnswers: 4 });
      const [first, second, third] = local.answersFor(state.pattern);
      expect(local.patterns).toContain(state.pattern);

      player.send({ action: 'chat', text: first, round: state.round });
      await player.next('correct', (event) => event.word === first);
      other.send({ action: 'chat', text: ` ${first} `, round: state.round });
      const reused = await other.next('error');
      other.send({ action: 'chat', text: second, round: state.round });
      await other.next('correct', (event) => event.word === second);
      player.send({ action: 'chat', text: third, round: state.round });
      const ended = await player.next('state', (next) => next.round === state.round + 1);

      expect(reused).toMatchObject({ code: 'WORD_ALREADY_USED', round: state.round });
      expect(ended.lastRound).toMatchObject({
        round: state.round,
        pattern: state.pattern,
        reason: 'answered',
        answers: [
          { word: first, points: 1 },
          { word: second, points: 1 },
          { word: third, points: 1 },
        ],
      });
      expect(ended.players.map((entry) => [entry.name, entry.score])).toEqual([
        ['민지', 2],
        ['지훈', 1],
      ]);
    } finally {
      await room.stop();
    }
  });

  it('keeps every chat line sent in the same millisecond', async () => {
    // The clock stands still, so no bucket refills: allow the ten lines as a burst.
    const frozen = await startQuizStack({
      now: () => 1_800_000_000_000,
      rateLimits: { connectionChat: { perSecond: 1, burst: 10 }, playerChat: { perSecond: 1, burst: 10 } },
    });
    try {
      const client = await TestClient.join(frozen.url({ room: 'same-ms', name: '민지' }));
      clients.push(client);

      for (let index = 0; index < 10; index++) client.send({ action: 'chat', text: `메시지 ${index}` });
      await client.count('chat', 10);
      const { Items = [] } = await frozen.stack.clients.documents.send(
        new QueryCommand({
          TableName: frozen.tables.chat,
          KeyConditionExpression: 'roomId = :room',
          ExpressionAttributeValues: { ':room': 'same-ms' },
        }),
      );
      const state = await syncState(client);

      expect(Items).toHaveLength(10);
      expect(new Set(Items.map((item): unknown => item.ts))).toEqual(new Set([1_800_000_000_000]));
      expect(state.chat.map((line) => line.text).sort()).toEqual(
        Array.from({ length: 10 }, (_, index) => `메시지 ${index}`).sort(),
      );
    } finally {
      await frozen.stop();
    }
  });

  it('removes a client killed without closing, and later broadcasts skip it', async () => {
    const survivor = await join(quiz, 'killed', '민지');
    const victim = await join(quiz, 'killed', '지훈');
    const staleId = 'STALEconnection=';
    await quiz.stack.clients.documents.send(
      new PutCommand({
        TableName: quiz.tables.connections,
        Item: {
          connectionId: staleId,
          roomId: 'killed',
          name: '유령',
          playerId: 'guest-ghost',
          connectedAt: Date.now(),
          ttl: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );
    const victimId = await connectionIdOf(quiz, 'killed', '지훈');

    victim.ws.terminate();
    survivor.send({ action: 'chat', text: '아무도 없나요' });
    await survivor.next('chat');
    const removed = await eventually(async () => {
      const [stale, killed] = await Promise.all([
        connectionItem(quiz, staleId),
        connectionItem(quiz, victimId),
      ]);
      return stale === undefined && killed === undefined;
    });
    survivor.send({ action: 'chat', text: '두 번째' });
    await survivor.next('chat', (event) => event.text === '두 번째');
    const state = await syncState(survivor);

    expect(removed).toBe(true);
    expect(state.playerCount).toBe(1);
    expect(state.players.filter((player) => player.connected).map((player) => player.name)).toEqual(['민지']);
  });
});

describe('quiz handler options through the local stack', () => {
  it('ends a timed round when its time is up, on the next sync, and tells the room', async () => {
    let clock = 1_800_000_000_000;
    const timed = await startQuizStack({ rules: { roundTimeLimitMs: 30_000 }, now: () => clock });
    try {
      const asker = await TestClient.join(timed.url({ room: 'timed', name: '민지' }));
      const other = await TestClient.join(timed.url({ room: 'timed', name: '지훈' }));
      clients.push(asker, other);
      const first = asker.all('state')[0]!;

      clock += 30_000;
      const next = await syncState(asker);
      const told = await other.next('state', (state) => state.round === first.round + 1);

      expect(first.roundEndsAt).toBe(first.roundStartedAt + 30_000);
      expect(next.round).toBe(first.round + 1);
      expect(next.lastRound).toMatchObject({ round: first.round, reason: 'timeout', answers: [] });
      expect(told.pattern).toBe(next.pattern);
    } finally {
      await timed.stop();
    }
  });

  it('refuses a connection without a token when tokens are required', async () => {
    const guarded = await startQuizStack({ verifyToken: () => ({ playerId: 'p' }), requireToken: true });
    try {
      await expect(TestClient.open(guarded.url({ room: 'vip', name: '민지' }))).rejects.toThrow('HTTP 401');
      const member = await TestClient.open(
        guarded.url({ room: 'vip', name: '민지' }),
        quizSubprotocols({ token: 't' }),
      );
      clients.push(member);
      expect(member.ws.protocol).toBe('sgk.quiz.v1');
    } finally {
      await guarded.stop();
    }
  });

  it('takes the token only from Sec-WebSocket-Protocol unless query credentials are allowed', async () => {
    const seen: string[] = [];
    const verifyToken = (token: string) => {
      seen.push(token);
      return { playerId: `p-${token.length}` };
    };
    const strict = await startQuizStack({ verifyToken, requireToken: true });
    const lenient = await startQuizStack({ verifyToken, requireToken: true, queryCredentials: true });
    try {
      await expect(TestClient.open(strict.url({ room: 'vip', name: '민지', token: 't' }))).rejects.toThrow(
        'HTTP 400',
      );
      await expect(
        TestClient.open(strict.url({ room: 'vip', name: '민지', player: 'k'.repeat(20) })),
      ).rejects.toThrow('HTTP 400');
      await expect(
        TestClient.open(strict.url({ room: 'vip', name: '민지' }), ['sgk.quiz.v1', 'sgk.token.!!']),
      ).rejects.toThrow('HTTP 400');
      const jwtLike = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_';
      const viaHeader = await TestClient.join(
        strict.url({ room: 'vip', name: '민지' }),
        quizSubprotocols({ token: jwtLike }),
      );
      const viaQuery = await TestClient.join(lenient.url({ room: 'vip', name: '민지', token: 'q-token' }));
      clients.push(viaHeader, viaQuery);
      expect(seen).toEqual([jwtLike, 'q-token']);
      expect(viaHeader.all('state')[0]?.self?.playerId).toBe(`p-${jwtLike.length}`);
      expect(viaQuery.ws.protocol).toBe('');
    } finally {
      await strict.stop();
      await lenient.stop();
    }
  });

  it('loads the word pack at cold start and tries again after a failure', async () => {
    let calls = 0;
    const loading = await startQuizStack({
      loadWords: async () => {
        calls++;
        if (calls === 1) throw new Error('S3 is down');
        return ['사람', '사랑', '서랍'];
      },
    });
    try {
      await expect(TestClient.open(loading.url({ room: 'cold', name: '민지' }))).rejects.toThrow('HTTP 500');
      const client = await TestClient.join(loading.url({ room: 'cold', name: '민지' }));
      clients.push(client);

      expect(client.all('state')[0]?.pattern).toBe('ㅅㄹ');
      expect(calls).toBe(2);
    } finally {
      await loading.stop();
    }
  });
});

describe('simultaneous correct answers', () => {
  let quiz: QuizStack;
  beforeAll(async () => {
    quiz = await startQuizStack({ seed: 5, recentChat: 5 });
  });
  afterAll(async () => quiz?.stop());

  it('lets exactly one of 100 simultaneous correct answers from 50 clients win each round, and scores add up', async () => {
    // Connected without a sync each, so the room fills without 50 × 49 presence events.
    const players = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        TestClient.open(quiz.url({ room: 'race', name: `player${index}` })),
      ),
    );
    clients.push(...players);
    const rounds = 2;

    for (let race = 0; race < rounds; race++) {
      const state = await syncState(players[0]!);
      const answers = dictionary.answersFor(state.pattern);
      const marks = players.map((player) => player.events.length);

      const chatsBefore = players.map((player) => player.all('chat').length);

      players.forEach((player, index) => {
        player.send({ action: 'chat', text: answers[index % answers.length], round: state.round });
        player.send({ action: 'chat', text: answers[(index + 1) % answers.length], round: state.round });
      });
      await Promise.all(
        players.map((player, index) => player.count('chat', chatsBefore[index]! + 100, 150_000)),
      );
      await eventually(() => errorsSince(players, marks).length >= 99);
      const outcomes = players.map((player, index) => player.events.slice(marks[index]));
      const corrects = outcomes.map((events) => events.filter((event) => event.type === 'correct'));
      const errors = errorsSince(players, marks);

      expect(corrects.every((list) => list.length === 1)).toBe(true);
      expect(new Set(corrects.map((list) => JSON.stringify(list[0])))).toHaveProperty('size', 1);
      expect(errors).toHaveLength(99);
      expect(errors.every((error) => error.code === 'ROUND_TAKEN' && error.round === state.round)).toBe(true);
    }
    const final = await syncState(players[0]!);

    expect(final.round).toBe(1 + rounds);
    expect(final.players.reduce((sum, player) => sum + player.score, 0)).toBe(rounds);
    expect(final.players).toHaveLength(50);
  }, 400_000);
});

function errorsSince(
  players: readonly TestClient[],
  marks: readonly number[],
): Array<{ code: string; round?: number }> {
  return players.flatMap((player, index) =>
    player.events.slice(marks[index]).flatMap((event) => (event.type === 'error' ? [event] : [])),
  );
}

async function connectionItem(
  quiz: QuizStack,
  connectionId: string,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await quiz.stack.clients.documents.send(
    new GetCommand({ TableName: quiz.tables.connections, Key: { connectionId } }),
  );
  return Item;
}

async function connectionIdOf(quiz: QuizStack, roomId: string, name: string): Promise<string> {
  const { Items = [] } = await quiz.stack.clients.documents.send(
    new QueryCommand({
      TableName: quiz.tables.connections,
      IndexName: quiz.tables.byRoomIndex,
      KeyConditionExpression: 'roomId = :room',
      ExpressionAttributeValues: { ':room': roomId },
    }),
  );
  const item = Items.find((candidate) => candidate.name === name);
  if (!item) throw new Error(`no connection of ${name} in ${roomId}`);
  return item.connectionId as string;
}
