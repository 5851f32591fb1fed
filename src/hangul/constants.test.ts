import { describe, expect, it } from 'vitest';
import { CHOSEONGS, COMPAT_IS_CHOSEONG, SYLLABLE_CHOSEONG } from './constants.js';

describe('constants', () => {
  it('lists the 19 choseong in Unicode order as compatibility jamo', () => {
    expect(CHOSEONGS.join('')).toBe('ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ');
  });

  it('freezes the choseong list', () => {
    expect(Object.isFrozen(CHOSEONGS)).toBe(true);
  });

  it('has a choseong for every one of the 11,172 syllables', () => {
    expect(SYLLABLE_CHOSEONG).toHaveLength(11_172);
    expect(SYLLABLE_CHOSEONG.every((code) => code >= 0x3131 && code <= 0x314e)).toBe(true);
  });

  it('marks exactly 19 compatibility consonants as choseong', () => {
    expect(COMPAT_IS_CHOSEONG.reduce((sum, flag) => sum + flag, 0)).toBe(19);
  });
});
