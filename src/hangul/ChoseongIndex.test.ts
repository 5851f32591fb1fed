import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChoseongIndex } from './ChoseongIndex.js';
import { matchesChoseong } from './matchesChoseong.js';

const WORDS = [
  '사람',
  '사랑',
  '서랍',
  '서리',
  '소리',
  '강아지',
  '고양이',
  '기린',
  '사과',
  '수건',
  '아이 스크림',
];

describe('ChoseongIndex', () => {
  describe('lookup', () => {
    it('returns every word for a choseong pattern, in word-list order', () => {
      const index = ChoseongIndex.from(WORDS);
      expect(index.lookup('ㅅㄹ')).toEqual(['사람', '사랑', '서랍', '서리', '소리']);
    });

    it('returns an empty array for a pattern without words', () => {
      expect(ChoseongIndex.from(WORDS).lookup('ㅎㅎ')).toEqual([]);
    });

    it('filters the bucket for mixed patterns with whole syllables', () => {
      const index = ChoseongIndex.from(WORDS);
      expect(index.lookup('사ㄹ')).toEqual(['사람', '사랑']);
      expect(index.lookup('ㅅ리')).toEqual(['서리', '소리']);
      expect(index.lookup('ㄱ아ㅈ')).toEqual(['강아지']);
      expect(index.lookup('ㄱ아ㅇ')).toEqual([]);
    });

    it('returns an empty array for an empty or whitespace-only pattern', () => {
      const index = ChoseongIndex.from(WORDS);
      expect(index.lookup('')).toEqual([]);
      expect(index.lookup('  ')).toEqual([]);
    });

    it('ignores whitespace in patterns and words', () => {
      const index = ChoseongIndex.from(WORDS);
      expect(index.lookup('ㅅ ㄹ')).toHaveLength(5);
      expect(index.lookup('ㅇㅇㅅㅋㄹ')).toEqual(['아이 스크림']);
    });

    it('accepts NFD patterns', () => {
      const index = ChoseongIndex.from(WORDS);
      expect(index.lookup('사ㄹ'.normalize('NFD'))).toEqual(['사람', '사랑']);
      expect(index.lookup('\u1109\u1105')).toHaveLength(5);
    });

    it('finds NFD words by NFC patterns and returns them in NFC', () => {
      const index = ChoseongIndex.from(['사람'.normalize('NFD')]);
      expect(index.lookup('ㅅㄹ')).toEqual(['사람']);
      expect(index.lookup('사람')).toEqual(['사람']);
    });

    it('matches words with non-Hangul characters exactly on those characters', () => {
      const index = ChoseongIndex.from(['카페2', '카페3', '코팩']);
      expect(index.lookup('ㅋㅍ2')).toEqual(['카페2']);
      expect(index.lookup('ㅋㅍ')).toEqual(['코팩']);
    });

    it('returns an empty array for a non-string pattern', () => {
      expect(ChoseongIndex.from(WORDS).lookup(undefined as unknown as string)).toEqual([]);
    });
  });

  describe('count', () => {
    it('counts the words for a choseong pattern', () => {
      const index = ChoseongIndex.from(WORDS);
      expect(index.count('ㅅㄹ')).toBe(5);
      expect(index.count('ㄱㄹ')).toBe(1);
      expect(index.count('ㅎㅎ')).toBe(0);
    });

    it('counts the words for a mixed pattern', () => {
      expect(ChoseongIndex.from(WORDS).count('사ㄹ')).toBe(2);
    });
  });

  describe('construction', () => {
    it('keeps each word once', () => {
      const index = ChoseongIndex.from(['사람', '사람', '사랑']);
      expect(index.size).toBe(2);
      expect(index.lookup('ㅅㄹ')).toEqual(['사람', '사랑']);
    });

    it('treats NFC and NFD spellings of a word as the same word', () => {
      expect(ChoseongIndex.from(['사람', '사람'.normalize('NFD')]).size).toBe(1);
    });

    it('trims words before de-duplicating them', () => {
      const index = ChoseongIndex.from(['사람', ' 사람\r\n']);
      expect(index.size).toBe(1);
      expect(index.lookup('ㅅㄹ')).toEqual(['사람']);
    });

    it('skips empty words and non-strings', () => {
      const index = ChoseongIndex.from(['', '  ', undefined, 42, null, '사람'] as unknown as string[]);
      expect(index.size).toBe(1);
    });

    it('builds an empty index from a non-iterable', () => {
      expect(new ChoseongIndex(undefined as unknown as string[]).size).toBe(0);
      expect(new ChoseongIndex(42 as unknown as string[]).size).toBe(0);
    });

    it('accepts any iterable, such as a Set or a generator', () => {
      function* words(): Generator<string> {
        yield '사람';
        yield '사랑';
      }
      expect(new ChoseongIndex(new Set(['사람'])).size).toBe(1);
      expect(ChoseongIndex.from(words()).count('ㅅㄹ')).toBe(2);
    });

    it('reports whether it holds a word', () => {
      const index = ChoseongIndex.from(WORDS);
      expect(index.has('사람')).toBe(true);
      expect(index.has(' 사람 ')).toBe(true);
      expect(index.has('사람'.normalize('NFD'))).toBe(true);
      expect(index.has('사자')).toBe(false);
      expect(index.has(undefined as unknown as string)).toBe(false);
    });
  });

  describe('patterns', () => {
    const index = ChoseongIndex.from([...WORDS, '기름', '고래', '카페2']);

    it('lists every choseong pattern with its count, most words first', () => {
      expect(index.patterns()).toEqual([
        { pattern: 'ㅅㄹ', count: 5 },
        { pattern: 'ㄱㄹ', count: 3 },
        { pattern: 'ㅅㄱ', count: 2 },
        { pattern: 'ㄱㅇㅇ', count: 1 },
        { pattern: 'ㄱㅇㅈ', count: 1 },
        { pattern: 'ㅇㅇㅅㅋㄹ', count: 1 },
      ]);
    });

    it('leaves out patterns of words with non-Hangul characters', () => {
      expect(index.patterns().map((entry) => entry.pattern)).not.toContain('ㅋㅍ2');
    });

    it('keeps only patterns with at least minWords words', () => {
      expect(index.patterns({ minWords: 3 }).map((entry) => entry.pattern)).toEqual(['ㅅㄹ', 'ㄱㄹ']);
    });

    it('keeps only patterns with at most maxWords words', () => {
      expect(index.patterns({ maxWords: 2 }).map((entry) => entry.pattern)).toEqual([
        'ㅅㄱ',
        'ㄱㅇㅇ',
        'ㄱㅇㅈ',
        'ㅇㅇㅅㅋㄹ',
      ]);
    });

    it('keeps only patterns of an exact syllable count', () => {
      expect(index.patterns({ syllables: 3 }).map((entry) => entry.pattern)).toEqual(['ㄱㅇㅇ', 'ㄱㅇㅈ']);
    });

    it('keeps only patterns within a syllable range', () => {
      expect(index.patterns({ syllables: { min: 3 } }).map((entry) => entry.pattern)).toEqual([
        'ㄱㅇㅇ',
        'ㄱㅇㅈ',
        'ㅇㅇㅅㅋㄹ',
      ]);
      expect(index.patterns({ syllables: { max: 2 }, minWords: 2, maxWords: 4 })).toEqual([
        { pattern: 'ㄱㄹ', count: 3 },
        { pattern: 'ㅅㄱ', count: 2 },
      ]);
    });

    it('returns an empty list when no pattern fits', () => {
      expect(index.patterns({ minWords: 100 })).toEqual([]);
    });

    it('ignores NaN bounds', () => {
      expect(index.patterns({ minWords: Number.NaN, maxWords: Number.NaN })).toHaveLength(6);
    });

    it('gives counts equal to count(pattern)', () => {
      for (const { pattern, count } of index.patterns()) expect(index.count(pattern)).toBe(count);
    });
  });

  describe('mutation safety', () => {
    it('returns frozen arrays from lookup', () => {
      const index = ChoseongIndex.from(WORDS);
      expect(Object.isFrozen(index.lookup('ㅅㄹ'))).toBe(true);
      expect(Object.isFrozen(index.lookup('사ㄹ'))).toBe(true);
      expect(Object.isFrozen(index.lookup('ㅎㅎ'))).toBe(true);
    });

    it('is not changed when a caller tries to mutate a lookup result', () => {
      const index = ChoseongIndex.from(WORDS);
      const result = index.lookup('ㅅㄹ') as string[];
      expect(() => result.push('사자')).toThrow(TypeError);
      expect(() => {
        result[0] = '사자';
      }).toThrow(TypeError);
      expect(index.lookup('ㅅㄹ')).toEqual(['사람', '사랑', '서랍', '서리', '소리']);
      expect(index.count('ㅅㄹ')).toBe(5);
    });

    it('is not changed when a caller mutates the patterns list', () => {
      const index = ChoseongIndex.from(WORDS);
      const list = index.patterns();
      list[0]!.count = 99;
      list.length = 0;
      expect(index.patterns()[0]).toEqual({ pattern: 'ㅅㄹ', count: 5 });
    });

    it('is not changed when the source array changes after construction', () => {
      const words = ['사람'];
      const index = ChoseongIndex.from(words);
      words.push('사랑');
      expect(index.count('ㅅㄹ')).toBe(1);
    });
  });

  describe('properties', () => {
    const syllable = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCharCode(code));
    const smallSyllable = fc.constantFrom(...'가나다라사서소시아이자기구');
    const word = fc.array(smallSyllable, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));

    it('never throws on lookup or count with arbitrary UTF-16 patterns', () => {
      const index = ChoseongIndex.from(WORDS);
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), (pattern) => {
          expect(Array.isArray(index.lookup(pattern))).toBe(true);
          expect(index.count(pattern)).toBeGreaterThanOrEqual(0);
        }),
      );
    });

    it('never throws on lookup with arbitrary full-Unicode patterns', () => {
      const index = ChoseongIndex.from(WORDS);
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }), (pattern) => {
          expect(Array.isArray(index.lookup(pattern))).toBe(true);
        }),
      );
    });

    it('never throws when built from arbitrary strings', () => {
      fc.assert(
        fc.property(
          fc.array(fc.string({ unit: 'binary' })),
          fc.string({ unit: 'binary' }),
          (words, pattern) => {
            const index = ChoseongIndex.from(words);
            expect(index.size).toBeLessThanOrEqual(words.length);
            expect(Array.isArray(index.lookup(pattern))).toBe(true);
            expect(Array.isArray(index.patterns())).toBe(true);
          },
        ),
      );
    });

    it('returns exactly the words that matchesChoseong accepts', () => {
      const patternChar = fc.oneof(smallSyllable, fc.constantFrom(...'ㄱㄴㄷㄹㅅㅇㅈ'), syllable);
      const pattern = fc.array(patternChar, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));
      fc.assert(
        fc.property(fc.uniqueArray(word, { maxLength: 40 }), pattern, (words, query) => {
          const expected = words.filter((candidate) => matchesChoseong(candidate, query));
          expect(ChoseongIndex.from(words).lookup(query)).toEqual(expected);
        }),
      );
    });

    it('returns exactly the words that matchesChoseong accepts, for words and patterns with any jamo', () => {
      const unit = fc.oneof(
        fc.constantFrom(...'가각나사서ㄱㄴㅅㄳㅏ1a .', '\u1100', '\u1161', '\u11a8', '\u1109', '\ud800'),
        fc.integer({ min: 0xac00, max: 0xac10 }).map((code) => String.fromCharCode(code)),
      );
      const text = fc.array(unit, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
      fc.assert(
        fc.property(fc.array(text, { maxLength: 30 }), text, (words, query) => {
          const index = ChoseongIndex.from(words);
          const normalized = [...new Set(words.map((word) => word.trim().normalize('NFC')))].filter(Boolean);
          const expected = normalized.filter((candidate) => matchesChoseong(candidate, query));
          expect(index.lookup(query)).toEqual(expected);
        }),
        { numRuns: 500 },
      );
    });

    it('finds every indexed word under its own choseong pattern', () => {
      fc.assert(
        fc.property(fc.array(word, { minLength: 1, maxLength: 40 }), (words) => {
          const index = ChoseongIndex.from(words);
          const total = index.patterns().reduce((sum, entry) => sum + entry.count, 0);
          expect(total).toBe(index.size);
          expect(index.size).toBe(new Set(words).size);
        }),
      );
    });
  });
});
