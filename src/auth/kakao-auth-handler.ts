import {
  CognitoIdentityClient,
  GetOpenIdTokenForDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import {
  type ApiGatewayEvent,
  RequestError,
  readJsonBody,
  requestHeader,
  requestMethod,
} from '../core/lambda/http-request.js';
import { type HttpResult, errorResponse, jsonResponse } from '../core/lambda/http-response.js';
import { corsHeaders } from './cors.js';
import { AUTH_ERROR_STATUS, type AuthHandlerErrorCode } from './error-status.js';
import { AuthError } from './errors.js';
import {
  type KakaoAuthHandlerOptions,
  type ResolvedKakaoAuthHandlerOptions,
  resolveKakaoAuthHandlerOptions,
} from './handler-options.js';
import { KakaoApiError, fetchKakaoTokenInfo } from './kakao.js';
import type { KakaoAuthResponse } from './types.js';

/** The Lambda function `createKakaoAuthHandler` returns; takes HTTP API (v2) and REST API (v1) proxy events. */
export type KakaoAuthHandler = (
  event: ApiGatewayEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<HttpResult>;

/** RFC 6750 `b64token`: what a bearer token may contain. */
const bodySchema = z.object({
  accessToken: z
    .string()
    .min(1)
    .max(4096)
    .regex(/^[A-Za-z0-9._~+/-]+=*$/),
});

/** Never let a Kakao call run into the function's own timeout: keep this much time to answer. */
const ANSWER_RESERVE_MS = 1000;

/**
 * Creates the Lambda handler of the Kakao login: `POST {"accessToken": "<Kakao access token>"}` → the token is
 * checked with Kakao (`GET /v1/user/access_token_info`), its `app_id` must be one of `kakaoAppIds` and it must
 * have time left; then Cognito `GetOpenIdTokenForDeveloperIdentity` maps the Kakao user to a stable identity id
 * (`Logins: { [developerProviderName]: "<kakao id>" }`) and the answer is
 * `200 {identityId, token, expiresIn, kakaoId}`. Every failure is a JSON `{ error: { code, message } }` with the
 * status of {@link AUTH_ERROR_STATUS}: 400 bad body, 401 invalid/expired token, 403 other Kakao app, 502 Kakao or
 * Cognito failing, 504 Kakao timing out. Tokens are never logged, and Cognito's error details never reach the
 * caller.
 *
 * Options are validated here, before any I/O; the default Cognito client is built on the first request.
 *
 * @throws {AuthConfigError} when an option is invalid.
 * @example
 * ```ts
 * import { createKakaoAuthHandler } from 'serverless-game-kit/auth/lambda';
 *
 * export const handler = createKakaoAuthHandler({
 *   identityPoolId: process.env.IDENTITY_POOL_ID!,
 *   developerProviderName: 'gamingonaws.auth',
 *   kakaoAppIds: [Number(process.env.KAKAO_APP_ID)],
 * });
 * ```
 */
export function createKakaoAuthHandler(options: KakaoAuthHandlerOptions): KakaoAuthHandler {
  const config = resolveKakaoAuthHandlerOptions(options);
  let cognito = config.cognitoIdentityClient;
  const cognitoClient = (): Pick<CognitoIdentityClient, 'send'> =>
    (cognito ??= new CognitoIdentityClient({}));

  return async (event, context) => {
    const origin = requestHeader(event, 'origin');
    const method = requestMethod(event);
    if (method === 'OPTIONS') {
      return { statusCode: 204, headers: corsHeaders(config.cors, origin, true), body: '' };
    }
    const cors = corsHeaders(config.cors, origin, false);
    let accessToken: string | undefined;
    try {
      if (method !== 'POST') {
        return errorAnswer(new AuthError('METHOD_NOT_ALLOWED', 'Use POST with a JSON body.'), config, {
          ...cors,
          allow: 'POST, OPTIONS',
        });
      }
      accessToken = readAccessToken(event);
      const info = await fetchKakaoTokenInfo(accessToken, {
        fetch: config.fetch,
        baseUrl: config.kakaoApiBaseUrl,
        timeoutMs: kakaoTimeout(config.timeoutMs, context),
      });
      if (!config.kakaoAppIds.has(info.appId)) {
        throw new AuthError(
          'APP_NOT_ALLOWED',
          'The Kakao token was issued to an app this game does not accept.',
        );
      }
      if (!(info.expiresIn > 0)) {
        throw new AuthError('TOKEN_EXPIRED', 'The Kakao access token has expired; log in with Kakao again.');
      }
      const answer = await issueCognitoToken(cognitoClient(), config, info.id);
      config.logger.info('kakao-auth: signed in', {
        kakaoId: info.id,
        appId: info.appId,
        identityId: answer.identityId,
      });
      return jsonResponse(200, answer satisfies KakaoAuthResponse, cors);
    } catch (error) {
      return errorAnswer(error, config, cors, accessToken);
    }
  };
}

function readAccessToken(event: ApiGatewayEvent): string {
  const body = readJsonBody(event);
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    throw new AuthError(
      'INVALID_REQUEST',
      'Send {"accessToken": "<Kakao access token>"} as the JSON body; the token must be a non-empty bearer token.',
    );
  }
  return parsed.data.accessToken;
}

function kakaoTimeout(
  timeoutMs: number,
  context: Pick<Context, 'getRemainingTimeInMillis'> | undefined,
): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined || !Number.isFinite(remaining)) return timeoutMs;
  return Math.max(1, Math.min(timeoutMs, remaining - ANSWER_RESERVE_MS));
}

async function issueCognitoToken(
  cognito: Pick<CognitoIdentityClient, 'send'>,
  config: ResolvedKakaoAuthHandlerOptions,
  kakaoId: number,
): Promise<KakaoAuthResponse> {
  let output: { IdentityId?: string | undefined; Token?: string | undefined };
  try {
    output = await cognito.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: config.identityPoolId,
        Logins: { [config.developerProviderName]: String(kakaoId) },
        TokenDuration: config.tokenDurationSeconds,
      }),
    );
  } catch (error) {
    throw new AuthError('COGNITO_UNAVAILABLE', 'The identity service failed; try again later.', {
      cause: error,
    });
  }
  if (!output.IdentityId || !output.Token) {
    throw new AuthError('COGNITO_UNAVAILABLE', 'The identity service gave no token; try again later.');
  }
  return {
    identityId: output.IdentityId,
    token: output.Token,
    expiresIn: config.tokenDurationSeconds,
    kakaoId,
  };
}

function errorAnswer(
  error: unknown,
  config: ResolvedKakaoAuthHandlerOptions,
  headers: Record<string, string>,
  accessToken?: string,
): HttpResult {
  const known = toHandlerError(error);
  const status = AUTH_ERROR_STATUS[known.code];
  const details: Record<string, unknown> = { code: known.code, status };
  if (error instanceof KakaoApiError) Object.assign(details, error.details);
  if (known.code === 'COGNITO_UNAVAILABLE' || known.code === 'INTERNAL') {
    Object.assign(details, describeCause(known.code === 'INTERNAL' ? error : known.cause, accessToken));
  }
  if (status >= 500) config.logger.error('kakao-auth: failed', details);
  else config.logger.warn('kakao-auth: rejected', details);
  return errorResponse(status, known.code, known.message, headers);
}

function toHandlerError(error: unknown): { code: AuthHandlerErrorCode; message: string; cause?: unknown } {
  if ((error instanceof AuthError || error instanceof RequestError) && error.code in AUTH_ERROR_STATUS) {
    return { code: error.code as AuthHandlerErrorCode, message: error.message, cause: error.cause };
  }
  return { code: 'INTERNAL', message: 'The login failed unexpectedly; try again later.', cause: error };
}

/** Name, HTTP status and request id of a foreign error, with any token text removed; never its raw object. */
function describeCause(cause: unknown, accessToken: string | undefined): Record<string, unknown> {
  if (!(cause instanceof Error)) return cause === undefined ? {} : { cause: typeof cause };
  const metadata = (cause as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
  const redact = (text: string): string => (accessToken ? text.split(accessToken).join('[redacted]') : text);
  return {
    cause: cause.name,
    causeMessage: redact(cause.message).slice(0, 300),
    ...(metadata?.httpStatusCode === undefined ? {} : { causeStatus: metadata.httpStatusCode }),
    ...(metadata?.requestId === undefined ? {} : { causeRequestId: metadata.requestId }),
  };
}
