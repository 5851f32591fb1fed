import {
  choseongCodeOf,
  isChoseongJamoCode,
  isLeadingCode,
  isSyllableCode,
  isSyllableTailCode,
  isVowelCode,
  isWhitespaceCode,
  toComposedHangul,
} from './chars.js';

/** Index of the first non-whitespace code unit at or after `index`. */
function skipWhitespace(text: string, index: number): number {
  while (index < text.length && isWhitespaceCode(text.charCodeAt(index))) index++;
  return index;
}

/**
 * Index just after the character at `index`. A syllable also takes any conjoining vowels/finals right after
 * it (leftovers NFC could not compose), the same way `getChoseong` consumes them.
 */
function nextCharacter(text: string, index: number): number {
  const code = text.charCodeAt(index);
  index++;
  if (isSyllableCode(code) || (isLeadingCode(code) && isVowelCode(text.charCodeAt(index)))) {
    while (index < text.length && isSyllableTailCode(text.charCodeAt(index))) index++;
  }
  return index;
}

/**
 * Tells whether `word` fits a choseong quiz `pattern`, character by character: a choseong jamo in the
 * pattern (ㄱ…ㅎ, or a conjoining ᄀ…ᄒ) matches any syllable starting with that consonant (and that jamo
 * itself); any other pattern character, such as a whole syllable, a digit or a letter, must be equal.
 * Both must have the same number of characters.
 *
 * Policies:
 * - Whitespace is ignored in both strings, so a quiz answer `'사 람'` fits `'ㅅㄹ'`, and so does `'사람'` for
 *   the pattern `'ㅅ ㄹ'`.
 * - An empty (or whitespace-only) pattern matches nothing.
 * - NFD input works: strings containing conjoining jamo are NFC-normalized first (others are not touched).
 * - Never throws; non-string arguments give `false`.
 *
 * @param word - The candidate word, e.g. a player's answer.
 * @param pattern - Choseong jamo and/or whole syllables, e.g. `'ㅅㄹ'` or `'ㄱ아ㅈ'`.
 * @returns `true` when every character of `word` fits the pattern character at the same position.
 * @example
 * ```ts
 * import { matchesChoseong } from 'serverless-game-kit/hangul';
 *
 * matchesChoseong('사람', 'ㅅㄹ'); // true
 * matchesChoseong('강아지', 'ㄱ아ㅈ'); // true
 * matchesChoseong('고양이', 'ㄱ아ㅈ'); // false
 * matchesChoseong('사 람', 'ㅅㄹ'); // true (whitespace is ignored)
 * matchesChoseong('사람들', 'ㅅㄹ'); // false (length differs)
 * matchesChoseong('사람', ''); // false
 * ```
 */
export function matchesChoseong(word: string, pattern: string): boolean {
  if (typeof word !== 'string' || typeof pattern !== 'string') return false;
  const text = toComposedHangul(word);
  const query = toComposedHangul(pattern);
  let i = skipWhitespace(text, 0);
  let j = skipWhitespace(query, 0);
  if (j >= query.length) return false;

  while (j < query.length) {
    if (i >= text.length) return false;
    const patternCode = query.charCodeAt(j);
    const wordCode = text.charCodeAt(i);
    if (isChoseongJamoCode(patternCode)) {
      if (choseongCodeOf(wordCode) !== choseongCodeOf(patternCode)) return false;
    } else if (patternCode !== wordCode) {
      return false;
    }
    i = skipWhitespace(text, nextCharacter(text, i));
    j = skipWhitespace(query, nextCharacter(query, j));
  }
  return i >= text.length;
}
