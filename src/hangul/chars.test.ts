import { describe, expect, it } from 'vitest';
import { choseongCodeOf, isWhitespaceCode, toComposedHangul } from './chars.js';
import { WHITESPACE_CODES } from './constants.js';

describe('chars', () => {
  it('treats exactly the code units JavaScript \\s matches as whitespace', () => {
    const mismatches: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (isWhitespaceCode(code) !== /\s/.test(String.fromCharCode(code))) mismatches.push(code);
    }
    expect(mismatches).toEqual([]);
  });

  it('lists exactly the code units JavaScript \\s matches in WHITESPACE_CODES', () => {
    const expected: number[] = [];
    for (let code = 0; code <= 0xffff; code++) if (/\s/.test(String.fromCharCode(code))) expected.push(code);
    expect([...WHITESPACE_CODES]).toEqual(expected);
  });

  it('gives -1 as the choseong of characters that have none', () => {
    expect(choseongCodeOf('a'.charCodeAt(0))).toBe(-1);
    expect(choseongCodeOf('ㄳ'.charCodeAt(0))).toBe(-1);
    expect(choseongCodeOf('ㅏ'.charCodeAt(0))).toBe(-1);
  });

  it('returns strings without conjoining jamo unchanged', () => {
    const text = '강아지 abc';
    expect(toComposedHangul(text)).toBe(text);
  });

  it('composes strings that contain conjoining jamo', () => {
    expect(toComposedHangul('강아지'.normalize('NFD'))).toBe('강아지');
  });
});
