import { describe, expect, it } from 'vitest';
import { QuizError } from './errors.js';
import { parseWordPack } from './word-pack.js';

function issuesOf(input: unknown): QuizError['issues'] {
  try {
    parseWordPack(input);
  } catch (error) {
    if (error instanceof QuizError) return error.issues;
    throw error;
  }
  throw new Error('the pack was accepted');
}

describe('parseWordPack', () => {
  it('returns the words of a valid pack in order', () => {
    expect(parseWordPack(['사람', '사랑', '서랍'])).toEqual(['사람', '사랑', '서랍']);
  });

  it('normalizes NFD words to NFC', () => {
    expect(parseWordPack(['사람'.normalize('NFD'), '나무'])).toEqual(['사람', '나무']);
  });

  it('reports every invalid word with its index', () => {
    expect(issuesOf(['사람', 'apple', '사', '가나다라마바사', '사람', 'ㄱㄴ', ' 나무', 3])).toEqual([
      { index: 1, word: 'apple', reason: 'not Hangul syllables only' },
      { index: 2, word: '사', reason: '1 syllables, not 2–6' },
      { index: 3, word: '가나다라마바사', reason: '7 syllables, not 2–6' },
      { index: 4, word: '사람', reason: 'duplicate of index 0' },
      { index: 5, word: 'ㄱㄴ', reason: 'not Hangul syllables only' },
      { index: 6, word: ' 나무', reason: 'has leading or trailing whitespace' },
      { index: 7, word: '3', reason: 'not a string (number)' },
    ]);
  });

  it('refuses input that is not a non-empty array', () => {
    expect(() => parseWordPack({ words: [] })).toThrow(/JSON array/);
    expect(() => parseWordPack([])).toThrow(/empty/);
  });

  it('names the first problems in the message and the source', () => {
    expect(() => parseWordPack(['사람', 'x'], 'animals.json')).toThrow(
      'The animals.json has 1 invalid word(s): #1 "x"',
    );
  });
});
