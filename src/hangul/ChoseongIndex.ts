import { isSyllableCode, toComposedHangul } from './chars.js';
import { getChoseong } from './getChoseong.js';
import { isChoseong } from './isChoseong.js';
import { matchesChoseong } from './matchesChoseong.js';

/** Filters for {@link ChoseongIndex.patterns}. All optional. */
export interface ChoseongPatternOptions {
  /** Only patterns with at least this many words. Default 1. */
  minWords?: number;
  /** Only patterns with at most this many words. Default: no limit. */
  maxWords?: number;
  /** Only patterns of exactly this many syllables, or within `{ min, max }` (inclusive). Default: any. */
  syllables?: number | { min?: number; max?: number };
}

/** One entry of {@link ChoseongIndex.patterns}: a choseong pattern and how many indexed words fit it. */
export interface ChoseongPatternCount {
  /** Choseong only, no whitespace, e.g. `'ㅅㄹ'`. */
  pattern: string;
  /** Number of indexed words with this pattern. */
  count: number;
}

const EMPTY: readonly string[] = Object.freeze([]);

/** The bucket key: choseong for syllables and jamo, everything else as-is, whitespace dropped. */
function keyOf(text: string): string {
  return getChoseong(text, { whitespace: 'drop', other: 'keep', loneJamo: 'keep' });
}

function hasSyllable(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isSyllableCode(text.charCodeAt(i))) return true;
  return false;
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && !Number.isNaN(value) ? value : fallback;
}

/**
 * A word list indexed by choseong, for choseong quizzes and choseong search: `lookup('ㅅㄹ')` returns every
 * word whose syllables start with ㅅ and ㄹ in one `Map` lookup.
 *
 * Words are trimmed and NFC-normalized, duplicates (after that) are kept once in first-seen order, and
 * empty words and non-strings are skipped. Whitespace inside a word is ignored for matching, like
 * {@link matchesChoseong}. The index is immutable once built; every array it returns is frozen, so callers
 * cannot change it. Lookups never throw.
 *
 * @example
 * ```ts
 * import { ChoseongIndex } from 'serverless-game-kit/hangul';
 *
 * const index = ChoseongIndex.from(['사람', '사랑', '서랍', '강아지', '사람']);
 * index.size; // 4
 * index.lookup('ㅅㄹ'); // ['사람', '사랑', '서랍']
 * index.lookup('사ㄹ'); // ['사람', '사랑']
 * index.count('ㄱㅇㅈ'); // 1
 * index.patterns({ minWords: 2 }); // [{ pattern: 'ㅅㄹ', count: 3 }]
 * ```
 */
export class ChoseongIndex {
  readonly #buckets = new Map<string, readonly string[]>();
  readonly #words = new Set<string>();

  /**
   * Builds the index.
   *
   * @param words - The word list; any iterable of strings (non-strings are skipped; a non-iterable gives an
   *   empty index).
   * @example
   * ```ts
   * import { ChoseongIndex } from 'serverless-game-kit/hangul';
   *
   * const index = new ChoseongIndex(['사과', '수건']);
   * ```
   */
  constructor(words: Iterable<string>) {
    const buckets = new Map<string, string[]>();
    const iterable = words as Iterable<unknown> | null | undefined;
    if (iterable != null && typeof (iterable as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
      for (const raw of iterable) {
        if (typeof raw !== 'string') continue;
        const word = toComposedHangul(raw.trim());
        if (word.length === 0 || this.#words.has(word)) continue;
        this.#words.add(word);
        const key = keyOf(word);
        const bucket = buckets.get(key);
        if (bucket) bucket.push(word);
        else buckets.set(key, [word]);
      }
    }
    for (const [key, bucket] of buckets) this.#buckets.set(key, Object.freeze(bucket));
  }

  /**
   * Builds an index; same as `new ChoseongIndex(words)`.
   *
   * @param words - The word list.
   * @returns A new index.
   * @example
   * ```ts
   * import { ChoseongIndex } from 'serverless-game-kit/hangul';
   *
   * const index = ChoseongIndex.from(['사과', '수건']);
   * index.lookup('ㅅㄱ'); // ['사과', '수건']
   * ```
   */
  static from(words: Iterable<string>): ChoseongIndex {
    return new ChoseongIndex(words);
  }

  /**
   * Number of distinct words in the index.
   *
   * @returns The word count after trimming, normalization and de-duplication.
   * @example
   * ```ts
   * import { ChoseongIndex } from 'serverless-game-kit/hangul';
   *
   * ChoseongIndex.from(['사과', '사과 ', '수건']).size; // 2
   * ```
   */
  get size(): number {
    return this.#words.size;
  }

  /**
   * Whether the index holds `word` (trimmed and NFC-normalized first, like the words themselves).
   *
   * @param word - The word to look for.
   * @returns `true` when the word was in the list the index was built from.
   * @example
   * ```ts
   * import { ChoseongIndex } from 'serverless-game-kit/hangul';
   *
   * ChoseongIndex.from(['사과']).has('사과'); // true
   * ```
   */
  has(word: string): boolean {
    return typeof word === 'string' && this.#words.has(toComposedHangul(word.trim()));
  }

  /**
   * All words that fit `pattern`, in word-list order. A choseong-only pattern costs one `Map` lookup and
   * returns the stored (frozen) array; a pattern with whole syllables (`'사ㄹ'`) also filters that bucket with
   * {@link matchesChoseong}. Whitespace in the pattern is ignored; an empty pattern or a non-string gives `[]`.
   *
   * @param pattern - Choseong jamo and/or whole syllables, e.g. `'ㅅㄹ'` or `'사ㄹ'`.
   * @returns A frozen array of the matching words.
   * @example
   * ```ts
   * import { ChoseongIndex } from 'serverless-game-kit/hangul';
   *
   * const index = ChoseongIndex.from(['사람', '사랑', '서랍']);
   * index.lookup('ㅅㄹ'); // ['사람', '사랑', '서랍']
   * index.lookup('서ㄹ'); // ['서랍']
   * ```
   */
  lookup(pattern: string): readonly string[] {
    if (typeof pattern !== 'string') return EMPTY;
    const query = toComposedHangul(pattern);
    const bucket = this.#buckets.get(keyOf(query));
    if (!bucket) return EMPTY;
    if (!hasSyllable(query)) return bucket;
    const matches = bucket.filter((word) => matchesChoseong(word, query));
    return matches.length === 0 ? EMPTY : Object.freeze(matches);
  }

  /**
   * Number of words that fit `pattern`; same rules as {@link ChoseongIndex.lookup}, O(1) for choseong-only
   * patterns.
   *
   * @param pattern - Choseong jamo and/or whole syllables.
   * @returns How many indexed words fit.
   * @example
   * ```ts
   * import { ChoseongIndex } from 'serverless-game-kit/hangul';
   *
   * ChoseongIndex.from(['사람', '사랑', '서랍']).count('ㅅㄹ'); // 3
   * ```
   */
  count(pattern: string): number {
    return this.lookup(pattern).length;
  }

  /**
   * Lists the choseong patterns of the indexed words with their word counts, to pick quiz questions: e.g.
   * patterns of 2–3 syllables with 3 to 20 answers. Only patterns made purely of choseong are listed (words
   * containing digits, Latin letters and the like are left out). Sorted by count, highest first, then by
   * pattern in code-unit order.
   *
   * @param options - Bounds on word count and syllable count; see {@link ChoseongPatternOptions}.
   * @returns A new array of `{ pattern, count }` entries.
   * @example
   * ```ts
   * import { ChoseongIndex } from 'serverless-game-kit/hangul';
   *
   * const index = ChoseongIndex.from(['사람', '사랑', '서랍', '강아지', '고양이', '사과']);
   * index.patterns({ minWords: 2, syllables: 2 }); // [{ pattern: 'ㅅㄹ', count: 3 }]
   * index.patterns({ syllables: { min: 3 } }); // [{ pattern: 'ㄱㅇㅇ', count: 1 }, { pattern: 'ㄱㅇㅈ', count: 1 }]
   * ```
   */
  patterns(options: ChoseongPatternOptions = {}): ChoseongPatternCount[] {
    const minWords = finiteOr(options?.minWords, 1);
    const maxWords = finiteOr(options?.maxWords, Infinity);
    const syllables = options?.syllables;
    const minSyllables = typeof syllables === 'number' ? syllables : finiteOr(syllables?.min, 0);
    const maxSyllables = typeof syllables === 'number' ? syllables : finiteOr(syllables?.max, Infinity);

    const result: ChoseongPatternCount[] = [];
    for (const [pattern, bucket] of this.#buckets) {
      const count = bucket.length;
      if (count < minWords || count > maxWords) continue;
      if (pattern.length < minSyllables || pattern.length > maxSyllables) continue;
      if (!isChoseong(pattern)) continue;
      result.push({ pattern, count });
    }
    return result.sort(
      (a, b) => b.count - a.count || (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0),
    );
  }
}
