import { describe, expect, it } from 'vitest';
import type { QuizState } from './protocol.js';
import { CLIENT_CHAT_HISTORY, applyChat, applyPresence } from './state-reducer.js';

const base: QuizState = {
  type: 'state',
  roomId: 'r',
  round: 1,
  pattern: 'ㅅㄹ',
  roundStartedAt: 0,
  answersPerRound: 1,
  answers: [],
  players: [{ playerId: 'a', name: '가', score: 3, answers: 3, rank: 1, connected: true }],
  playerCount: 1,
  chat: [],
  serverTime: 0,
};

describe('applyChat', () => {
  it('appends a line once and keeps the last lines only', () => {
    let state = base;
    for (let index = 0; index < CLIENT_CHAT_HISTORY + 5; index++) {
      state = applyChat(state, {
        type: 'chat',
        id: `m${index}`,
        playerId: 'a',
        name: '가',
        text: `${index}`,
        ts: index,
      });
    }
    const again = applyChat(state, {
      type: 'chat',
      id: `m${CLIENT_CHAT_HISTORY + 4}`,
      playerId: 'a',
      name: '가',
      text: 'x',
      ts: 0,
    });

    expect(state.chat).toHaveLength(CLIENT_CHAT_HISTORY);
    expect(state.chat[0]?.text).toBe('5');
    expect(again).toBe(state);
  });
});

describe('applyPresence', () => {
  it('lists a joining player and marks a leaving one as disconnected', () => {
    const joined = applyPresence(base, {
      type: 'presence',
      event: 'join',
      playerId: 'b',
      name: '나',
      playerCount: 2,
    });
    const left = applyPresence(joined, {
      type: 'presence',
      event: 'leave',
      playerId: 'a',
      name: '가',
      playerCount: 1,
    });

    expect(joined.players.map((player) => [player.playerId, player.rank])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(left.players.find((player) => player.playerId === 'a')?.connected).toBe(false);
    expect(left.playerCount).toBe(1);
  });
});
