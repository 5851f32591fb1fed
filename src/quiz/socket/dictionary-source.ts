/**
 * The quiz's answers, loaded once per Lambda container: the given words at once, or `loadWords` at first use
 * (and again after a failure).
 */
import { DEFAULT_WORD_PACK } from '../default-word-pack.js';
import { type QuizPatternOptions, QuizDictionary } from '../dictionary.js';

/** Where the answers come from. */
export interface DictionarySourceOptions {
  words?: readonly string[];
  loadWords?: () => Promise<readonly string[]>;
  patterns?: QuizPatternOptions;
}

/**
 * Returns a function that resolves the dictionary: built at once from `words` (default the bundled pack), or
 * loaded on the first call from `loadWords`; a failed load is retried on the next call.
 *
 * @throws {QuizError} `INVALID_WORD_PACK` at once for bad `words`.
 * @example
 * ```ts
 * const dictionary = createDictionarySource({ loadWords: () => wordPackFromFile('words.txt') });
 * const dict = await dictionary();
 * ```
 */
export function createDictionarySource(options: DictionarySourceOptions): () => Promise<QuizDictionary> {
  const patterns = options.patterns ?? {};
  const { loadWords } = options;
  if (loadWords === undefined) {
    const ready = Promise.resolve(QuizDictionary.from(options.words ?? DEFAULT_WORD_PACK, patterns));
    return () => ready;
  }
  let loading: Promise<QuizDictionary> | undefined;
  return () => {
    loading ??= loadWords()
      .then((words) => QuizDictionary.from(words, patterns))
      .catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
    return loading;
  };
}
