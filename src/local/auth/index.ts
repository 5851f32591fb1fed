export { startLocalKakao } from './kakao-server.js';
export type {
  LocalKakao,
  LocalKakaoBehaviour,
  LocalKakaoOptions,
  LocalKakaoTokenOptions,
} from './kakao-server.js';
export { startLocalCognito } from './cognito-server.js';
export type { LocalCognito, LocalCognitoOptions } from './cognito-server.js';
export { COGNITO_IDENTITY_ISSUER, createCognitoTokenSigner } from './cognito-tokens.js';
export type { CognitoTokenClaims, CognitoTokenSigner } from './cognito-tokens.js';
export { createLocalIamAuthorizer } from './iam-authorizer.js';
export type { IssuedCredentials, LocalIamAuthorizerOptions, LocalSigV4Authorizer } from './iam-authorizer.js';
export { parseAmzDate, parseSigV4Authorization, verifySigV4 } from './sigv4.js';
export type { SigV4Authorization, SigV4Check, SignedRequest } from './sigv4.js';
