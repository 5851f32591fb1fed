import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as hangul from './index.js';
import { ChoseongIndex, getChoseong, isChoseong, matchesChoseong } from './index.js';

const syllable = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCharCode(code));
const hangulWord = fc.array(syllable, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));

describe('serverless-game-kit/hangul', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(hangul).sort()).toEqual([
      'CHOSEONGS',
      'ChoseongIndex',
      'getChoseong',
      'isChoseong',
      'matchesChoseong',
    ]);
  });

  it('runs the doc comment examples as documented', () => {
    expect(getChoseong('까치 2마리!')).toBe('ㄲㅊ ㅁㄹ');
    expect(getChoseong('까치 2마리!', { whitespace: 'drop' })).toBe('ㄲㅊㅁㄹ');
    expect(getChoseong('까치 2마리!', { other: 'keep' })).toBe('ㄲㅊ 2ㅁㄹ!');
    expect(getChoseong(' 강 - 지 ', { whitespace: 'collapse' })).toBe('ㄱ ㅈ');
    const index = ChoseongIndex.from(['사람', '사랑', '서랍', '강아지', '사람']);
    expect(index.size).toBe(4);
    expect(index.lookup('ㅅㄹ')).toEqual(['사람', '사랑', '서랍']);
    expect(index.lookup('사ㄹ')).toEqual(['사람', '사랑']);
    expect(index.count('ㄱㅇㅈ')).toBe(1);
    expect(index.patterns({ minWords: 2 })).toEqual([{ pattern: 'ㅅㄹ', count: 3 }]);
    const quiz = ChoseongIndex.from(['사람', '사랑', '서랍', '강아지', '고양이', '사과']);
    expect(quiz.patterns({ minWords: 2, syllables: 2 })).toEqual([{ pattern: 'ㅅㄹ', count: 3 }]);
    expect(quiz.patterns({ syllables: { min: 3 } })).toEqual([
      { pattern: 'ㄱㅇㅇ', count: 1 },
      { pattern: 'ㄱㅇㅈ', count: 1 },
    ]);
  });

  describe('properties', () => {
    it('getChoseong(word) always matches its own word', () => {
      fc.assert(
        fc.property(hangulWord, (word) => {
          expect(matchesChoseong(word, getChoseong(word))).toBe(true);
        }),
      );
    });

    it('getChoseong(word) of a Hangul word is always a choseong string of the same length', () => {
      fc.assert(
        fc.property(hangulWord, (word) => {
          const pattern = getChoseong(word);
          expect(isChoseong(pattern)).toBe(true);
          expect(pattern).toHaveLength(word.length);
        }),
      );
    });

    it('a ChoseongIndex finds every word under getChoseong(word)', () => {
      fc.assert(
        fc.property(fc.array(hangulWord, { minLength: 1, maxLength: 30 }), (words) => {
          const index = ChoseongIndex.from(words);
          for (const word of words) expect(index.lookup(getChoseong(word))).toContain(word);
        }),
      );
    });

    it('the NFD form of a Hangul word matches the choseong of its NFC form', () => {
      fc.assert(
        fc.property(hangulWord, (word) => {
          expect(matchesChoseong(word.normalize('NFD'), getChoseong(word))).toBe(true);
          expect(getChoseong(word.normalize('NFD'))).toBe(getChoseong(word));
        }),
      );
    });
  });
});
