/** The socket handler's parts, each on its own: the word source, the frame parser, the `state` builder. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORD_PACK } from '../../src/quiz/default-word-pack.js';
import { QuizDictionary } from '../../src/quiz/dictionary.js';
import { createGame, resolveQuizRules } from '../../src/quiz/game.js';
import { createDictionarySource } from '../../src/quiz/socket/dictionary-source.js';
import { stateOf } from '../../src/quiz/socket/room-snapshot.js';
import { parseClientMessage } from '../../src/quiz/socket/routes/message.js';

describe('createDictionarySource', () => {
  it('loads the words once, and again after a failed load', async () => {
    let calls = 0;
    const source = createDictionarySource({
      loadWords: async () => {
        calls++;
        if (calls === 1) throw new Error('S3 is down');
        return DEFAULT_WORD_PACK;
      },
    });
    await expect(source()).rejects.toThrow('S3 is down');
    const [first, second] = await Promise.all([source(), source()]);
    expect(first).toBe(second);
    expect(calls).toBe(2);
  });

  it('builds the given words at once and refuses a bad pack before any call', () => {
    expect(() => createDictionarySource({ words: ['사람', 'cat'] })).toThrow(/cat/);
  });
});

describe('parseClientMessage', () => {
  it.each([
    [{ body: '{"action":"ping"}' }, { message: { action: 'ping' } }],
    [{ body: 'nope' }, { error: expect.objectContaining({ code: 'INVALID_JSON' }) }],
    [{ body: '[1]' }, { error: expect.objectContaining({ code: 'INVALID_MESSAGE' }) }],
    [{ body: '{"action":"dance"}' }, { error: expect.objectContaining({ code: 'UNKNOWN_ACTION' }) }],
    [
      { body: 'AA==', isBase64Encoded: true },
      { error: expect.objectContaining({ code: 'BINARY_NOT_SUPPORTED' }) },
    ],
    [
      { body: `{"action":"chat","text":"${'가'.repeat(20_000)}"}` },
      { error: expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }) },
    ],
    [{ body: '{"action":"chat","text":7}' }, { error: expect.objectContaining({ code: 'INVALID_MESSAGE' }) }],
    [{}, { error: expect.objectContaining({ code: 'INVALID_JSON' }) }],
  ])('%o → %o', (event, expected) => {
    expect(parseClientMessage({ requestContext: { connectionId: 'c=' }, ...event })).toEqual(expected);
  });
});

describe('stateOf', () => {
  it('ranks scorers and connected players once each, marks who is connected, and names self', () => {
    const dict = QuizDictionary.from(DEFAULT_WORD_PACK);
    const rules = resolveQuizRules();
    const game = createGame({ roomId: 'lobby', gameId: 'g1', seed: 1 }, dict, 1_000);
    const member = (connectionId: string, playerId: string, name: string) => ({
      connectionId,
      roomId: 'lobby',
      name,
      playerId,
      connectedAt: 1,
      ttl: 2,
    });
    const state = stateOf(
      {
        game,
        scores: [
          { playerId: 'a', name: 'A', score: 3, answers: 3 },
          { playerId: 'gone', name: 'G', score: 1, answers: 1 },
        ],
        members: [member('c1', 'a', 'A'), member('c2', 'a', 'A'), member('c3', 'b', 'B')],
        chat: [],
      },
      rules,
      { maxPlayersInState: 2 },
      5_000,
      member('c3', 'b', 'B'),
    );
    expect(state.playerCount).toBe(2);
    expect(state.players.map((player) => [player.playerId, player.connected])).toEqual([
      ['a', true],
      ['gone', false],
    ]);
    expect(state.self).toEqual({ playerId: 'b', name: 'B' });
    expect(state.serverTime).toBe(5_000);
  });
});
