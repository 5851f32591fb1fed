import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isChoseong } from './isChoseong.js';

describe('isChoseong', () => {
  it('accepts a string of choseong', () => {
    expect(isChoseong('ㄱㅇㅈ')).toBe(true);
  });

  it('accepts every one of the 19 choseong', () => {
    expect(isChoseong('ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ')).toBe(true);
  });

  it('accepts choseong separated by whitespace', () => {
    expect(isChoseong(' ㅅㄹ ㅇ\n')).toBe(true);
  });

  it('rejects whitespace alone', () => {
    expect(isChoseong('  ')).toBe(false);
  });

  it('rejects the empty string', () => {
    expect(isChoseong('')).toBe(false);
  });

  it('rejects whole syllables', () => {
    expect(isChoseong('ㄱ아ㅈ')).toBe(false);
  });

  it('rejects vowel jamo', () => {
    expect(isChoseong('ㅏ')).toBe(false);
  });

  it('rejects consonant clusters that can only be finals', () => {
    for (const cluster of 'ㄳㄵㄶㄺㄻㄼㄽㄾㄿㅀㅄ') expect(isChoseong(cluster)).toBe(false);
  });

  it('rejects conjoining (NFD) leading consonants', () => {
    expect(isChoseong('\u1100')).toBe(false);
  });

  it('rejects digits, Latin letters and punctuation', () => {
    expect(isChoseong('ㄱ1')).toBe(false);
    expect(isChoseong('ㄱa')).toBe(false);
    expect(isChoseong('ㄱ?')).toBe(false);
  });

  it('returns false for non-string input', () => {
    expect(isChoseong(undefined as unknown as string)).toBe(false);
    expect(isChoseong(['ㄱ'] as unknown as string)).toBe(false);
  });

  it('never throws on arbitrary UTF-16 strings, including lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(typeof isChoseong(text)).toBe('boolean');
      }),
    );
  });

  it('never throws on arbitrary full-Unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(typeof isChoseong(text)).toBe('boolean');
      }),
    );
  });

  it('accepts any non-empty sequence of choseong', () => {
    const choseong = fc.constantFrom(...'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ');
    fc.assert(
      fc.property(fc.array(choseong, { minLength: 1, maxLength: 10 }), (letters) => {
        expect(isChoseong(letters.join(''))).toBe(true);
      }),
    );
  });
});
