import { HttpClientError } from '../core/client/request-json.js';
import { isGameKitError } from '../core/errors.js';

/**
 * Why a scores operation failed: the handlers answer the first group in `{ error: { code, message } }`; the client
 * throws every code as a {@link ScoresError}.
 *
 * Answered by the handlers (see {@link SCORES_ERROR_STATUS}):
 * - `INVALID_OPTIONS`: a factory or the client was given bad options (thrown before any I/O).
 * - `INVALID_BODY`: the body is not an object, or has fields the endpoint does not take.
 * - `INVALID_JSON`, `MISSING_BODY`, `UNSUPPORTED_MEDIA_TYPE`, `BODY_TOO_LARGE`: the body could not be read.
 * - `INVALID_SCORE`: `score` is missing, not a finite integer, or outside the configured range.
 * - `INVALID_NAME`: the display name is empty, too long, or has characters that are not allowed.
 * - `INVALID_BOARD`: the board name is malformed; `UNKNOWN_BOARD`: no board setting matches it.
 * - `INVALID_QUERY`: a query string parameter is malformed (e.g. `limit=abc`).
 * - `INVALID_CURSOR`: the paging cursor was not issued by this endpoint for this board.
 * - `UNAUTHENTICATED`: the request carries no player identity (the client also throws it when its credential
 *   provider or `headers` function fails, and for a gateway's 401).
 * - `RATE_LIMITED`: the player submitted more often than the board allows, or the gateway throttled the request
 *   (429); retry after `retryAfterSeconds` when it is known.
 * - `PLAYER_NOT_FOUND`: `around` names a player with no score on the board (`ScoreClient.around()` answers `null`
 *   instead of throwing it).
 * - `CONTENTION`: the player's item changed under every attempt (extremely concurrent submissions); retry.
 * - `METHOD_NOT_ALLOWED`: the handler was routed a method it does not serve.
 * - `INTERNAL`: an unexpected failure (logged on the server).
 *
 * Thrown by the client only:
 * - `NETWORK`: the endpoint could not be reached; `TIMEOUT`: no answer within `timeoutMs`; `ABORTED`: the call's
 *   `signal` fired.
 * - `INVALID_RESPONSE`: a success answer whose body is not JSON.
 * - `FORBIDDEN`: the API gateway refused the request (403): unsigned, expired or foreign credentials, or an IAM
 *   policy that does not allow the route.
 * - `SCORES_ENDPOINT_ERROR`: any other error answer without a scores code (e.g. 404 for a wrong endpoint or path,
 *   a gateway's 5xx); see `status`.
 */
export type ScoresErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_BODY'
  | 'INVALID_JSON'
  | 'MISSING_BODY'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BODY_TOO_LARGE'
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
  | 'INTERNAL'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'INVALID_RESPONSE'
  | 'FORBIDDEN'
  | 'SCORES_ENDPOINT_ERROR';

/**
 * The HTTP status each {@link ScoresErrorCode} is answered with. The codes only the client throws (`NETWORK`,
 * `TIMEOUT`, `ABORTED`, `INVALID_RESPONSE`, `FORBIDDEN`, `SCORES_ENDPOINT_ERROR`) are never answered by a handler;
 * they are listed with the status a gateway would use for them.
 */
export const SCORES_ERROR_STATUS: Readonly<Record<ScoresErrorCode, number>> = Object.freeze({
  INVALID_OPTIONS: 500,
  INVALID_BODY: 400,
  INVALID_JSON: 400,
  MISSING_BODY: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_TOO_LARGE: 413,
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
  NETWORK: 502,
  TIMEOUT: 504,
  ABORTED: 499,
  INVALID_RESPONSE: 502,
  FORBIDDEN: 403,
  SCORES_ENDPOINT_ERROR: 502,
});

/** The codes a scores endpoint answers in `{ error: { code } }`; any other code in an answer is not ours. */
const ANSWERED_CODES: ReadonlySet<string> = new Set<ScoresErrorCode>([
  'INVALID_OPTIONS',
  'INVALID_BODY',
  'INVALID_JSON',
  'MISSING_BODY',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
  'INVALID_SCORE',
  'INVALID_NAME',
  'INVALID_BOARD',
  'UNKNOWN_BOARD',
  'INVALID_QUERY',
  'INVALID_CURSOR',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'PLAYER_NOT_FOUND',
  'CONTENTION',
  'METHOD_NOT_ALLOWED',
  'INTERNAL',
]);

/**
 * True when `code` is one a scores endpoint answers in `{ error: { code } }` (not one only the client throws).
 *
 * @example
 * ```ts
 * import { isScoresAnswerCode } from 'serverless-game-kit/scores';
 *
 * isScoresAnswerCode('RATE_LIMITED'); // true
 * isScoresAnswerCode('NETWORK'); // false
 * ```
 */
export function isScoresAnswerCode(code: string): code is ScoresErrorCode {
  return ANSWERED_CODES.has(code);
}

/**
 * An error of the scores module: bad options (thrown by factories and `new ScoreClient()` before any I/O), a local
 * argument check in the client, a request a handler refuses (answered as JSON with {@link SCORES_ERROR_STATUS}),
 * or a failed call of `ScoreClient` (`status` and `requestId` set when the server answered; the underlying
 * `HttpClientError` is the `cause`). `retryAfterSeconds` is set for `RATE_LIMITED` when known.
 *
 * It extends `HttpClientError`, so code written against the client's earlier errors
 * (`error instanceof HttpClientError && error.status === 429`) keeps working; test for it with
 * {@link isScoresError}, which also recognises an error from a duplicate copy of the package.
 *
 * @example
 * ```ts
 * import { isScoresError } from 'serverless-game-kit/scores';
 *
 * try {
 *   await scores.submit(1200);
 * } catch (error) {
 *   if (isScoresError(error, 'RATE_LIMITED')) console.log(`wait ${error.retryAfterSeconds ?? 60} s`);
 * }
 * ```
 */
export class ScoresError extends HttpClientError {
  declare readonly code: ScoresErrorCode;
  /** For `RATE_LIMITED`: seconds until the player may submit again, when the server said. */
  readonly retryAfterSeconds?: number;

  constructor(
    code: ScoresErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number; status?: number; requestId?: string } = {},
  ) {
    super(code, message, {
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    // Spelled out: a minifying bundler renames the class, and `isScoresError` goes by the name across copies.
    this.name = 'ScoresError';
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * True when `error` is a {@link ScoresError} (also one from a duplicate copy of the package); pass `code` to test
 * for one code.
 *
 * @example
 * ```ts
 * import { isScoresError } from 'serverless-game-kit/scores';
 *
 * scores.submit(1200).catch((error: unknown) => {
 *   if (isScoresError(error, 'UNAUTHENTICATED')) showLogin();
 * });
 * ```
 */
export function isScoresError(error: unknown, code?: ScoresErrorCode): error is ScoresError {
  if (!(error instanceof ScoresError) && !isGameKitError(error, 'ScoresError')) return false;
  return code === undefined || error.code === code;
}
