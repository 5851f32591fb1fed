/** `POST /auth/kakao` as `GameAuth` deploys it: a Kakao access token in, a Cognito identity and OpenID token out. */
import { createKakaoAuthHandler, type KakaoAuthHandlerOptions } from '../../auth/lambda.js';
import { handlerOptions } from './environment.js';

export const handler = createKakaoAuthHandler(handlerOptions<KakaoAuthHandlerOptions>());
