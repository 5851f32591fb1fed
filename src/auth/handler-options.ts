import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import * as z from 'zod';
import type { FetchLike } from '../core/client/request-json.js';
import { type Logger, safeLogger } from '../core/logger.js';
import { hasMethods, isFunction } from '../core/method-checks.js';
import type { AuthCorsOptions } from './cors.js';
import { AuthConfigError } from './errors.js';
import { KAKAO_API_BASE_URL } from './kakao.js';

/**
 * The handler's logger: the kit's {@link Logger}.
 *
 * @deprecated Use `Logger`, the contract every module's `logger` option takes.
 */
export type AuthLogger = Logger;

/** Options of `createKakaoAuthHandler`. */
export interface KakaoAuthHandlerOptions {
  /** The Cognito identity pool, e.g. `ap-northeast-2:0f6a…`. */
  identityPoolId: string;
  /** The pool's developer provider name, e.g. `gamingonaws.auth`. */
  developerProviderName: string;
  /** The Kakao app id(s) whose tokens are accepted ("앱 ID", a number); tokens of any other app get 403. */
  kakaoAppIds: number | string | ReadonlyArray<number | string>;
  /** Lifetime of the issued Cognito token; default 3600, at most 86 400 (Cognito's limit). */
  tokenDurationSeconds?: number;
  /** Default `https://kapi.kakao.com`; the local stack points it at its Kakao stand-in. */
  kakaoApiBaseUrl?: string;
  /**
   * How long to wait for Kakao; default 3000 ms. Also capped by the Lambda's remaining time (minus 1 s), so a
   * slow Kakao gets a 504 answer instead of a silent function timeout.
   */
  timeoutMs?: number;
  /** Default: `new CognitoIdentityClient({})`, built on the first request. A client you pass is never destroyed. */
  cognitoIdentityClient?: Pick<CognitoIdentityClient, 'send'>;
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Add CORS headers for these origins (needed behind a REST API proxy integration; an HTTP API can do it itself). */
  cors?: AuthCorsOptions;
  /**
   * Where the handler writes its log lines (`console`, a Powertools `Logger`, …); default `console`. Lines carry
   * structured fields and never the Kakao access token or the Cognito token.
   */
  logger?: Logger;
}

/** The options after validation, with defaults applied. */
export interface ResolvedKakaoAuthHandlerOptions {
  identityPoolId: string;
  developerProviderName: string;
  kakaoAppIds: ReadonlySet<number>;
  tokenDurationSeconds: number;
  kakaoApiBaseUrl: string;
  timeoutMs: number;
  cognitoIdentityClient: Pick<CognitoIdentityClient, 'send'> | undefined;
  fetch: FetchLike;
  cors: AuthCorsOptions | undefined;
  logger: Required<Logger>;
}

const appIdSchema = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d{1,15}$/, 'a Kakao app id is a number')
    .transform(Number),
]);

const optionsSchema = z.object({
  identityPoolId: z
    .string()
    .max(55)
    .regex(/^[\w-]+:[0-9a-f-]+$/, 'expected an identity pool id like "ap-northeast-2:0f6a…"'),
  developerProviderName: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\w._-]+$/, 'expected a developer provider name like "gamingonaws.auth"'),
  kakaoAppIds: z
    .union([appIdSchema, z.array(appIdSchema).min(1, 'list at least one Kakao app id')])
    .transform((ids) => new Set(Array.isArray(ids) ? ids : [ids])),
  tokenDurationSeconds: z.number().int().min(1).max(86_400).default(3600),
  kakaoApiBaseUrl: z.url({ protocol: /^https?$/ }).default(KAKAO_API_BASE_URL),
  timeoutMs: z.number().int().min(1).max(60_000).default(3000),
  cognitoIdentityClient: z
    .custom<Pick<CognitoIdentityClient, 'send'>>(hasMethods('send'), 'expected a CognitoIdentityClient')
    .optional(),
  fetch: z.custom<FetchLike>(isFunction, 'expected a fetch function').optional(),
  cors: z
    .object({
      allowOrigins: z.array(z.string().min(1)).min(1),
      allowHeaders: z.array(z.string().min(1)).optional(),
      allowCredentials: z.boolean().optional(),
      maxAgeSeconds: z.number().int().min(0).optional(),
    })
    .refine((cors) => !(cors.allowCredentials && cors.allowOrigins.includes('*')), {
      message: "allowCredentials cannot be combined with the '*' origin",
    })
    .optional(),
  logger: z
    .custom<Logger>(hasMethods('info', 'warn', 'error'), 'expected a logger with info, warn and error')
    .optional(),
});

/**
 * Validates the handler's options and applies the defaults, before any I/O.
 *
 * @throws {AuthConfigError} listing every problem.
 * @example
 * ```ts
 * const options = resolveKakaoAuthHandlerOptions({ identityPoolId, developerProviderName: 'gamingonaws.auth', kakaoAppIds: 1234 });
 * ```
 */
export function resolveKakaoAuthHandlerOptions(
  options: KakaoAuthHandlerOptions,
): ResolvedKakaoAuthHandlerOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AuthConfigError(`Invalid Kakao auth handler options:\n${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const data = parsed.data;
  return {
    identityPoolId: data.identityPoolId,
    developerProviderName: data.developerProviderName,
    kakaoAppIds: data.kakaoAppIds,
    tokenDurationSeconds: data.tokenDurationSeconds,
    kakaoApiBaseUrl: data.kakaoApiBaseUrl,
    timeoutMs: data.timeoutMs,
    cognitoIdentityClient: data.cognitoIdentityClient,
    fetch: data.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    cors: data.cors,
    logger: safeLogger(data.logger ?? console),
  };
}
