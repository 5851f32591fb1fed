import { describe, expect, it } from 'vitest';
import type { Timers } from '../../core/backoff.js';
import { QuizDictionary } from '../dictionary.js';
import { createGame, resolveQuizRules } from '../game.js';
import type { ConnectionRecord, QuizStore } from '../room-store.js';
import type { RoomReader } from './room-snapshot.js';
import { RoundCommits } from './round-commits.js';

const dictionary = QuizDictionary.from(['사람', '사랑', '서랍', '수레'], { minAnswers: 3 });
const game = createGame({ roomId: 'lobby', gameId: 'g1', seed: 1 }, dictionary, 0);
const connection: ConnectionRecord = {
  connectionId: 'c1',
  roomId: 'lobby',
  name: 'p1',
  playerId: 'p1',
  connectedAt: 0,
  ttl: 0,
};

/** Timers that record every wait and end it on the next microtask. */
function recordingTimers(): Timers & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    setTimeout: (callback, ms) => {
      waits.push(ms);
      queueMicrotask(callback);
      return waits.length;
    },
    clearTimeout: () => undefined,
  };
}

/**
 * A room whose conditional writes lose `losses` times to another writer that touches neither the round nor the
 * answers (a join, a chat line): the contention a busy room has, which a local table cannot be made to
 * produce on demand.
 */
function contendedRoom(losses: number) {
  let version = game.version;
  let commits = 0;
  const store = {
    commitAnswer: () => Promise.resolve(++commits > losses ? 'ok' : 'stale'),
  } as unknown as QuizStore;
  const rooms = {
    ttlAt: () => 0,
    loadGame: () => Promise.resolve({ ...game, version: ++version }),
  } as unknown as RoomReader;
  return { store, rooms, commits: () => commits };
}

/** Answers in a room whose writes lose `losses` times, with the retry waits drawn from `random`. */
async function answerUnderContention(losses: number, random: () => number) {
  const room = contendedRoom(losses);
  const timers = recordingTimers();
  const rounds = new RoundCommits(
    room.store,
    room.rooms,
    resolveQuizRules(),
    { maxAnswerAttempts: 8 },
    { random, timers },
  );
  const outcome = await rounds.answer(connection, game, '사람', dictionary, 0);
  return { outcome, commits: room.commits(), waits: timers.waits };
}

describe('RoundCommits.answer under contention', () => {
  it('retries with full-jitter waits below 5 ms doubling up to 75 ms, then answers BUSY without a last wait', async () => {
    const { outcome, commits, waits } = await answerUnderContention(Infinity, () => 0.999_999_9);

    expect(outcome).toMatchObject({ kind: 'rejected', error: { code: 'BUSY' } });
    expect(commits).toBe(8);
    expect(waits).toEqual([4, 9, 19, 39, 74, 74, 74]);
  });

  it('draws each wait from the injected random source (0 waits nothing)', async () => {
    const { outcome, commits, waits } = await answerUnderContention(3, () => 0);

    expect(outcome.kind).toBe('won');
    expect(commits).toBe(4);
    expect(waits).toEqual([0, 0, 0]);
  });
});
