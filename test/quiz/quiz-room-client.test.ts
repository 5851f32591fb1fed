/**
 * `QuizRoom`'s connection management — heartbeat, reconnect backoff, lifetime recycling, queueing — with a fake
 * WebSocket and manual timers (the end-to-end behaviour against the local stack is in quiz-room.test.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QuizRoom, type QuizRoomOptions } from '../../src/quiz/client.js';
import { QuizCloseCode } from '../../src/quiz/close-codes.js';
import { QuizError } from '../../src/quiz/errors.js';
import * as fc from 'fast-check';
import { readQuizSubprotocols } from '../../src/quiz/subprotocol.js';
import { FakeWebSocket, ManualTimers, stateEvent } from './fixtures/fake-websocket.js';

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function options(timers: ManualTimers, overrides: Partial<QuizRoomOptions> = {}): QuizRoomOptions {
  return {
    url: 'wss://quiz.example/prod',
    room: 'lobby',
    name: '민지',
    WebSocket: FakeWebSocket,
    timers,
    random: () => 0.5,
    ...overrides,
  };
}

/** Joins with a fake server that opens the socket and answers the sync. */
async function joined(timers: ManualTimers, overrides: Partial<QuizRoomOptions> = {}): Promise<QuizRoom> {
  const joining = QuizRoom.join(options(timers, overrides));
  await settle();
  FakeWebSocket.last().open();
  FakeWebSocket.last().receive(stateEvent({ self: { playerId: 'guest-1', name: '민지' } }));
  return joining;
}

/** Completes the handshake and sync of the socket the room just opened. */
async function serveReconnect(round = 1): Promise<FakeWebSocket> {
  await settle();
  const socket = FakeWebSocket.last();
  socket.open();
  socket.receive(stateEvent({ round }));
  return socket;
}

afterEach(() => {
  FakeWebSocket.reset();
});

describe('QuizRoom.join', () => {
  it('connects with the room and name in the URL, the token and player key in subprotocols, and syncs once open', async () => {
    const timers = new ManualTimers();

    const room = await joined(timers, { playerKey: 'k'.repeat(20), token: 'tok' });

    const url = new URL(FakeWebSocket.last().url);
    expect(Object.fromEntries(url.searchParams)).toEqual({ room: 'lobby', name: '민지' });
    expect(FakeWebSocket.last().protocols).toEqual([
      'sgk.quiz.v1',
      'sgk.token.dG9r',
      `sgk.player.${'k'.repeat(20)}`,
    ]);
    expect(readQuizSubprotocols(FakeWebSocket.last().protocols.join(', '))).toEqual({
      quiz: true,
      credentials: { token: 'tok', playerKey: 'k'.repeat(20) },
      invalid: false,
    });
    expect(FakeWebSocket.last().sent).toEqual([{ action: 'sync' }]);
    expect(room.status).toBe('open');
    expect(room.self.playerId).toBe('guest-1');
    expect(room.state.pattern).toBe('ㅅㄹ');
  });

  it('rejects with JOIN_FAILED when the connection closes before the state arrives', async () => {
    const timers = new ManualTimers();
    const joining = QuizRoom.join(options(timers));
    await settle();

    FakeWebSocket.last().drop(1006);

    await expect(joining).rejects.toMatchObject({ name: 'QuizError', code: 'JOIN_FAILED' });
  });

  it('rejects with JOIN_TIMEOUT when no state arrives within joinTimeoutMs', async () => {
    const timers = new ManualTimers();
    const joining = QuizRoom.join(options(timers, { joinTimeoutMs: 5_000 }));
    await settle();
    FakeWebSocket.last().open();

    timers.advance(5_000);

    await expect(joining).rejects.toMatchObject({ code: 'JOIN_TIMEOUT' });
    expect(FakeWebSocket.last().closedWith?.code).toBe(QuizCloseCode.JoinTimeout);
  });

  it('refuses invalid options before connecting', async () => {
    await expect(
      QuizRoom.join({ url: 'http://x', room: 'lobby', name: 'a', WebSocket: FakeWebSocket }),
    ).rejects.toThrow(QuizError);
    await expect(
      QuizRoom.join({ url: 'ws://x', room: 'a b', name: 'a', WebSocket: FakeWebSocket }),
    ).rejects.toThrow(/room/);
    await expect(
      QuizRoom.join({ url: 'ws://x', room: 'a', name: ' ', WebSocket: FakeWebSocket }),
    ).rejects.toThrow(/name/);
    expect(FakeWebSocket.instances).toHaveLength(0);
  });
});

describe('QuizRoom events', () => {
  it('delivers typed events to subscribers until they unsubscribe', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers);
    const words: string[] = [];
    const stop = room.onCorrect((event) => words.push(event.word));
    const correct = {
      type: 'correct',
      round: 1,
      pattern: 'ㅅㄹ',
      playerId: 'p',
      name: '민지',
      word: '사람',
      points: 1,
      score: 1,
      roundEnded: true,
    };

    FakeWebSocket.last().receive(correct);
    stop();
    FakeWebSocket.last().receive({ ...correct, word: '사랑' });

    expect(words).toEqual(['사람']);
  });

  it('keeps the state current with chat and presence events between states', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers);

    FakeWebSocket.last().receive({
      type: 'chat',
      id: 'm1',
      playerId: 'p2',
      name: '지훈',
      text: '안녕',
      ts: 5,
    });
    FakeWebSocket.last().receive({
      type: 'presence',
      event: 'join',
      playerId: 'p2',
      name: '지훈',
      playerCount: 2,
    });

    expect(room.state.chat.map((line) => line.text)).toEqual(['안녕']);
    expect(room.state.playerCount).toBe(2);
    expect(room.state.players.map((player) => player.name)).toEqual(['지훈']);
  });

  it('ignores frames that are not quiz events', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers);
    const errors = vi.fn();
    room.onError(errors);

    FakeWebSocket.last().receive({ message: 'Internal server error' });

    expect(errors).not.toHaveBeenCalled();
    expect(room.status).toBe('open');
  });
});

describe('QuizRoom heartbeat and lifetime', () => {
  it('pings below the idle limit and keeps the connection while pongs come back', async () => {
    const timers = new ManualTimers();
    await joined(timers, { heartbeatIntervalMs: 240_000, pongTimeoutMs: 20_000 });
    const socket = FakeWebSocket.last();

    timers.advance(240_000);
    const [ping] = socket.sentActions('ping');
    socket.receive({ type: 'pong', id: ping!.id as number, serverTime: 1 });
    timers.advance(240_000);

    expect(socket.sentActions('ping')).toHaveLength(2);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('drops a connection whose pong is late and reconnects', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers, { heartbeatIntervalMs: 240_000, pongTimeoutMs: 20_000 });
    const first = FakeWebSocket.last();

    timers.advance(260_000);

    expect(first.closedWith?.code).toBe(QuizCloseCode.HeartbeatTimeout);
    expect(room.status).toBe('reconnecting');
  });

  it('reconnects before the 2-hour limit and re-syncs', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers, { maxConnectionMs: 6_900_000, heartbeatIntervalMs: 10_000_000 });
    const first = FakeWebSocket.last();
    const states = vi.fn();
    room.onState(states);

    timers.advance(6_900_000);
    const second = await serveReconnect(4);

    expect(first.closedWith?.code).toBe(QuizCloseCode.Recycle);
    expect(second).not.toBe(first);
    expect(second.sentActions('sync')).toHaveLength(1);
    expect(states).toHaveBeenCalledWith(expect.objectContaining({ round: 4 }));
    expect(room.status).toBe('open');
  });
});

describe('QuizRoom reconnects', () => {
  it('waits with exponential backoff and jitter between attempts', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers, {
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 8_000, maxAttempts: 10 },
    });
    const delays: number[] = [];
    room.onReconnecting((event) => delays.push(event.delayMs));

    for (let attempt = 0; attempt < 5; attempt++) {
      FakeWebSocket.last().drop(1006);
      timers.advance(10_000);
      await settle();
    }

    // random() = 0.5: half of min(8000, 1000 × 2^(n-1)).
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
  });

  it('re-syncs after a drop and sends the messages said meanwhile, in order', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers);
    FakeWebSocket.last().drop(1001);

    const sent = Promise.all([room.say('사람'), room.say('서랍')]);
    timers.advance(60_000);
    const socket = await serveReconnect(2);
    await sent;

    expect(socket.sent).toEqual([
      { action: 'sync' },
      { action: 'chat', text: '사람', round: 1 },
      { action: 'chat', text: '서랍', round: 1 },
    ]);
    expect(room.state.round).toBe(2);
  });

  it('rejects messages beyond maxQueuedMessages while reconnecting', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers, { maxQueuedMessages: 1 });
    FakeWebSocket.last().drop(1006);

    const queued = room.say('하나');
    const refused = room.say('둘');

    await expect(refused).rejects.toMatchObject({ code: 'QUEUE_FULL' });
    timers.advance(60_000);
    await serveReconnect();
    await expect(queued).resolves.toBeUndefined();
  });

  it('gives up after maxAttempts: fires onLeave once and rejects the queued messages', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers, { reconnect: { maxAttempts: 2 } });
    const leaves = vi.fn();
    room.onLeave(leaves);
    FakeWebSocket.last().drop(1006);
    const queued = room.say('사람').catch((error: unknown) => error);

    for (let attempt = 0; attempt < 3; attempt++) {
      timers.advance(60_000);
      await settle();
      FakeWebSocket.last().drop(1006);
    }

    expect(await queued).toMatchObject({ code: 'CONNECTION_LOST' });
    expect(leaves).toHaveBeenCalledTimes(1);
    expect(leaves).toHaveBeenCalledWith(expect.objectContaining({ code: QuizCloseCode.ReconnectFailed }));
    expect(room.status).toBe('closed');
  });

  it('asks the token function again for every connection', async () => {
    const timers = new ManualTimers();
    let issued = 0;
    await joined(timers, { token: () => `token-${++issued}` });

    FakeWebSocket.last().drop(1006);
    timers.advance(60_000);
    await serveReconnect();

    expect(readQuizSubprotocols(FakeWebSocket.last().protocols.join(',')).credentials.token).toBe('token-2');
  });

  it('never puts the token or the player key in any URL it builds, across reconnects (any token, any key)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/),
        async (token, playerKey) => {
          FakeWebSocket.reset();
          const timers = new ManualTimers();
          const room = await joined(timers, { token, playerKey });
          FakeWebSocket.last().drop(1006);
          timers.advance(60_000);
          await serveReconnect();
          expect(FakeWebSocket.instances).toHaveLength(2);
          for (const socket of FakeWebSocket.instances) {
            // The URL is exactly the endpoint, room and name: nothing else can hide in it.
            expect(socket.url).toBe(`wss://quiz.example/prod?room=lobby&name=${encodeURIComponent('민지')}`);
            expect(readQuizSubprotocols(socket.protocols.join(',')).credentials).toEqual({
              token,
              playerKey,
            });
          }
          const leaving = room.leave();
          timers.advance(5_000);
          await leaving;
        },
      ),
      { numRuns: 30, seed: 14 },
    );
  });

  it('puts them in the query string only when asked to (credentialsInQuery)', async () => {
    const timers = new ManualTimers();
    await joined(timers, { token: 'tok', playerKey: 'k'.repeat(20), credentialsInQuery: true });

    expect(Object.fromEntries(new URL(FakeWebSocket.last().url).searchParams)).toEqual({
      room: 'lobby',
      name: '민지',
      player: 'k'.repeat(20),
      token: 'tok',
    });
    expect(FakeWebSocket.last().protocols).toEqual(['sgk.quiz.v1']);
  });
});

describe('QuizRoom and rate limits', () => {
  it('reports RATE_LIMITED and holds messages back for retryAfterMs, then sends them in order', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers);
    const socket = FakeWebSocket.last();
    const errors: string[] = [];
    room.onError((error) => errors.push(error.code));

    socket.receive({ type: 'error', code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 1_500 });
    const first = room.say('하나');
    const second = room.say('둘');
    await settle();
    expect(socket.sent).toEqual([{ action: 'sync' }]);
    timers.advance(1_499);
    await settle();
    expect(socket.sent).toHaveLength(1);
    timers.advance(1);
    await Promise.all([first, second]);

    expect(errors).toEqual(['RATE_LIMITED']);
    expect(socket.sent.slice(1)).toEqual([
      { action: 'chat', text: '하나', round: 1 },
      { action: 'chat', text: '둘', round: 1 },
    ]);
  });

  it('leaves with close code 1008 and does not reconnect when the server disconnects it for flooding', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers);
    const left: number[] = [];
    room.onLeave(({ code }) => left.push(code));

    FakeWebSocket.last().receive({
      type: 'error',
      code: 'RATE_LIMITED',
      message: 'Too many messages: disconnected.',
      closeCode: 1008,
    });
    FakeWebSocket.last().drop(1000);
    timers.advance(120_000);
    await settle();

    expect(left).toEqual([QuizCloseCode.PolicyViolation]);
    expect(room.status).toBe('closed');
    expect(FakeWebSocket.instances).toHaveLength(1);
    await expect(room.say('다시')).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
  });
});

describe('QuizRoom.say and leave', () => {
  it('rejects empty, whitespace-only and over-long texts without sending them', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers);

    await expect(room.say('')).rejects.toMatchObject({ code: 'INVALID_TEXT' });
    await expect(room.say('  \n ')).rejects.toMatchObject({ code: 'INVALID_TEXT' });
    await expect(room.say('가'.repeat(501))).rejects.toMatchObject({ code: 'INVALID_TEXT' });
    expect(FakeWebSocket.last().sentActions('chat')).toEqual([]);
  });

  it('leaves with close code 4000, fires onLeave once and refuses later messages', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers);
    const leaves = vi.fn();
    room.onLeave(leaves);
    const socket = FakeWebSocket.last();

    const leaving = room.leave();
    socket.drop(QuizCloseCode.Left);
    await leaving;
    await room.leave();

    expect(socket.closedWith?.code).toBe(QuizCloseCode.Left);
    expect(leaves).toHaveBeenCalledTimes(1);
    await expect(room.say('사람')).rejects.toMatchObject({ code: 'LEFT' });
    expect(room.status).toBe('closed');
  });

  it('syncs when a timed round should have ended', async () => {
    const timers = new ManualTimers();
    const room = await joined(timers, { random: () => 0 });
    FakeWebSocket.last().receive(stateEvent({ round: 2, serverTime: 1_000, roundEndsAt: 31_000 }));

    timers.advance(30_000);

    expect(FakeWebSocket.last().sentActions('sync')).toHaveLength(2);
    expect(room.state.round).toBe(2);
  });
});
