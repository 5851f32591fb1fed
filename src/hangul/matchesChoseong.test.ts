import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesChoseong } from './matchesChoseong.js';

describe('matchesChoseong', () => {
  describe('with choseong-only patterns', () => {
    it('matches a word whose syllables start with the pattern consonants', () => {
      expect(matchesChoseong('사람', 'ㅅㄹ')).toBe(true);
      expect(matchesChoseong('강아지', 'ㄱㅇㅈ')).toBe(true);
    });

    it('rejects a word whose syllables start with other consonants', () => {
      expect(matchesChoseong('사람', 'ㅅㅁ')).toBe(false);
    });

    it('distinguishes tense consonants from plain ones', () => {
      expect(matchesChoseong('까치', 'ㄱㅊ')).toBe(false);
      expect(matchesChoseong('까치', 'ㄲㅊ')).toBe(true);
    });

    it('matches a jamo in the word against the same jamo in the pattern', () => {
      expect(matchesChoseong('ㅋㅋ', 'ㅋㅋ')).toBe(true);
    });
  });

  describe('with mixed patterns', () => {
    it('matches when the whole syllables are equal and the choseong fit', () => {
      expect(matchesChoseong('강아지', 'ㄱ아ㅈ')).toBe(true);
    });

    it('rejects when a whole syllable differs', () => {
      expect(matchesChoseong('고양이', 'ㄱ아ㅈ')).toBe(false);
      expect(matchesChoseong('강아지', 'ㄱ어ㅈ')).toBe(false);
    });

    it('does not let a whole syllable in the pattern match only by its choseong', () => {
      expect(matchesChoseong('거', '가')).toBe(false);
    });

    it('matches a word made entirely of the pattern syllables', () => {
      expect(matchesChoseong('사람', '사람')).toBe(true);
    });
  });

  describe('length', () => {
    it('rejects a word with more syllables than the pattern', () => {
      expect(matchesChoseong('사람들', 'ㅅㄹ')).toBe(false);
    });

    it('rejects a word with fewer syllables than the pattern', () => {
      expect(matchesChoseong('사', 'ㅅㄹ')).toBe(false);
    });

    it('rejects an empty pattern', () => {
      expect(matchesChoseong('사람', '')).toBe(false);
      expect(matchesChoseong('', '')).toBe(false);
    });

    it('rejects a whitespace-only pattern', () => {
      expect(matchesChoseong('사람', '  ')).toBe(false);
    });

    it('rejects an empty word', () => {
      expect(matchesChoseong('', 'ㅅ')).toBe(false);
    });
  });

  describe('whitespace', () => {
    it('ignores whitespace in the word', () => {
      expect(matchesChoseong('사 람', 'ㅅㄹ')).toBe(true);
      expect(matchesChoseong(' 사람\n', 'ㅅㄹ')).toBe(true);
    });

    it('ignores whitespace in the pattern', () => {
      expect(matchesChoseong('사람', 'ㅅ ㄹ')).toBe(true);
    });

    it('ignores whitespace in multi-word answers', () => {
      expect(matchesChoseong('아이 스크림', 'ㅇㅇㅅㅋㄹ')).toBe(true);
    });
  });

  describe('NFD input', () => {
    it('matches an NFD word', () => {
      expect(matchesChoseong('강아지'.normalize('NFD'), 'ㄱㅇㅈ')).toBe(true);
    });

    it('matches an NFD mixed pattern against an NFC word', () => {
      expect(matchesChoseong('강아지', 'ㄱ아ㅈ'.normalize('NFD'))).toBe(true);
    });

    it('treats a conjoining leading consonant in the pattern as a choseong', () => {
      expect(matchesChoseong('강아지', '\u1100\u110b\u110c')).toBe(true);
    });

    it('treats a conjoining final left after a syllable as part of that syllable', () => {
      expect(matchesChoseong('각\u11a8나', 'ㄱㄴ')).toBe(true);
    });
  });

  describe('non-Hangul characters', () => {
    it('requires other characters to be equal', () => {
      expect(matchesChoseong('카페2', 'ㅋㅍ2')).toBe(true);
      expect(matchesChoseong('카페3', 'ㅋㅍ2')).toBe(false);
    });

    it('does not match Latin letters against choseong', () => {
      expect(matchesChoseong('ab', 'ㅇㅂ')).toBe(false);
    });

    it('compares Latin letters case-sensitively', () => {
      expect(matchesChoseong('TV', 'tv')).toBe(false);
    });

    it('treats a final-only cluster in the pattern as a plain character', () => {
      expect(matchesChoseong('ㄳ', 'ㄳ')).toBe(true);
      expect(matchesChoseong('각', 'ㄳ')).toBe(false);
    });

    it('returns false for non-string arguments', () => {
      expect(matchesChoseong(undefined as unknown as string, 'ㄱ')).toBe(false);
      expect(matchesChoseong('가', null as unknown as string)).toBe(false);
    });
  });

  describe('properties', () => {
    it('never throws on arbitrary UTF-16 strings, including lone surrogates', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (word, pattern) => {
          expect(typeof matchesChoseong(word, pattern)).toBe('boolean');
        }),
      );
    });

    it('never throws on arbitrary full-Unicode strings', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (word, pattern) => {
          expect(typeof matchesChoseong(word, pattern)).toBe('boolean');
        }),
      );
    });

    it('matches any non-blank string against itself', () => {
      fc.assert(
        fc.property(
          fc.string({ unit: 'binary', minLength: 1 }).filter((text) => text.trim().length > 0),
          (text) => {
            expect(matchesChoseong(text, text)).toBe(true);
          },
        ),
      );
    });
  });
});
