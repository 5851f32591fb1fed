/** `POST /auth/kakao`: a Kakao access token in, a Cognito identity and OpenID token out. */
import { createKakaoAuthHandler } from 'serverless-game-kit/auth/lambda';
import { requiredEnv } from './environment.js';

export const handler = createKakaoAuthHandler({
  identityPoolId: requiredEnv('IDENTITY_POOL_ID'),
  developerProviderName: requiredEnv('DEVELOPER_PROVIDER_NAME'),
  kakaoAppIds: requiredEnv('KAKAO_APP_IDS').split(','),
});
