/**
 * `QuizRoom` against the local stack's WebSocket gateway and DynamoDB Local, with real `ws` sockets (Node's
 * `isomorphic-ws`).
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../src/local/client-config.js';
import { QuizRoom, type QuizRoomStatus } from '../../src/quiz/client.js';
import { DEFAULT_WORD_PACK } from '../../src/quiz/default-word-pack.js';
import { QuizDictionary } from '../../src/quiz/dictionary.js';
import type { ChatEvent, QuizState } from '../../src/quiz/protocol.js';
import { type QuizStack, eventually, startQuizStack, within } from './fixtures/quiz-stack.js';

const dictionary = QuizDictionary.from(DEFAULT_WORD_PACK);
const rooms: QuizRoom[] = [];

async function joinRoom(quiz: QuizStack, room: string, name: string, extra: object = {}): Promise<QuizRoom> {
  const joined = await QuizRoom.join({ url: quiz.stack.endpoints.websocket, room, name, ...extra });
  rooms.push(joined);
  return joined;
}

function nextState(room: QuizRoom, match: (state: QuizState) => boolean): Promise<QuizState> {
  return within(
    new Promise<QuizState>((resolve) => {
      const stop = room.onState((state) => {
        if (!match(state)) return;
        stop();
        resolve(state);
      });
    }),
    'a matching state',
  );
}

afterEach(async () => {
  await Promise.all(rooms.splice(0).map((room) => room.leave()));
});

describe('QuizRoom with the local stack', () => {
  let quiz: QuizStack;
  beforeAll(async () => {
    quiz = await startQuizStack({
      seed: 21,
      verifyToken: (token) => {
        if (token !== 'good-token') throw new Error('bad token');
        return { playerId: 'kakao-42' };
      },
    });
  });
  afterAll(async () => quiz?.stop());

  it('joins, answers, and sees the next round', async () => {
    const minji = await joinRoom(quiz, 'play', '민지');
    const jihun = await joinRoom(quiz, 'play', '지훈');
    const { round, pattern } = minji.state;
    const word = dictionary.answersFor(pattern)[0]!;
    const hits: string[] = [];
    jihun.onCorrect((event) => hits.push(`${event.name}:${event.word}`));
    const advanced = nextState(jihun, (state) => state.round === round + 1);

    await minji.say(word);
    const state = await advanced;

    expect(hits).toEqual([`민지:${word}`]);
    expect(state.players.find((player) => player.name === '민지')?.score).toBe(1);
    expect(state.lastRound?.answers[0]?.word).toBe(word);
  });

  it('uses the verified token as the player id and refuses a bad token', async () => {
    const player = await joinRoom(quiz, 'tokens', '민지', { token: 'good-token' });

    await expect(
      QuizRoom.join({ url: quiz.stack.endpoints.websocket, room: 'tokens', name: '도둑', token: 'forged' }),
    ).rejects.toMatchObject({ code: 'JOIN_FAILED' });
    expect(player.self.playerId).toBe('kakao-42');
  });

  it('reconnects a dropped client, re-syncs, keeps its player id and sends what it said meanwhile', async () => {
    const watcher = await joinRoom(quiz, 'drops', '관전자');
    const player = await joinRoom(quiz, 'drops', '민지', {
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    const playerId = player.self.playerId;
    const statuses: QuizRoomStatus[] = [];
    player.onStatus((status) => statuses.push(status));
    const heard = new Promise<ChatEvent>((resolve) =>
      watcher.onChat((event) => event.text === '돌아왔어요' && resolve(event)),
    );
    const management = new ApiGatewayManagementApiClient(localClientConfig(quiz.stack.endpoints.connections));
    const resynced = nextState(player, (state) => state.self !== undefined);
    // Said while the connection is down: it must wait in the queue and go out after the re-sync.
    const said = new Promise<void>((resolve, reject) => {
      const stop = player.onStatus((status) => {
        if (status !== 'reconnecting') return;
        stop();
        player.say('돌아왔어요').then(resolve, reject);
      });
    });

    await management.send(
      new DeleteConnectionCommand({ ConnectionId: await playerConnection(quiz, 'drops', '민지') }),
    );
    management.destroy();
    await resynced;
    await said;
    const chat = await within(heard, 'the chat said while reconnecting');

    expect(statuses).toEqual(['reconnecting', 'open']);
    expect(player.self.playerId).toBe(playerId);
    expect(chat.playerId).toBe(playerId);
  });

  it('keeps an idle connection open with heartbeats below the gateway idle timeout', async () => {
    const idle = await startQuizStack({}, { idleTimeoutMs: 4_000 });
    try {
      const room = await QuizRoom.join({
        url: idle.stack.endpoints.websocket,
        room: 'idle',
        name: '민지',
        heartbeatIntervalMs: 200,
      });
      rooms.push(room);
      const statuses: QuizRoomStatus[] = [];
      room.onStatus((status) => statuses.push(status));
      const startedAt = Date.now();

      // No event can stand in for time here: the gateway's idle timeout is wall time (as on AWS), so the proof
      // that it could have closed the connection is that more than two idle timeouts (2 × 4 s) have passed.
      await eventually(() => Date.now() - startedAt > 9_000, 12_000);

      expect(statuses).toEqual([]);
      expect(room.status).toBe('open');
    } finally {
      await Promise.all(rooms.splice(0).map((room) => room.leave()));
      await idle.stop();
    }
  });
});

async function playerConnection(quiz: QuizStack, roomId: string, name: string): Promise<string> {
  const { Items = [] } = await quiz.stack.clients.documents.send(
    new QueryCommand({
      TableName: quiz.tables.connections,
      IndexName: quiz.tables.byRoomIndex,
      KeyConditionExpression: 'roomId = :room',
      FilterExpression: '#name = :name',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: { ':room': roomId, ':name': name },
    }),
  );
  const id = Items[0]?.connectionId;
  if (typeof id !== 'string') throw new Error(`no connection of ${name}`);
  return id;
}
