import * as z from 'zod';
import { BodyTooLargeError, readBodyUpTo } from '../core/client/read-body.js';
import type { FetchLike } from '../core/client/request-json.js';
import { AuthError } from './errors.js';

/**
 * Kakao's REST API host, the default `kakaoApiBaseUrl`.
 *
 * @example
 * ```ts
 * import { KAKAO_API_BASE_URL } from 'serverless-game-kit/auth/lambda';
 * ```
 */
export const KAKAO_API_BASE_URL = 'https://kapi.kakao.com';

/**
 * The path of Kakao's "Retrieve token information" API.
 *
 * @example
 * ```ts
 * import { KAKAO_API_BASE_URL, KAKAO_TOKEN_INFO_PATH } from 'serverless-game-kit/auth/lambda';
 *
 * const url = `${KAKAO_API_BASE_URL}${KAKAO_TOKEN_INFO_PATH}`;
 * ```
 */
export const KAKAO_TOKEN_INFO_PATH = '/v1/user/access_token_info';

/** What Kakao says about an access token. */
export interface KakaoTokenInfo {
  /** Service user id ("회원번호"). */
  id: number;
  /** Seconds the token has left. */
  expiresIn: number;
  /** Id of the Kakao app the token was issued to. */
  appId: number;
}

/** Options of {@link fetchKakaoTokenInfo}. */
export interface FetchKakaoTokenInfoOptions {
  fetch: FetchLike;
  /** Default {@link KAKAO_API_BASE_URL}. */
  baseUrl?: string;
  /** Abandon the call after this many milliseconds (`KAKAO_TIMEOUT`). */
  timeoutMs: number;
}

/** Details of a Kakao failure that are safe to log (never the token). */
export interface KakaoFailureDetails {
  httpStatus?: number;
  kakaoCode?: number;
}

/**
 * An {@link AuthError} raised by the Kakao call, carrying what Kakao said for the logs.
 *
 * @example
 * ```ts
 * import { KakaoApiError } from 'serverless-game-kit/auth/lambda';
 *
 * try { await fetchKakaoTokenInfo(token, options); } catch (error) {
 *   if (error instanceof KakaoApiError) console.warn(error.code, error.details.kakaoCode);
 * }
 * ```
 */
export class KakaoApiError extends AuthError {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'KakaoApiError';

  readonly details: KakaoFailureDetails;
  constructor(
    code: 'INVALID_TOKEN' | 'KAKAO_UNAVAILABLE' | 'KAKAO_TIMEOUT',
    message: string,
    details: KakaoFailureDetails,
    cause?: unknown,
  ) {
    super(code, message, { cause });
    this.details = details;
  }
}

const tokenInfoSchema = z.object({
  id: z.number().int().positive(),
  expires_in: z.number(),
  app_id: z.number().int(),
});

const errorSchema = z.object({ code: z.number().int(), msg: z.string().optional() });

/**
 * Largest Kakao answer read: 64 KiB. Token information and Kakao's error bodies are about 100 bytes, so anything
 * larger is not Kakao's answer and is refused without holding it in the Lambda's memory.
 */
const MAX_KAKAO_ANSWER_BYTES = 64 * 1024;

/** Kakao codes that mean "this token is no good": -401 invalid/expired token, -2 malformed argument. */
const TOKEN_REJECTED_CODES = new Set([-401, -2]);

/**
 * Asks Kakao about an access token (`GET /v1/user/access_token_info` with `Authorization: Bearer`). The token is
 * only ever sent in that header; no error message or log detail contains it.
 *
 * @returns the user id, remaining lifetime and app id of the token.
 * @throws {KakaoApiError} `INVALID_TOKEN` when Kakao answers 401 / `-401` / `-2`; `KAKAO_TIMEOUT` when it does
 *   not answer in time; `KAKAO_UNAVAILABLE` for quota (`-10`), 5xx, network failures and unreadable answers.
 * @example
 * ```ts
 * import { fetchKakaoTokenInfo } from 'serverless-game-kit/auth/lambda';
 *
 * const info = await fetchKakaoTokenInfo(token, { fetch, timeoutMs: 3000 });
 * ```
 */
export async function fetchKakaoTokenInfo(
  accessToken: string,
  options: FetchKakaoTokenInfoOptions,
): Promise<KakaoTokenInfo> {
  const url = `${(options.baseUrl ?? KAKAO_API_BASE_URL).replace(/\/+$/, '')}${KAKAO_TOKEN_INFO_PATH}`;
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      signal,
    });
    text = new TextDecoder().decode(await readBodyUpTo(response, MAX_KAKAO_ANSWER_BYTES, { signal }));
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new KakaoApiError(
        'KAKAO_UNAVAILABLE',
        `Kakao answered with more than ${MAX_KAKAO_ANSWER_BYTES} bytes, which is not token information; try again later.`,
        {},
        error,
      );
    }
    if (signal.aborted) {
      throw new KakaoApiError(
        'KAKAO_TIMEOUT',
        `Kakao did not answer within ${options.timeoutMs} ms; try again.`,
        {},
        error,
      );
    }
    throw new KakaoApiError('KAKAO_UNAVAILABLE', 'Kakao could not be reached; try again later.', {}, error);
  }
  const body = parseJson(text);

  if (response.ok) {
    const parsed = tokenInfoSchema.safeParse(body);
    if (!parsed.success) {
      throw new KakaoApiError(
        'KAKAO_UNAVAILABLE',
        'Kakao answered with an unexpected token information format.',
        { httpStatus: response.status },
        parsed.error,
      );
    }
    return { id: parsed.data.id, expiresIn: parsed.data.expires_in, appId: parsed.data.app_id };
  }

  const kakaoCode = errorSchema.safeParse(body).data?.code;
  const details: KakaoFailureDetails = {
    httpStatus: response.status,
    ...(kakaoCode === undefined ? {} : { kakaoCode }),
  };
  if (response.status === 401 || (kakaoCode !== undefined && TOKEN_REJECTED_CODES.has(kakaoCode))) {
    throw new KakaoApiError('INVALID_TOKEN', 'The Kakao access token is invalid or has expired.', details);
  }
  if (kakaoCode === -10 || response.status === 429) {
    throw new KakaoApiError(
      'KAKAO_UNAVAILABLE',
      'Kakao refused the check: quota exceeded. Try again later.',
      details,
    );
  }
  throw new KakaoApiError(
    'KAKAO_UNAVAILABLE',
    `Kakao could not check the token (HTTP ${response.status}); try again later.`,
    details,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
