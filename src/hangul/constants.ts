/**
 * Code point ranges and lookup tables shared by the hangul module. Everything here is computed once at
 * module load from Unicode arithmetic; nothing depends on Node built-ins.
 */

/**
 * The 19 initial consonants (choseong) in Unicode order, as Hangul Compatibility Jamo (U+3131…U+314E).
 * Index `i` is the choseong of every syllable whose `Math.floor((code - 0xAC00) / 588)` equals `i`.
 *
 * @example
 * ```ts
 * import { CHOSEONGS } from 'serverless-game-kit/hangul';
 *
 * CHOSEONGS.length; // 19
 * CHOSEONGS[0]; // 'ㄱ'
 * ```
 */
export const CHOSEONGS = Object.freeze([
  'ㄱ',
  'ㄲ',
  'ㄴ',
  'ㄷ',
  'ㄸ',
  'ㄹ',
  'ㅁ',
  'ㅂ',
  'ㅃ',
  'ㅅ',
  'ㅆ',
  'ㅇ',
  'ㅈ',
  'ㅉ',
  'ㅊ',
  'ㅋ',
  'ㅌ',
  'ㅍ',
  'ㅎ',
] as const);

/** First precomposed Hangul syllable, 가. */
export const SYLLABLE_FIRST = 0xac00;
/** Number of precomposed Hangul syllables (가…힣). */
export const SYLLABLE_COUNT = 11_172;
/** Syllables sharing one choseong: 21 vowels × 28 finals. */
export const SYLLABLES_PER_CHOSEONG = 588;

/** Conjoining (NFD) leading consonants ᄀ…ᄒ, U+1100…U+1112, in the same order as {@link CHOSEONGS}. */
export const LEADING_FIRST = 0x1100;
export const LEADING_LAST = 0x1112;
/** Conjoining (NFD) vowels ᅡ…ᅵ, U+1161…U+1175. */
export const VOWEL_FIRST = 0x1161;
export const VOWEL_LAST = 0x1175;
/** Conjoining (NFD) trailing consonants ᆨ…ᇂ, U+11A8…U+11C2. */
export const TRAILING_FIRST = 0x11a8;
export const TRAILING_LAST = 0x11c2;
/** Whole Hangul Jamo block; a string without these code units is already NFC as far as Hangul goes. */
export const CONJOINING_BLOCK_FIRST = 0x1100;
export const CONJOINING_BLOCK_LAST = 0x11ff;

/** Hangul Compatibility Jamo consonants ㄱ…ㅎ (U+3131…U+314E), including clusters such as ㄳ. */
export const COMPAT_CONSONANT_FIRST = 0x3131;
export const COMPAT_CONSONANT_LAST = 0x314e;

/** Compatibility code of each choseong, indexed like {@link CHOSEONGS}. */
export const CHOSEONG_CODES: Uint16Array = Uint16Array.from(CHOSEONGS, (jamo) => jamo.charCodeAt(0));

/**
 * Compatibility choseong code of every precomposed syllable: `SYLLABLE_CHOSEONG[code - 0xAC00]`.
 * 22 KB, built by Unicode arithmetic so the hot loop is a single indexed load.
 */
export const SYLLABLE_CHOSEONG: Uint16Array = (() => {
  const table = new Uint16Array(SYLLABLE_COUNT);
  for (let offset = 0; offset < SYLLABLE_COUNT; offset++) {
    table[offset] = CHOSEONG_CODES[Math.floor(offset / SYLLABLES_PER_CHOSEONG)] ?? 0;
  }
  return table;
})();

/**
 * For each compatibility consonant U+3131…U+314E, 1 when it can start a syllable (one of the 19 choseong),
 * 0 for clusters that only occur as finals (ㄳ, ㄵ, ㄶ, ㄺ…ㅀ, ㅄ).
 */
export const COMPAT_IS_CHOSEONG: Uint8Array = (() => {
  const table = new Uint8Array(COMPAT_CONSONANT_LAST - COMPAT_CONSONANT_FIRST + 1);
  for (const code of CHOSEONG_CODES) table[code - COMPAT_CONSONANT_FIRST] = 1;
  return table;
})();

/**
 * Every UTF-16 code unit JavaScript's `\s` matches (ECMAScript WhiteSpace + LineTerminator), so whitespace
 * handling agrees with regex-based libraries such as es-hangul.
 */
export const WHITESPACE_CODES: readonly number[] = Object.freeze([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);
