/**
 * `serverless-game-kit/auth/lambda`: the Lambda side of the Kakao login (Node.js, AWS SDK v3).
 * @module
 */
export { createKakaoAuthHandler } from './kakao-auth-handler.js';
export type { KakaoAuthHandler } from './kakao-auth-handler.js';
export { resolveKakaoAuthHandlerOptions } from './handler-options.js';
export type { LogFields, Logger, LogLevel } from '../core/logger.js';
export type {
  AuthLogger,
  KakaoAuthHandlerOptions,
  ResolvedKakaoAuthHandlerOptions,
} from './handler-options.js';
export { AUTH_ERROR_STATUS } from './error-status.js';
export type { AuthHandlerErrorCode } from './error-status.js';
export { corsHeaders } from './cors.js';
export type { AuthCorsOptions } from './cors.js';
export { KAKAO_API_BASE_URL, KAKAO_TOKEN_INFO_PATH, KakaoApiError, fetchKakaoTokenInfo } from './kakao.js';
export type { FetchKakaoTokenInfoOptions, KakaoFailureDetails, KakaoTokenInfo } from './kakao.js';
export { AuthConfigError, AuthError, isAuthErrorCode } from './errors.js';
export type { AuthErrorCode } from './errors.js';
export type { KakaoAuthRequest, KakaoAuthResponse } from './types.js';
export { GameKitError, isGameKitError } from '../core/errors.js';
