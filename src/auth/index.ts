/**
 * `serverless-game-kit/auth`: the browser-safe client of the Kakao login (no AWS SDK, no Node built-ins).
 * @module
 */
export { KakaoCognitoAuth } from './client.js';
export type { AuthSession, KakaoCognitoAuthOptions } from './client.js';
export {
  COGNITO_LOGIN_PROVIDER,
  CognitoServiceError,
  createCognitoCredentialsClient,
} from './cognito-credentials.js';
export type {
  CognitoCredentialsClient,
  CognitoCredentialsClientOptions,
  GetCredentialsForIdentityInput,
  GetCredentialsForIdentityOutput,
} from './cognito-credentials.js';
export { AuthConfigError, AuthError, SessionExpiredError, isAuthErrorCode } from './errors.js';
export type { AuthErrorCode } from './errors.js';
export { parseSession, serializeSession } from './session-storage.js';
export type { AuthSessionStorage, PersistedSession } from './session-storage.js';
export type { Subscribe } from './signal.js';
export type { KakaoAuthRequest, KakaoAuthResponse } from './types.js';
export { GameKitError, isGameKitError } from '../core/errors.js';
export { HttpClientError } from '../core/client/request-json.js';
export type { FetchLike } from '../core/client/request-json.js';
