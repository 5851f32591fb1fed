/** `createQuizSocketHandler` options are checked at factory time; events it cannot read never make it throw. */
import { describe, expect, it } from 'vitest';
import { createQuizSocketHandler } from '../../src/quiz/socket-handler.js';

describe('createQuizSocketHandler options', () => {
  it.each([
    [{ broadcastConcurrency: 0 }, /broadcastConcurrency/],
    [{ tables: { connections: 'a b' } }, /tables\.connections/],
    [{ managementEndpoint: 'not a url' }, /managementEndpoint/],
    [{ requireToken: true }, /requireToken needs verifyToken/],
    [{ words: ['사람'], loadWords: async () => ['사람'] }, /words or loadWords/],
    [{ rules: { answersPerRound: 0 } }, /answersPerRound/],
    [{ patterns: { minAnswers: 10_000 } }, /No choseong pattern/],
  ])('refuses %o before any I/O', (options, message) => {
    expect(() => createQuizSocketHandler(options)).toThrow(message);
  });

  it('refuses an invalid word pack, naming each bad word by index', () => {
    expect(() => createQuizSocketHandler({ words: ['사람', 'cat', '사람'] })).toThrow(
      expect.objectContaining({
        code: 'INVALID_WORD_PACK',
        issues: [
          { index: 1, word: 'cat', reason: 'not Hangul syllables only' },
          { index: 2, word: '사람', reason: 'duplicate of index 0' },
        ],
      }),
    );
  });

  it('answers an event that is not a WebSocket event with 400 instead of throwing', async () => {
    const handler = createQuizSocketHandler({ log: () => undefined });

    await expect(handler({} as never)).resolves.toMatchObject({ statusCode: 400 });
    await expect(handler(null as never)).resolves.toMatchObject({ statusCode: 400 });
  });
});
