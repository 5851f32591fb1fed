import { isCompatChoseongCode, isWhitespaceCode } from './chars.js';

/**
 * Tells whether `text` is a choseong-only string such as a quiz pattern or a search query like `'ㄱㅇㅈ'`:
 * at least one of the 19 compatibility choseong (ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ) and nothing else.
 *
 * Policies:
 * - Whitespace is allowed anywhere (`'ㅅㄹ ㅇ'` is true), matching how {@link matchesChoseong} ignores it;
 *   whitespace alone is not enough (`' '` is false).
 * - Only compatibility jamo count: syllables, vowels (ㅏ), final-only clusters (ㄳ) and conjoining jamo
 *   (U+1100 ᄀ) make it false. Run `getChoseong` first to turn NFD jamo into compatibility jamo.
 * - Never throws; the empty string and non-strings give `false`.
 *
 * @param text - The string to check.
 * @returns `true` when `text` has at least one choseong and only choseong and whitespace.
 * @example
 * ```ts
 * import { isChoseong } from 'serverless-game-kit/hangul';
 *
 * isChoseong('ㄱㅇㅈ'); // true
 * isChoseong('ㅅㄹ ㅇ'); // true
 * isChoseong('ㄱ아ㅈ'); // false
 * isChoseong('ㄳ'); // false (only occurs as a final)
 * isChoseong(''); // false
 * ```
 */
export function isChoseong(text: string): boolean {
  if (typeof text !== 'string') return false;
  let sawChoseong = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isCompatChoseongCode(code)) sawChoseong = true;
    else if (!isWhitespaceCode(code)) return false;
  }
  return sawChoseong;
}
