import { isSyllableCode, isSyllableTailCode, isVowelCode } from './chars.js';
import {
  choseongTable,
  SPECIAL,
  WHITESPACE_COLLAPSE,
  WHITESPACE_DROP,
  WHITESPACE_KEEP,
  type WhitespaceMode,
} from './choseongTable.js';
import { CHOSEONG_CODES, LEADING_FIRST, LEADING_LAST } from './constants.js';
import { decodeUtf16 } from './utf16.js';

/**
 * What {@link getChoseong} does with each kind of character that is not a Hangul syllable.
 * Every field is optional; unknown values fall back to the default.
 */
export interface GetChoseongOptions {
  /**
   * Whitespace (exactly the characters JavaScript's `\s` matches: space, tab, newlines, NBSP, U+3000…).
   * - `'keep'` (default): copied to the output unchanged.
   * - `'drop'`: removed.
   * - `'collapse'`: each run of whitespace in the output becomes one space (U+0020), and whitespace at the
   *   start and end is removed. Runs are measured after dropping characters, so `'강 - 지'` gives `'ㄱ ㅈ'`.
   */
  whitespace?: 'keep' | 'drop' | 'collapse';
  /**
   * Every character that is neither a syllable, whitespace nor a choseong jamo: digits, Latin, punctuation,
   * emoji, vowel jamo (ㅏ), final-only cluster jamo (ㄳ), stray conjoining vowels/finals, lone surrogates.
   * - `'drop'` (default): removed.
   * - `'keep'`: copied to the output unchanged (surrogate pairs stay intact).
   */
  other?: 'drop' | 'keep';
  /**
   * Lone choseong jamo: the 19 compatibility consonants that can start a syllable (ㄱ, ㄲ, …, ㅎ) and a
   * conjoining leading consonant (U+1100…U+1112) not followed by a vowel.
   * - `'keep'` (default): output as the compatibility choseong (ᄀ U+1100 becomes ㄱ U+3131).
   * - `'drop'`: removed.
   */
  loneJamo?: 'keep' | 'drop';
}

const SPACE = 0x20;
/** Inputs up to this length reuse one module-level output buffer instead of allocating. */
const SCRATCH_LIMIT = 1 << 16;

let scratch = new Uint16Array(1024);

function outputBuffer(length: number): Uint16Array {
  if (length > SCRATCH_LIMIT) return new Uint16Array(length);
  if (scratch.length < length) {
    scratch = new Uint16Array(Math.min(SCRATCH_LIMIT, Math.max(length, scratch.length * 2)));
  }
  return scratch;
}

/**
 * Fast path: one flat, branch-light loop for text without {@link SPECIAL} code units (the usual case: NFC
 * text, whitespace kept or dropped). Writes into `out` until the first SPECIAL unit and hands over to
 * {@link extractFrom} there. Returns how many code units were written.
 *
 * Separate functions (rather than inline in {@link getChoseong}) so V8 optimizes the loops as whole
 * functions instead of via on-stack replacement, which kept deoptimizing on the cold code after the loop.
 */
function extract(
  text: string,
  out: Uint16Array,
  table: Uint16Array,
  keepOther: boolean,
  keepLoneJamo: boolean,
): number {
  const length = text.length;
  let written = 0;
  let i = 0;
  for (; i < length; i++) {
    const value = table[text.charCodeAt(i)]!;
    if (value === SPECIAL) break;
    // Branch-free: always store, advance only for a real output (value >= 2; DROP is 0).
    out[written] = value;
    written += (SPECIAL - value) >>> 31;
  }
  return i === length ? written : extractFrom(text, i, out, written, table, keepOther, keepLoneJamo);
}

/**
 * General loop, from `start` on with `written` units already in `out`: handles NFD sequences, collapsed
 * whitespace and U+0000/U+0001 kept as-is. Returns the total number of code units written.
 */
function extractFrom(
  text: string,
  start: number,
  out: Uint16Array,
  written: number,
  table: Uint16Array,
  keepOther: boolean,
  keepLoneJamo: boolean,
): number {
  const length = text.length;
  for (let i = start; i < length; i++) {
    const value = table[text.charCodeAt(i)]!;
    if (value > SPECIAL) {
      out[written++] = value;
    } else if (value === SPECIAL) {
      const code = text.charCodeAt(i);
      if (code >= LEADING_FIRST && code <= LEADING_LAST) {
        // NFD: leading consonant + vowel (+ final) is one syllable; a leading consonant alone is a lone jamo.
        if (isVowelCode(text.charCodeAt(i + 1))) {
          i++;
          while (i + 1 < length && isSyllableTailCode(text.charCodeAt(i + 1))) i++;
          out[written++] = CHOSEONG_CODES[code - LEADING_FIRST]!;
        } else if (keepLoneJamo) {
          out[written++] = CHOSEONG_CODES[code - LEADING_FIRST]!;
        }
      } else if (isSyllableTailCode(code)) {
        // A conjoining vowel/final right after a precomposed syllable belongs to it (가 + ᆨ): consume.
        if (i > 0 && isSyllableCode(text.charCodeAt(i - 1))) {
          while (i + 1 < length && isSyllableTailCode(text.charCodeAt(i + 1))) i++;
        } else if (keepOther) {
          out[written++] = code;
        }
      } else if (code <= 1) {
        // U+0000 / U+0001 with other: 'keep'.
        out[written++] = code;
      } else if (written > 0 && out[written - 1] !== SPACE) {
        // Whitespace with whitespace: 'collapse'. Only whitespace ever writes U+0020, so this collapses runs
        // and drops leading whitespace; a trailing space is trimmed by the caller.
        out[written++] = SPACE;
      }
    }
    // else DROP
  }
  return written;
}

/**
 * Extracts the initial consonant (choseong) of every Hangul syllable, as Hangul Compatibility Jamo
 * (ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ, U+3131…).
 *
 * Defaults: whitespace is kept as-is, lone choseong jamo (ㄱ, or a conjoining ᄀ) are kept, and everything
 * else (digits, Latin, punctuation, emoji, vowel jamo such as ㅏ, cluster jamo such as ㄳ) is dropped.
 * See {@link GetChoseongOptions} to change each of these.
 *
 * Accepts NFC and NFD input: a conjoining leading consonant (U+1100…U+1112) followed by a conjoining vowel
 * counts as one syllable, and conjoining vowels and finals right after a syllable are consumed.
 * Never throws: any string works (including lone surrogates), and a non-string argument returns `''`.
 * Runs as one table-driven pass over the UTF-16 code units.
 *
 * @param text - The text to read; non-strings give `''`.
 * @param options - What to do with whitespace, other characters and lone jamo.
 * @returns The choseong string.
 * @example
 * ```ts
 * import { getChoseong } from 'serverless-game-kit/hangul';
 *
 * getChoseong('강아지'); // 'ㄱㅇㅈ'
 * getChoseong('까치 2마리!'); // 'ㄲㅊ ㅁㄹ'
 * getChoseong('까치 2마리!', { whitespace: 'drop' }); // 'ㄲㅊㅁㄹ'
 * getChoseong('까치 2마리!', { other: 'keep' }); // 'ㄲㅊ 2ㅁㄹ!'
 * getChoseong(' 강 - 지 ', { whitespace: 'collapse' }); // 'ㄱ ㅈ'
 * getChoseong('강'.normalize('NFD')); // 'ㄱ'
 * ```
 */
export function getChoseong(text: string, options?: GetChoseongOptions): string {
  if (typeof text !== 'string' || text.length === 0) return '';

  const whitespace: WhitespaceMode =
    options?.whitespace === 'drop'
      ? WHITESPACE_DROP
      : options?.whitespace === 'collapse'
        ? WHITESPACE_COLLAPSE
        : WHITESPACE_KEEP;
  const keepOther = options?.other === 'keep';
  const keepLoneJamo = options?.loneJamo !== 'drop';

  const out = outputBuffer(text.length);
  let written = extract(
    text,
    out,
    choseongTable(whitespace, keepOther, keepLoneJamo),
    keepOther,
    keepLoneJamo,
  );
  if (whitespace === WHITESPACE_COLLAPSE && written > 0 && out[written - 1] === SPACE) written--;
  return decodeUtf16(out, written, !keepOther);
}
