import { ChoseongIndex, matchesChoseong } from '../hangul/index.js';
import { QuizError } from './errors.js';
import { parseWordPack } from './word-pack.js';

/** Which choseong patterns a room may ask: enough answers, a playable length. */
export interface QuizPatternOptions {
  /** Only patterns at least this many dictionary words fit. Default 3. */
  minAnswers?: number;
  /** Only patterns at most this many words fit. Default: no limit. */
  maxAnswers?: number;
  /** Syllables per pattern: a number or `{ min, max }`. Default `{ min: 2, max: 3 }`. */
  syllables?: number | { min?: number; max?: number };
}

const WHITESPACE = /\s+/g;

/**
 * The words a room accepts and the patterns it can ask, built once from a validated word pack: a
 * `ChoseongIndex` over the words plus the list of playable patterns (sorted, so a seeded draw is reproducible).
 *
 * @example
 * ```ts
 * import { QuizDictionary } from 'serverless-game-kit/quiz';
 *
 * const dictionary = QuizDictionary.from(['사람', '사랑', '서랍', '수레'], { minAnswers: 2, syllables: 2 });
 * dictionary.patterns; // ['ㅅㄹ']
 * dictionary.isAnswer('서랍', 'ㅅㄹ'); // true
 * dictionary.answersFor('ㅅㄹ'); // ['사람', '사랑', '서랍', '수레']
 * ```
 */
export class QuizDictionary {
  readonly #index: ChoseongIndex;
  /** Patterns a round may ask, in code-unit order. */
  readonly patterns: readonly string[];

  private constructor(words: readonly string[], options: QuizPatternOptions) {
    this.#index = ChoseongIndex.from(words);
    const playable = this.#index.patterns({
      minWords: options.minAnswers ?? 3,
      ...(options.maxAnswers === undefined ? {} : { maxWords: options.maxAnswers }),
      syllables: options.syllables ?? { min: 2, max: 3 },
    });
    this.patterns = Object.freeze(playable.map((entry) => entry.pattern).sort());
    if (this.patterns.length === 0) {
      throw new QuizError(
        'INVALID_OPTIONS',
        'No choseong pattern of the word pack satisfies the pattern options: add words or relax minAnswers/syllables.',
      );
    }
  }

  /**
   * Validates `words` as a word pack and builds the dictionary.
   *
   * @param words - A word pack (validated with `parseWordPack`).
   * @param options - Which patterns are playable.
   * @returns The dictionary.
   * @throws {QuizError} `INVALID_WORD_PACK` for a bad pack, `INVALID_OPTIONS` when no pattern is playable.
   * @example
   * ```ts
   * import { QuizDictionary } from 'serverless-game-kit/quiz';
   *
   * const dictionary = QuizDictionary.from(['강아지', '고양이', '거위'], { minAnswers: 1 });
   * ```
   */
  static from(words: unknown, options: QuizPatternOptions = {}): QuizDictionary {
    return new QuizDictionary(parseWordPack(words), options);
  }

  /** Number of words. */
  get size(): number {
    return this.#index.size;
  }

  /**
   * Every word that answers `pattern`.
   *
   * @param pattern - A choseong pattern such as `'ㅅㄹ'`.
   * @returns The words, in pack order (frozen).
   * @example
   * ```ts
   * import { QuizDictionary } from 'serverless-game-kit/quiz';
   *
   * QuizDictionary.from(['사람', '사랑', '서랍'], { minAnswers: 1 }).answersFor('ㅅㄹ'); // ['사람', '사랑', '서랍']
   * ```
   */
  answersFor(pattern: string): readonly string[] {
    return this.#index.lookup(pattern);
  }

  /**
   * Whether `word` (as returned by {@link QuizDictionary.normalize}) is a dictionary word that fits `pattern`.
   *
   * @param word - A normalized answer.
   * @param pattern - The round's pattern.
   * @returns `true` for a correct answer (used or not).
   * @example
   * ```ts
   * import { QuizDictionary } from 'serverless-game-kit/quiz';
   *
   * QuizDictionary.from(['사람', '사랑'], { minAnswers: 1 }).isAnswer('사랑', 'ㅅㄹ'); // true
   * ```
   */
  isAnswer(word: string, pattern: string): boolean {
    return this.#index.has(word) && matchesChoseong(word, pattern);
  }

  /**
   * Whether `word` is in the dictionary at all.
   *
   * @param word - A normalized answer.
   * @returns `true` when the pack holds it.
   * @example
   * ```ts
   * import { QuizDictionary } from 'serverless-game-kit/quiz';
   *
   * QuizDictionary.from(['사람'], { minAnswers: 1 }).has('사람'); // true
   * ```
   */
  has(word: string): boolean {
    return this.#index.has(word);
  }

  /**
   * Turns a chat text into the form answers are compared in: NFC, whitespace removed (`' 사 람 '` → `'사람'`).
   *
   * @param text - What the player typed.
   * @returns The candidate answer.
   * @example
   * ```ts
   * import { QuizDictionary } from 'serverless-game-kit/quiz';
   *
   * QuizDictionary.normalize(' 사 람 '); // '사람'
   * ```
   */
  static normalize(text: string): string {
    return text.normalize('NFC').replace(WHITESPACE, '');
  }
}
