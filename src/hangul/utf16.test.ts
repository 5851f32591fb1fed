import { describe, expect, it } from 'vitest';
import { decodeUtf16 } from './utf16.js';

function unitsOf(text: string): Uint16Array {
  return Uint16Array.from({ length: text.length }, (_, index) => text.charCodeAt(index));
}

describe('decodeUtf16', () => {
  it('decodes a short buffer', () => {
    expect(decodeUtf16(unitsOf('ㄱㄴ'), 2, true)).toBe('ㄱㄴ');
  });

  it('decodes only the first length code units', () => {
    expect(decodeUtf16(unitsOf('ㄱㄴㄷ'), 2, false)).toBe('ㄱㄴ');
  });

  it('returns an empty string for length zero', () => {
    expect(decodeUtf16(new Uint16Array(4), 0, true)).toBe('');
  });

  it('decodes long well-formed buffers, keeping a leading U+FEFF', () => {
    const text = `\ufeff${'ㄱㄴ 😀'.repeat(5000)}`;
    expect(decodeUtf16(unitsOf(text), text.length, true)).toBe(text);
  });

  it('keeps lone surrogates in long buffers that are not declared well-formed', () => {
    const text = `${'ㄱ'.repeat(20_000)}\ud800${'ㄴ'.repeat(20_000)}\udc00`;
    expect(decodeUtf16(unitsOf(text), text.length, false)).toBe(text);
  });
});
