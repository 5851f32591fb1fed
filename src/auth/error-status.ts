import type { AuthErrorCode } from './errors.js';

/**
 * The one table that maps the handler's error codes to HTTP statuses. Codes that only the client raises are
 * absent.
 *
 * @example
 * ```ts
 * import { AUTH_ERROR_STATUS } from 'serverless-game-kit/auth/lambda';
 *
 * AUTH_ERROR_STATUS.APP_NOT_ALLOWED; // 403
 * ```
 */
export const AUTH_ERROR_STATUS = {
  INVALID_REQUEST: 400,
  MISSING_BODY: 400,
  INVALID_JSON: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  APP_NOT_ALLOWED: 403,
  KAKAO_UNAVAILABLE: 502,
  KAKAO_TIMEOUT: 504,
  COGNITO_UNAVAILABLE: 502,
  INTERNAL: 500,
} as const satisfies Partial<Record<AuthErrorCode, number>>;

/** An error code the handler can answer with. */
export type AuthHandlerErrorCode = keyof typeof AUTH_ERROR_STATUS;
