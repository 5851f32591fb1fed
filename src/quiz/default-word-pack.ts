import defaultWords from './words/default.json' with { type: 'json' };

/**
 * The default word pack: 1,948 common Korean nouns written for this project (CC0-1.0; see
 * `src/quiz/words/SOURCE.md`). Data, not code: it lives in `words/default.json`, which bundlers inline.
 * Validate it like any pack (`parseWordPack`) before use; the socket handler does.
 *
 * @example
 * ```ts
 * import { DEFAULT_WORD_PACK } from 'serverless-game-kit/quiz/lambda';
 *
 * DEFAULT_WORD_PACK.length; // 1948
 * ```
 */
export const DEFAULT_WORD_PACK: readonly string[] = Object.freeze(defaultWords);
