/**
 * DEV STAND-IN — local demo only, never deployed. A browser game logs in with Kakao's JavaScript SDK, which
 * needs a registered Kakao app and a real account (see `examples/kakao-login/`). In the local demo, the page asks
 * this route for a test access token of the local Kakao server instead, and then signs in exactly like a
 * deployed game: `POST /auth/kakao` → Cognito Identity → AWS credentials.
 *
 * `POST /local/kakao/token` with `{"kakaoId": 1234567890}` → `200 {"accessToken", "kakaoId", "expiresIn"}`.
 */
import { z } from 'zod';
import { type ApiGatewayEvent, RequestError, readJsonBody } from '../../src/core/lambda/http-request.js';
import { type HttpResult, errorResponse, jsonResponse } from '../../src/core/lambda/http-response.js';
import type { LocalKakao } from '../../src/local/auth/kakao-server.js';

/** The route key the local demo adds to the game stack. */
export const DEV_KAKAO_TOKEN_ROUTE = 'POST /local/kakao/token';

/** Lifetime of a minted token: Kakao's 6 hours. */
const TOKEN_LIFETIME_SECONDS = 21_599;

const bodySchema = z.strictObject({
  kakaoId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

/**
 * Builds the handler of {@link DEV_KAKAO_TOKEN_ROUTE}: mints a token of the local Kakao server for the Kakao user
 * id in the body.
 *
 * @param kakao - The stack's local Kakao server (`env.identity.kakao`).
 * @returns A Lambda-style handler for the local HTTP gateway.
 * @example
 * ```ts
 * functions: (env) => ({ http: { [DEV_KAKAO_TOKEN_ROUTE]: createDevKakaoTokenHandler(env.identity.kakao!) } })
 * ```
 */
export function createDevKakaoTokenHandler(kakao: LocalKakao): (event: ApiGatewayEvent) => HttpResult {
  return (event) => {
    let body: unknown;
    try {
      body = readJsonBody(event);
    } catch (error) {
      if (error instanceof RequestError) return errorResponse(error.statusCode, error.code, error.message);
      throw error;
    }
    const parsed = bodySchema.safeParse(body);
    if (!parsed.success) {
      return errorResponse(
        400,
        'INVALID_REQUEST',
        'Send {"kakaoId": <a positive integer>} and nothing else.',
      );
    }
    const { kakaoId } = parsed.data;
    const accessToken = kakao.mintToken({ kakaoId, expiresInSeconds: TOKEN_LIFETIME_SECONDS });
    return jsonResponse(200, { accessToken, kakaoId, expiresIn: TOKEN_LIFETIME_SECONDS });
  };
}
