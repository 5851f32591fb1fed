import { getChoseong as esHangulGetChoseong } from 'es-hangul';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getChoseong, type GetChoseongOptions } from './getChoseong.js';

/** Written out independently of the source tables: choseong index → compatibility jamo. */
const EXPECTED_CHOSEONG = [...'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ'];
const ALL_SYLLABLES = Array.from({ length: 11_172 }, (_, offset) => String.fromCharCode(0xac00 + offset));

/** A deliberately naive reference implementation of the documented rules, to check the optimized one. */
function referenceGetChoseong(text: string, options: GetChoseongOptions): string {
  const whitespace = options.whitespace ?? 'keep';
  const keepOther = options.other === 'keep';
  const keepLoneJamo = options.loneJamo !== 'drop';
  const SPACE_MARK = null;
  const pieces: (string | null)[] = [];
  const isSyllable = (code: number): boolean => code >= 0xac00 && code <= 0xd7a3;
  const isTail = (code: number): boolean =>
    (code >= 0x1161 && code <= 0x1175) || (code >= 0x11a8 && code <= 0x11c2);
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const code = text.charCodeAt(i);
    if (isSyllable(code)) {
      pieces.push(EXPECTED_CHOSEONG[Math.floor((code - 0xac00) / 588)]!);
    } else if (/\s/.test(char)) {
      if (whitespace === 'keep') pieces.push(char);
      else if (whitespace === 'collapse') pieces.push(SPACE_MARK);
    } else if (code >= 0x1100 && code <= 0x1112) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0x1161 && next <= 0x1175) {
        pieces.push(EXPECTED_CHOSEONG[code - 0x1100]!);
        i++;
        while (isTail(text.charCodeAt(i + 1))) i++;
      } else if (keepLoneJamo) {
        pieces.push(EXPECTED_CHOSEONG[code - 0x1100]!);
      }
    } else if (isTail(code)) {
      if (i > 0 && isSyllable(text.charCodeAt(i - 1))) {
        while (isTail(text.charCodeAt(i + 1))) i++;
      } else if (keepOther) {
        pieces.push(char);
      }
    } else if (EXPECTED_CHOSEONG.includes(char)) {
      if (keepLoneJamo) pieces.push(char);
    } else if (keepOther) {
      pieces.push(char);
    }
  }
  if (whitespace !== 'collapse') return pieces.join('');
  let result = '';
  let pendingSpace = false;
  for (const piece of pieces) {
    if (piece === SPACE_MARK) {
      pendingSpace = result.length > 0;
    } else {
      if (pendingSpace) result += ' ';
      pendingSpace = false;
      result += piece;
    }
  }
  return result;
}

describe('getChoseong', () => {
  describe('on precomposed syllables', () => {
    it('extracts the initial consonant of common words', () => {
      expect(getChoseong('강아지')).toBe('ㄱㅇㅈ');
      expect(getChoseong('까치')).toBe('ㄲㅊ');
      expect(getChoseong('사람')).toBe('ㅅㄹ');
      expect(getChoseong('힣')).toBe('ㅎ');
    });

    it('agrees with Unicode arithmetic on every one of the 11,172 syllables', () => {
      const mismatches: string[] = [];
      for (let code = 0xac00; code <= 0xd7a3; code++) {
        const expected = EXPECTED_CHOSEONG[Math.floor((code - 0xac00) / 588)];
        const actual = getChoseong(String.fromCharCode(code));
        if (actual !== expected) mismatches.push(`U+${code.toString(16)}: ${actual} != ${expected}`);
      }
      expect(EXPECTED_CHOSEONG).toHaveLength(19);
      expect(mismatches).toEqual([]);
    });

    it('returns one choseong per syllable when given all 11,172 syllables as one string', () => {
      const expected = ALL_SYLLABLES.map((_, offset) => EXPECTED_CHOSEONG[Math.floor(offset / 588)]).join('');
      expect(getChoseong(ALL_SYLLABLES.join(''))).toBe(expected);
    });

    it('gives the same output as es-hangul on every one of the 11,172 syllables', () => {
      const mismatches = ALL_SYLLABLES.filter(
        (syllable) => getChoseong(syllable) !== esHangulGetChoseong(syllable),
      );
      expect(mismatches).toEqual([]);
      expect(getChoseong(ALL_SYLLABLES.join(''))).toBe(esHangulGetChoseong(ALL_SYLLABLES.join('')));
    });

    it('outputs only the 19 compatibility choseong for syllables', () => {
      const output = new Set(getChoseong(ALL_SYLLABLES.join('')));
      expect([...output].sort()).toEqual([...EXPECTED_CHOSEONG].sort());
    });
  });

  describe('on NFD (decomposed) input', () => {
    it('gives the same output for the NFD form of every one of the 11,172 syllables', () => {
      const mismatches = ALL_SYLLABLES.filter(
        (syllable) => getChoseong(syllable.normalize('NFD')) !== getChoseong(syllable),
      );
      expect(mismatches).toEqual([]);
    });

    it('reads a leading consonant, vowel and final consonant as one syllable', () => {
      expect(getChoseong('\u1100\u1161\u11bc')).toBe('ㄱ');
      expect(getChoseong('강아지'.normalize('NFD'))).toBe('ㄱㅇㅈ');
    });

    it('handles a whole NFD sentence with spaces like its NFC form', () => {
      const sentence = '다람쥐 헌 쳇바퀴에 타고파';
      expect(getChoseong(sentence.normalize('NFD'))).toBe(getChoseong(sentence));
      expect(getChoseong(sentence)).toBe('ㄷㄹㅈ ㅎ ㅊㅂㅋㅇ ㅌㄱㅍ');
    });

    it('turns a lone conjoining leading consonant into its compatibility choseong', () => {
      expect(getChoseong('\u1100')).toBe('ㄱ');
      expect(getChoseong('\u1112')).toBe('ㅎ');
      expect(getChoseong('\u1100 \u1101')).toBe('ㄱ ㄲ');
    });

    it('maps all 19 conjoining leading consonants in order', () => {
      const leading = Array.from({ length: 19 }, (_, index) => String.fromCharCode(0x1100 + index)).join('');
      expect(getChoseong(leading)).toBe(EXPECTED_CHOSEONG.join(''));
    });

    it('consumes a conjoining final that follows a precomposed syllable', () => {
      expect(getChoseong('가\u11a8나')).toBe('ㄱㄴ');
    });

    it('drops stray conjoining vowels and finals by default', () => {
      expect(getChoseong('\u1161\u11a8')).toBe('');
    });

    it('keeps stray conjoining vowels when other characters are kept', () => {
      expect(getChoseong('\u1161', { other: 'keep' })).toBe('\u1161');
    });

    it('gives the same output for mixed NFC and NFD text', () => {
      const mixed = `강${'아'.normalize('NFD')}지`;
      expect(getChoseong(mixed)).toBe('ㄱㅇㅈ');
    });
  });

  describe('with default options', () => {
    it('keeps spaces', () => {
      expect(getChoseong('띄어 쓰기')).toBe('ㄸㅇ ㅆㄱ');
    });

    it('keeps every kind of whitespace as-is', () => {
      expect(getChoseong('가\t나\n다\u3000라\u00a0마')).toBe('ㄱ\tㄴ\nㄷ\u3000ㄹ\u00a0ㅁ');
    });

    it('keeps a leading byte order mark, which is whitespace', () => {
      const long = `\ufeff${'가'.repeat(2000)}`;
      expect(getChoseong(long)).toBe(`\ufeff${'ㄱ'.repeat(2000)}`);
    });

    it('drops digits, Latin letters and punctuation', () => {
      expect(getChoseong('네이버123 abc!?')).toBe('ㄴㅇㅂ ');
    });

    it('drops emoji and other astral characters', () => {
      expect(getChoseong('고양이😺𝕏')).toBe('ㄱㅇㅇ');
    });

    it('keeps lone compatibility choseong', () => {
      expect(getChoseong('ㄱㅋㅋ')).toBe('ㄱㅋㅋ');
    });

    it('drops vowel jamo', () => {
      expect(getChoseong('ㅠㅠ ㅏ')).toBe(' ');
    });

    it('drops consonant clusters that can only be finals', () => {
      expect(getChoseong('ㄳㄵㄶㄺㅀㅄ')).toBe('');
    });

    it('returns an empty string for an empty string', () => {
      expect(getChoseong('')).toBe('');
    });
  });

  describe('with the whitespace option', () => {
    it('drops whitespace when whitespace is drop', () => {
      expect(getChoseong(' 띄어 쓰기\n', { whitespace: 'drop' })).toBe('ㄸㅇㅆㄱ');
    });

    it('collapses a run of whitespace to one space when whitespace is collapse', () => {
      expect(getChoseong('띄어 \t\n 쓰기', { whitespace: 'collapse' })).toBe('ㄸㅇ ㅆㄱ');
    });

    it('trims leading and trailing whitespace when whitespace is collapse', () => {
      expect(getChoseong('  띄어 쓰기 \n', { whitespace: 'collapse' })).toBe('ㄸㅇ ㅆㄱ');
    });

    it('collapses whitespace around dropped characters when whitespace is collapse', () => {
      expect(getChoseong('강 - 지', { whitespace: 'collapse' })).toBe('ㄱ ㅈ');
    });

    it('turns other whitespace into a plain space when whitespace is collapse', () => {
      expect(getChoseong('가\u3000나', { whitespace: 'collapse' })).toBe('ㄱ ㄴ');
    });

    it('returns an empty string for whitespace only when whitespace is collapse', () => {
      expect(getChoseong(' \n\t ', { whitespace: 'collapse' })).toBe('');
    });

    it('falls back to keep for an unknown whitespace value', () => {
      expect(getChoseong('가 나', { whitespace: 'bogus' as 'keep' })).toBe('ㄱ ㄴ');
    });
  });

  describe('with the other option', () => {
    it('keeps digits, Latin letters and punctuation when other is keep', () => {
      expect(getChoseong('네이버123 abc!?', { other: 'keep' })).toBe('ㄴㅇㅂ123 abc!?');
    });

    it('keeps surrogate pairs intact when other is keep', () => {
      expect(getChoseong('고양이😺', { other: 'keep' })).toBe('ㄱㅇㅇ😺');
    });

    it('keeps lone surrogates unchanged when other is keep', () => {
      expect(getChoseong('가\ud800나\udc00', { other: 'keep' })).toBe('ㄱ\ud800ㄴ\udc00');
    });

    it('keeps lone surrogates in long output when other is keep', () => {
      const text = `${'가'.repeat(10_000)}\ud800`;
      expect(getChoseong(text, { other: 'keep' })).toBe(`${'ㄱ'.repeat(10_000)}\ud800`);
    });

    it('keeps vowel jamo and final-only clusters when other is keep', () => {
      expect(getChoseong('ㅠㅠㄳ', { other: 'keep' })).toBe('ㅠㅠㄳ');
    });

    it('keeps NUL and U+0001 when other is keep', () => {
      expect(getChoseong('\u0000가\u0001', { other: 'keep' })).toBe('\u0000ㄱ\u0001');
    });

    it('drops NUL and U+0001 by default', () => {
      expect(getChoseong('\u0000가\u0001')).toBe('ㄱ');
    });

    it('gives the same output as es-hangul keepNonHangul on ASCII and Korean text', () => {
      const text = '네이버123, 카카오! ㅋㅋ ㅠㅠ API 2024년';
      expect(getChoseong(text, { other: 'keep' })).toBe(esHangulGetChoseong(text, { keepNonHangul: true }));
    });
  });

  describe('with the loneJamo option', () => {
    it('drops lone compatibility choseong when loneJamo is drop', () => {
      expect(getChoseong('ㅋㅋ 웃겨', { loneJamo: 'drop' })).toBe(' ㅇㄱ');
    });

    it('drops a lone conjoining leading consonant when loneJamo is drop', () => {
      expect(getChoseong('\u1100', { loneJamo: 'drop' })).toBe('');
    });

    it('still reads NFD syllables when loneJamo is drop', () => {
      expect(getChoseong('강'.normalize('NFD'), { loneJamo: 'drop' })).toBe('ㄱ');
    });

    it('drops lone choseong but keeps other characters when combined with other keep', () => {
      expect(getChoseong('ㄱ1', { loneJamo: 'drop', other: 'keep' })).toBe('1');
    });
  });

  describe('with unexpected input', () => {
    it('returns an empty string for non-string input', () => {
      expect(getChoseong(undefined as unknown as string)).toBe('');
      expect(getChoseong(null as unknown as string)).toBe('');
      expect(getChoseong(42 as unknown as string)).toBe('');
    });

    it('accepts null options', () => {
      expect(getChoseong('가 나', null as unknown as undefined)).toBe('ㄱ ㄴ');
    });

    it('returns the same result on repeated calls of different lengths', () => {
      const long = '가나다 '.repeat(30_000);
      const short = '라마';
      expect(getChoseong(long)).toBe('ㄱㄴㄷ '.repeat(30_000));
      expect(getChoseong(short)).toBe('ㄹㅁ');
      expect(getChoseong(long.slice(0, 5000))).toBe('ㄱㄴㄷ '.repeat(1250));
    });
  });

  describe('properties', () => {
    const options = fc.record(
      {
        whitespace: fc.constantFrom('keep' as const, 'drop' as const, 'collapse' as const),
        other: fc.constantFrom('keep' as const, 'drop' as const),
        loneJamo: fc.constantFrom('keep' as const, 'drop' as const),
      },
      { requiredKeys: [] },
    );

    it('never throws on arbitrary UTF-16 strings, including lone surrogates', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), options, (text, opts) => {
          expect(typeof getChoseong(text, opts)).toBe('string');
        }),
      );
    });

    it('never throws on arbitrary full-Unicode strings', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }), options, (text, opts) => {
          expect(typeof getChoseong(text, opts)).toBe('string');
        }),
      );
    });

    it('never returns more code units than it was given', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), options, (text, opts) => {
          expect(getChoseong(text, opts).length).toBeLessThanOrEqual(text.length);
        }),
      );
    });

    it('gives the same output for the NFD form of any text', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), (text) => {
          // NFD can turn non-Hangul whitespace such as U+2000 into U+2002; compare modulo that.
          expect(getChoseong(text.normalize('NFD')).normalize('NFD')).toBe(
            getChoseong(text).normalize('NFD'),
          );
        }),
      );
    });

    it('agrees with es-hangul on any text without final-only cluster jamo', () => {
      // es-hangul keeps every compatibility consonant (ㄱ…ㅎ including ㄳ); we keep only the 19 choseong.
      // Its NFD step also rewrites a few whitespace characters (U+2000 → U+2002), hence the normalize.
      const noClusters = fc
        .string({ unit: 'binary' })
        .filter((text) => !/[\u3133\u3135\u3136\u313a-\u3140\u3144]/.test(text));
      fc.assert(
        fc.property(noClusters, (text) => {
          expect(getChoseong(text).normalize('NFD')).toBe(esHangulGetChoseong(text));
        }),
      );
    });

    it('agrees with es-hangul on random Korean text with spaces and punctuation', () => {
      const piece = fc.oneof(
        fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCharCode(code)),
        fc.constantFrom(' ', '\n', '.', ',', '!', '1', 'a', 'ㅋ', 'ㅠ', '😀'),
      );
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
          const text = pieces.join('');
          expect(getChoseong(text)).toBe(esHangulGetChoseong(text));
        }),
      );
    });

    it('agrees with a naive reference implementation for every combination of options', () => {
      const interesting = fc.oneof(
        fc.integer({ min: 0xac00, max: 0xd7a3 }),
        fc.integer({ min: 0x1100, max: 0x11ff }),
        fc.integer({ min: 0x3131, max: 0x318e }),
        fc.constantFrom(0x00, 0x01, 0x09, 0x0a, 0x20, 0xa0, 0x2000, 0x3000, 0xfeff, 0x41, 0x31, 0x2e),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.integer({ min: 0, max: 0xffff }),
      );
      const text = fc.array(interesting, { maxLength: 60 }).map((codes) => String.fromCharCode(...codes));
      fc.assert(
        fc.property(text, options, (input, opts) => {
          expect(getChoseong(input, opts)).toBe(referenceGetChoseong(input, opts));
        }),
        { numRuns: 2000 },
      );
    });

    it('agrees with the naive reference implementation on long inputs that cross the internal buffers', () => {
      const syllables = fc.array(fc.integer({ min: 0xac00, max: 0xd7a3 }), { minLength: 1, maxLength: 50 });
      fc.assert(
        fc.property(syllables, fc.integer({ min: 600, max: 70_000 }), options, (codes, repeat, opts) => {
          const base = String.fromCharCode(...codes);
          const input = `${base.repeat(Math.ceil(repeat / codes.length))} \u1100\u1161 ㄱ a\n`;
          expect(getChoseong(input, opts)).toBe(referenceGetChoseong(input, opts));
        }),
        { numRuns: 20 },
      );
    });

    it('outputs only choseong and whitespace with default options', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), (text) => {
          expect(getChoseong(text)).toMatch(/^[ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ\s]*$/u);
        }),
      );
    });
  });
});
