import * as z from 'zod/mini';
import { QuizError, type WordPackIssue } from './errors.js';

/** Shortest word a pack may hold, in syllables. */
export const MIN_WORD_SYLLABLES = 2;
/** Longest word a pack may hold, in syllables. */
export const MAX_WORD_SYLLABLES = 6;

const HANGUL_SYLLABLES_ONLY = /^[\uAC00-\uD7A3]+$/;
const packSchema = z.array(z.unknown());

/** How many issues the error message spells out; {@link QuizError.issues} always has them all. */
const ISSUES_IN_MESSAGE = 5;

/** Why `value` cannot be a quiz word, or `undefined` when it can. */
function wordProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `not a string (${typeof value})`;
  if (value.trim() !== value) return 'has leading or trailing whitespace';
  if (!HANGUL_SYLLABLES_ONLY.test(value)) return 'not Hangul syllables only';
  if (value.length < MIN_WORD_SYLLABLES || value.length > MAX_WORD_SYLLABLES) {
    return `${value.length} syllables, not ${MIN_WORD_SYLLABLES}–${MAX_WORD_SYLLABLES}`;
  }
  return undefined;
}

/**
 * Validates a word pack — a JSON array of quiz answers — and returns its words, NFC-normalized. Every word must
 * be a string of Hangul syllables only (가–힣: no spaces, digits, Latin letters or lone jamo), 2–6 syllables
 * long, and appear once. All problems are collected, not just the first.
 *
 * @param input - The parsed JSON (anything: it is checked).
 * @param source - Where the pack came from, for the error message (e.g. a file name).
 * @returns The words, frozen, in pack order.
 * @throws {QuizError} `INVALID_WORD_PACK` when `input` is not an array, is empty, or has invalid words;
 *   `error.issues` lists each one with its index.
 * @example
 * ```ts
 * import { parseWordPack } from 'serverless-game-kit/quiz';
 *
 * parseWordPack(['사람', '사랑', '서랍']); // ['사람', '사랑', '서랍']
 * parseWordPack(['사람', 'apple', '사람']);
 * // throws QuizError INVALID_WORD_PACK, issues:
 * // [{ index: 1, word: 'apple', reason: 'not Hangul syllables only' },
 * //  { index: 2, word: '사람', reason: 'duplicate of index 0' }]
 * ```
 */
export function parseWordPack(input: unknown, source = 'word pack'): readonly string[] {
  const parsed = packSchema.safeParse(input);
  if (!parsed.success) {
    throw new QuizError('INVALID_WORD_PACK', `The ${source} must be a JSON array of words.`);
  }
  if (parsed.data.length === 0) throw new QuizError('INVALID_WORD_PACK', `The ${source} is empty.`);

  const issues: WordPackIssue[] = [];
  const seen = new Map<string, number>();
  const words: string[] = [];
  parsed.data.forEach((value, index) => {
    const word = typeof value === 'string' ? value.normalize('NFC') : value;
    const problem = wordProblem(word);
    if (problem !== undefined) {
      issues.push({ index, word: String(value), reason: problem });
      return;
    }
    const text = word as string;
    const first = seen.get(text);
    if (first !== undefined) {
      issues.push({ index, word: text, reason: `duplicate of index ${first}` });
      return;
    }
    seen.set(text, index);
    words.push(text);
  });

  if (issues.length > 0) {
    const listed = issues
      .slice(0, ISSUES_IN_MESSAGE)
      .map((issue) => `#${issue.index} ${JSON.stringify(issue.word)}: ${issue.reason}`)
      .join('; ');
    const more = issues.length > ISSUES_IN_MESSAGE ? ` (and ${issues.length - ISSUES_IN_MESSAGE} more)` : '';
    throw new QuizError(
      'INVALID_WORD_PACK',
      `The ${source} has ${issues.length} invalid word(s): ${listed}${more}.`,
      {
        issues,
      },
    );
  }
  return Object.freeze(words);
}
