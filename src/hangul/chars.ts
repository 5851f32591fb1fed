/**
 * Internal code-unit classification helpers. Not part of the public API.
 */
import {
  CHOSEONG_CODES,
  COMPAT_CONSONANT_FIRST,
  COMPAT_CONSONANT_LAST,
  COMPAT_IS_CHOSEONG,
  CONJOINING_BLOCK_FIRST,
  CONJOINING_BLOCK_LAST,
  LEADING_FIRST,
  LEADING_LAST,
  SYLLABLE_CHOSEONG,
  SYLLABLE_COUNT,
  SYLLABLE_FIRST,
  TRAILING_FIRST,
  TRAILING_LAST,
  VOWEL_FIRST,
  VOWEL_LAST,
} from './constants.js';

/**
 * Whether a UTF-16 code unit is whitespace, using exactly the set JavaScript's `\s` matches
 * (so `getChoseong` agrees with regex-based libraries such as es-hangul).
 */
export function isWhitespaceCode(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Whether `code` is a precomposed syllable 가…힣. */
export function isSyllableCode(code: number): boolean {
  return code >= SYLLABLE_FIRST && code < SYLLABLE_FIRST + SYLLABLE_COUNT;
}

/** Whether `code` is a conjoining vowel (U+1161…U+1175). */
export function isVowelCode(code: number): boolean {
  return code >= VOWEL_FIRST && code <= VOWEL_LAST;
}

/** Whether `code` is a conjoining vowel or trailing consonant, i.e. the tail of a decomposed syllable. */
export function isSyllableTailCode(code: number): boolean {
  return (code >= VOWEL_FIRST && code <= VOWEL_LAST) || (code >= TRAILING_FIRST && code <= TRAILING_LAST);
}

/** Whether `code` is a conjoining leading consonant ᄀ…ᄒ (U+1100…U+1112). */
export function isLeadingCode(code: number): boolean {
  return code >= LEADING_FIRST && code <= LEADING_LAST;
}

/** Whether `code` is one of the 19 compatibility choseong ㄱ…ㅎ (not clusters such as ㄳ). */
export function isCompatChoseongCode(code: number): boolean {
  return (
    code >= COMPAT_CONSONANT_FIRST &&
    code <= COMPAT_CONSONANT_LAST &&
    COMPAT_IS_CHOSEONG[code - COMPAT_CONSONANT_FIRST] === 1
  );
}

/**
 * The compatibility choseong code for a syllable, a compatibility choseong or a conjoining leading consonant;
 * -1 for anything else.
 */
export function choseongCodeOf(code: number): number {
  if (isSyllableCode(code)) return SYLLABLE_CHOSEONG[code - SYLLABLE_FIRST] ?? -1;
  if (isCompatChoseongCode(code)) return code;
  if (isLeadingCode(code)) return CHOSEONG_CODES[code - LEADING_FIRST] ?? -1;
  return -1;
}

/**
 * Whether `code` is a choseong jamo as a pattern character: a compatibility choseong or a conjoining
 * leading consonant.
 */
export function isChoseongJamoCode(code: number): boolean {
  return isCompatChoseongCode(code) || isLeadingCode(code);
}

/**
 * NFC-normalizes `text` only when it contains code units from the Hangul Jamo block (U+1100…U+11FF);
 * other strings are returned unchanged, so the common case costs one scan and no allocation.
 */
export function toComposedHangul(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= CONJOINING_BLOCK_FIRST && code <= CONJOINING_BLOCK_LAST) return text.normalize('NFC');
  }
  return text;
}
