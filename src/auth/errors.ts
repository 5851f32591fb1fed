import { GameKitError } from '../core/errors.js';

/**
 * What went wrong in the auth module. The handler answers these codes in `{ error: { code, message } }`; the
 * client throws them as {@link AuthError} (or {@link SessionExpiredError} / {@link AuthConfigError}).
 *
 * | code | HTTP | meaning |
 * |---|---|---|
 * | `INVALID_REQUEST` | 400 | the body is missing `accessToken` or it is not a token |
 * | `MISSING_BODY`, `INVALID_JSON` | 400 | no body, or not JSON |
 * | `BODY_TOO_LARGE` | 413 | the body is over 16 KiB |
 * | `UNSUPPORTED_MEDIA_TYPE` | 415 | the body is not `application/json` |
 * | `METHOD_NOT_ALLOWED` | 405 | not `POST` |
 * | `INVALID_TOKEN` | 401 | Kakao does not know the token (expired, revoked, malformed) |
 * | `TOKEN_EXPIRED` | 401 | Kakao knows the token but it has no time left |
 * | `APP_NOT_ALLOWED` | 403 | the token was issued to a Kakao app this handler does not accept |
 * | `KAKAO_UNAVAILABLE` | 502 | Kakao is down, over quota, or answered something unreadable |
 * | `KAKAO_TIMEOUT` | 504 | Kakao did not answer within `timeoutMs` |
 * | `COGNITO_UNAVAILABLE` | 502 | Cognito Identity failed (details are logged, never returned) |
 * | `INTERNAL` | 500 | a bug; details are logged |
 * | `INVALID_CONFIG` | – | options rejected at factory/constructor time ({@link AuthConfigError}) |
 * | `NOT_SIGNED_IN` | – | the client has no session (never signed in, signed out, or signed out meanwhile) |
 * | `SESSION_EXPIRED` | – | the Kakao token is no longer valid: log in again ({@link SessionExpiredError}) |
 * | `COGNITO_REJECTED` | – | Cognito refused a token the auth endpoint had just issued (pool misconfigured) |
 * | `NETWORK`, `TIMEOUT`, `INVALID_RESPONSE` | – | the client could not reach or read the auth endpoint |
 * | `AUTH_ENDPOINT_ERROR` | – | the auth endpoint answered an error this version does not know |
 */
export type AuthErrorCode =
  | 'INVALID_REQUEST'
  | 'MISSING_BODY'
  | 'INVALID_JSON'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'INVALID_TOKEN'
  | 'TOKEN_EXPIRED'
  | 'APP_NOT_ALLOWED'
  | 'KAKAO_UNAVAILABLE'
  | 'KAKAO_TIMEOUT'
  | 'COGNITO_UNAVAILABLE'
  | 'INTERNAL'
  | 'INVALID_CONFIG'
  | 'NOT_SIGNED_IN'
  | 'SESSION_EXPIRED'
  | 'COGNITO_REJECTED'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'INVALID_RESPONSE'
  | 'AUTH_ENDPOINT_ERROR';

const KNOWN_CODES: ReadonlySet<string> = new Set<AuthErrorCode>([
  'INVALID_REQUEST',
  'MISSING_BODY',
  'INVALID_JSON',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'APP_NOT_ALLOWED',
  'KAKAO_UNAVAILABLE',
  'KAKAO_TIMEOUT',
  'COGNITO_UNAVAILABLE',
  'INTERNAL',
  'INVALID_CONFIG',
  'NOT_SIGNED_IN',
  'SESSION_EXPIRED',
  'COGNITO_REJECTED',
  'NETWORK',
  'TIMEOUT',
  'INVALID_RESPONSE',
  'AUTH_ENDPOINT_ERROR',
]);

/**
 * True when `code` is one of the {@link AuthErrorCode}s.
 *
 * @example
 * ```ts
 * import { isAuthErrorCode } from 'serverless-game-kit/auth';
 *
 * isAuthErrorCode('INVALID_TOKEN'); // true
 * ```
 */
export function isAuthErrorCode(code: string): code is AuthErrorCode {
  return KNOWN_CODES.has(code);
}

/**
 * A failure of the auth module. `status` is the HTTP status when an HTTP answer caused it.
 *
 * @example
 * ```ts
 * import { AuthError } from 'serverless-game-kit/auth';
 *
 * try {
 *   await auth.signIn(kakaoAccessToken);
 * } catch (error) {
 *   if (error instanceof AuthError && error.code === 'APP_NOT_ALLOWED') showMessage('Wrong Kakao app');
 * }
 * ```
 */
export class AuthError extends GameKitError<AuthErrorCode> {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'AuthError';

  /** HTTP status of the answer that caused the error, when there was one. */
  readonly status?: number;

  constructor(code: AuthErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
  }
}

/**
 * Options given to `createKakaoAuthHandler` or `new KakaoCognitoAuth` were rejected; thrown before any I/O.
 *
 * @example
 * ```ts
 * import { AuthConfigError } from 'serverless-game-kit/auth';
 *
 * try {
 *   new KakaoCognitoAuth({ authEndpoint: 'not a url', region: 'ap-northeast-2' });
 * } catch (error) {
 *   if (error instanceof AuthConfigError) console.error(error.message);
 * }
 * ```
 */
export class AuthConfigError extends AuthError {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'AuthConfigError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('INVALID_CONFIG', message, options);
  }
}

/**
 * The player's Kakao login is no longer valid (expired or revoked), so no new AWS credentials can be obtained.
 * The session has been forgotten; ask the player to log in with Kakao again.
 *
 * @example
 * ```ts
 * import { isGameKitError } from 'serverless-game-kit/auth';
 *
 * try {
 *   await s3.send(command);
 * } catch (error) {
 *   if (isGameKitError(error, 'SessionExpiredError')) showLoginScreen();
 * }
 * ```
 */
export class SessionExpiredError extends AuthError {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'SessionExpiredError';

  constructor(message = 'The Kakao login has expired; log in again.', options: { cause?: unknown } = {}) {
    super('SESSION_EXPIRED', message, options);
  }
}
