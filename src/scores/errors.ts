import { GameKitError } from '../core/errors.js';

/**
 * Why a scores operation failed. The handlers answer with these codes in `{ error: { code, message } }`; the
 * client throws them as {@link ScoresError} (local checks) or `HttpClientError` (server answers).
 *
 * - `INVALID_OPTIONS`: a factory or the client was given bad options (thrown before any I/O).
 * - `INVALID_BODY`: the body is not an object, or has fields the endpoint does not take.
 * - `INVALID_SCORE`: `score` is missing, not a finite integer, or outside the configured range.
 * - `INVALID_NAME`: the display name is empty, too long, or has characters that are not allowed.
 * - `INVALID_BOARD`: the board name is malformed; `UNKNOWN_BOARD`: no board setting matches it.
 * - `INVALID_QUERY`: a query string parameter is malformed (e.g. `limit=abc`).
 * - `INVALID_CURSOR`: the paging cursor was not issued by this endpoint for this board.
 * - `UNAUTHENTICATED`: the request carries no player identity.
 * - `RATE_LIMITED`: the player submitted more often than the board allows; retry after `retry-after` seconds.
 * - `PLAYER_NOT_FOUND`: `around` names a player with no score on the board.
 * - `CONTENTION`: the player's item changed under every attempt (extremely concurrent submissions); retry.
 * - `METHOD_NOT_ALLOWED`: the handler was routed a method it does not serve.
 * - `INTERNAL`: an unexpected failure (logged on the server).
 */
export type ScoresErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_BODY'
  | 'INVALID_SCORE'
  | 'INVALID_NAME'
  | 'INVALID_BOARD'
  | 'UNKNOWN_BOARD'
  | 'INVALID_QUERY'
  | 'INVALID_CURSOR'
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED'
  | 'PLAYER_NOT_FOUND'
  | 'CONTENTION'
  | 'METHOD_NOT_ALLOWED'
  | 'INTERNAL';

/** The HTTP status each {@link ScoresErrorCode} is answered with. */
export const SCORES_ERROR_STATUS: Readonly<Record<ScoresErrorCode, number>> = Object.freeze({
  INVALID_OPTIONS: 500,
  INVALID_BODY: 400,
  INVALID_SCORE: 400,
  INVALID_NAME: 400,
  INVALID_BOARD: 400,
  UNKNOWN_BOARD: 400,
  INVALID_QUERY: 400,
  INVALID_CURSOR: 400,
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  PLAYER_NOT_FOUND: 404,
  CONTENTION: 503,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
});

/**
 * An error of the scores module: bad options (thrown by factories and `new ScoreClient()` before any I/O),
 * a local argument check in the client, or a request a handler refuses (answered as JSON with
 * {@link SCORES_ERROR_STATUS}). `retryAfterSeconds` is set for `RATE_LIMITED`.
 *
 * @example
 * ```ts
 * import { ScoresError } from 'serverless-game-kit/scores';
 *
 * try {
 *   await scores.submit(Number.NaN);
 * } catch (error) {
 *   if (error instanceof ScoresError && error.code === 'INVALID_SCORE') console.log(error.message);
 * }
 * ```
 */
export class ScoresError extends GameKitError<ScoresErrorCode> {
  /** For `RATE_LIMITED`: seconds until the player's window resets. */
  readonly retryAfterSeconds?: number;

  constructor(
    code: ScoresErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(code, message, { cause: options.cause });
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
