/**
 * Internal: per-options lookup tables for `getChoseong`. One `Uint16Array(65536)` (128 KB) maps every UTF-16
 * code unit straight to what to write, so the hot loop is one load and one compare per code unit. A table is
 * built lazily (well under a millisecond) the first time an options combination is used, then cached; at most
 * 12 combinations exist.
 */
import {
  COMPAT_CONSONANT_FIRST,
  COMPAT_IS_CHOSEONG,
  LEADING_FIRST,
  LEADING_LAST,
  SYLLABLE_CHOSEONG,
  SYLLABLE_FIRST,
  TRAILING_FIRST,
  TRAILING_LAST,
  VOWEL_FIRST,
  VOWEL_LAST,
  WHITESPACE_CODES,
} from './constants.js';

/** Table value: write nothing. */
export const DROP = 0;
/** Table value: needs context (NFD sequences, collapsed whitespace, U+0000/U+0001 kept as-is). */
export const SPECIAL = 1;

/** Whitespace handling, as a number so it can be part of the cache key. */
export const WHITESPACE_KEEP = 0;
export const WHITESPACE_DROP = 1;
export const WHITESPACE_COLLAPSE = 2;
export type WhitespaceMode = typeof WHITESPACE_KEEP | typeof WHITESPACE_DROP | typeof WHITESPACE_COLLAPSE;

const cache: (Uint16Array | undefined)[] = [];

/**
 * The table for one options combination. Values: {@link DROP}, {@link SPECIAL}, or the code unit to write.
 */
export function choseongTable(
  whitespace: WhitespaceMode,
  keepOther: boolean,
  keepLoneJamo: boolean,
): Uint16Array {
  const key = whitespace * 4 + (keepOther ? 2 : 0) + (keepLoneJamo ? 1 : 0);
  const cached = cache[key];
  if (cached) return cached;

  const table = new Uint16Array(0x10000);
  if (keepOther) {
    for (let code = 0; code < 0x10000; code++) table[code] = code;
    // Their own values would read as DROP / SPECIAL, so they take the slow path and are written there.
    table[0] = SPECIAL;
    table[1] = SPECIAL;
  }
  for (const code of WHITESPACE_CODES) {
    table[code] = whitespace === WHITESPACE_KEEP ? code : whitespace === WHITESPACE_DROP ? DROP : SPECIAL;
  }
  for (let index = 0; index < COMPAT_IS_CHOSEONG.length; index++) {
    if (COMPAT_IS_CHOSEONG[index] === 1) {
      const code = COMPAT_CONSONANT_FIRST + index;
      table[code] = keepLoneJamo ? code : DROP;
    }
  }
  // Conjoining jamo depend on their neighbours: leading + vowel is a syllable, a vowel after a syllable is
  // consumed, a stray vowel is an "other" character.
  table.fill(SPECIAL, LEADING_FIRST, LEADING_LAST + 1);
  table.fill(SPECIAL, VOWEL_FIRST, VOWEL_LAST + 1);
  table.fill(SPECIAL, TRAILING_FIRST, TRAILING_LAST + 1);
  table.set(SYLLABLE_CHOSEONG, SYLLABLE_FIRST);

  cache[key] = table;
  return table;
}
