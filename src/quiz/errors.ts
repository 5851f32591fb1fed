import { GameKitError } from '../core/errors.js';

/**
 * What went wrong in the quiz module, as {@link QuizError.code}:
 * - `INVALID_OPTIONS`: a factory or `QuizRoom.join` was given options it cannot work with (nothing was started).
 * - `INVALID_WORD_PACK`: a word pack failed validation; {@link QuizError.issues} lists each bad word by index.
 * - `WORD_PACK_UNAVAILABLE`: a word pack source (file, S3 object, table) could not be read.
 * - `JOIN_FAILED`: the first connection closed before the server sent the room's state (refused handshake:
 *   bad room id, name or token; server down).
 * - `JOIN_TIMEOUT`: no state arrived within `joinTimeoutMs`.
 * - `INVALID_TEXT`: `say()` was given an empty or over-long text.
 * - `QUEUE_FULL`: `say()` while reconnecting, with `maxQueuedMessages` already waiting.
 * - `LEFT`: the room was left (by `leave()`) before the message could be sent.
 * - `CONNECTION_LOST`: reconnecting gave up before the message could be sent.
 */
export type QuizErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_WORD_PACK'
  | 'WORD_PACK_UNAVAILABLE'
  | 'JOIN_FAILED'
  | 'JOIN_TIMEOUT'
  | 'INVALID_TEXT'
  | 'QUEUE_FULL'
  | 'LEFT'
  | 'CONNECTION_LOST';

/** One invalid entry of a word pack: its position, the value found, and why it was refused. */
export interface WordPackIssue {
  /** Zero-based position in the pack. */
  index: number;
  /** The value at that position (non-strings are shown as `String(value)`). */
  word: string;
  /** Human-readable reason, e.g. `'not Hangul syllables only'` or `'duplicate of index 3'`. */
  reason: string;
}

/**
 * The error the quiz module throws (the socket handler never throws: it answers `error` events instead).
 *
 * @example
 * ```ts
 * import { QuizError, QuizRoom } from 'serverless-game-kit/quiz';
 *
 * try {
 *   await QuizRoom.join({ url: 'wss://example.com/prod', room: 'lobby', name: '민지' });
 * } catch (error) {
 *   if (error instanceof QuizError && error.code === 'JOIN_FAILED') console.error(error.message);
 * }
 * ```
 */
export class QuizError extends GameKitError<QuizErrorCode> {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'QuizError';

  /** For `INVALID_WORD_PACK`: every invalid word with its index; empty otherwise. */
  readonly issues: readonly WordPackIssue[];

  constructor(
    code: QuizErrorCode,
    message: string,
    options: { cause?: unknown; issues?: readonly WordPackIssue[] } = {},
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.issues = Object.freeze([...(options.issues ?? [])]);
  }
}

/**
 * True when `error` is a {@link QuizError}, also across duplicate copies of the package.
 *
 * @param error - Anything caught.
 * @param code - Optionally, the code it must have.
 * @returns Whether it is a quiz error (with that code).
 * @example
 * ```ts
 * import { isQuizError } from 'serverless-game-kit/quiz';
 *
 * room.say('사람').catch((error: unknown) => {
 *   if (isQuizError(error, 'QUEUE_FULL')) showToast('Still reconnecting…');
 * });
 * ```
 */
export function isQuizError(error: unknown, code?: QuizErrorCode): error is QuizError {
  const named =
    error instanceof QuizError ||
    (error instanceof Error && error.name === 'QuizError' && typeof (error as QuizError).code === 'string');
  return named && (code === undefined || (error as QuizError).code === code);
}
