import { BodyTooLargeError, readBodyUpTo } from '../core/client/read-body.js';
import type { FetchLike } from '../core/client/request-json.js';

/**
 * The provider name under which a Cognito OpenID token is passed in `Logins`.
 *
 * @example
 * ```ts
 * import { COGNITO_LOGIN_PROVIDER } from 'serverless-game-kit/auth';
 *
 * const input = { IdentityId: identityId, Logins: { [COGNITO_LOGIN_PROVIDER]: token } };
 * ```
 */
export const COGNITO_LOGIN_PROVIDER = 'cognito-identity.amazonaws.com';

/** Input of `GetCredentialsForIdentity`, as the AWS SDK names it. */
export interface GetCredentialsForIdentityInput {
  IdentityId: string;
  Logins: Record<string, string>;
}

/** Output of `GetCredentialsForIdentity`, as the AWS SDK returns it (`Expiration` a `Date`). */
export interface GetCredentialsForIdentityOutput {
  IdentityId?: string | undefined;
  Credentials?:
    | {
        AccessKeyId?: string | undefined;
        SecretKey?: string | undefined;
        SessionToken?: string | undefined;
        Expiration?: Date | undefined;
      }
    | undefined;
}

/**
 * Anything that can call Cognito's `GetCredentialsForIdentity`. The SDK's aggregated client fits
 * (`new CognitoIdentity({ region })` from `@aws-sdk/client-cognito-identity`), for apps that bundle the SDK
 * anyway; by default {@link createCognitoCredentialsClient} calls the service with `fetch` and no SDK.
 */
export interface CognitoCredentialsClient {
  getCredentialsForIdentity(input: GetCredentialsForIdentityInput): Promise<GetCredentialsForIdentityOutput>;
}

/**
 * An error answer of Cognito Identity; `name` is the service's error type (`NotAuthorizedException`,
 * `ResourceNotFoundException`, …), as the AWS SDK's errors have it.
 *
 * @example
 * ```ts
 * import { CognitoServiceError } from 'serverless-game-kit/auth';
 *
 * try { await cognito.getCredentialsForIdentity(input); } catch (error) {
 *   if (error instanceof CognitoServiceError && error.name === 'NotAuthorizedException') await signInAgain();
 * }
 * ```
 */
export class CognitoServiceError extends Error {
  /** HTTP status of the answer; `undefined` when there was none (network failure, timeout). */
  readonly status?: number;
  constructor(name: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = name;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** Options of {@link createCognitoCredentialsClient}. */
export interface CognitoCredentialsClientOptions {
  region: string;
  /** Default `https://cognito-identity.<region>.amazonaws.com/`; the local stack passes its own. */
  endpoint?: string;
  fetch: FetchLike;
  /** Default 10 000 ms. */
  timeoutMs?: number;
}

/**
 * A browser-safe `GetCredentialsForIdentity` client: an unsigned JSON POST (`application/x-amz-json-1.1`,
 * `X-Amz-Target: AWSCognitoIdentityService.GetCredentialsForIdentity`), as the operation needs no AWS signature.
 * Errors are {@link CognitoServiceError}s named like the SDK's (`NotAuthorizedException`, `TimeoutError`,
 * `NetworkError`, `InvalidResponse`).
 *
 * @example
 * ```ts
 * import { createCognitoCredentialsClient } from 'serverless-game-kit/auth';
 *
 * const cognito = createCognitoCredentialsClient({ region: 'ap-northeast-2', fetch });
 * const { Credentials } = await cognito.getCredentialsForIdentity({
 *   IdentityId: identityId,
 *   Logins: { 'cognito-identity.amazonaws.com': token },
 * });
 * ```
 */
export function createCognitoCredentialsClient(
  options: CognitoCredentialsClientOptions,
): CognitoCredentialsClient {
  const endpoint = options.endpoint ?? `https://cognito-identity.${options.region}.amazonaws.com/`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async getCredentialsForIdentity(input) {
      const body = await postCognito(endpoint, 'GetCredentialsForIdentity', input, options.fetch, timeoutMs);
      return toCredentialsOutput(body);
    },
  };
}

/**
 * Largest Cognito Identity answer read: 64 KiB. Its answers (an identity id, an OpenID token, credentials) are
 * under 4 KiB, so anything larger is not Cognito's answer and is refused without holding it in memory.
 */
const MAX_COGNITO_ANSWER_BYTES = 64 * 1024;

async function postCognito(
  endpoint: string,
  operation: string,
  input: unknown,
  fetchFn: FetchLike,
  timeoutMs: number,
): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AWSCognitoIdentityService.${operation}`,
        },
        body: JSON.stringify(input),
        signal: controller.signal,
      });
      text = new TextDecoder().decode(
        await readBodyUpTo(response, MAX_COGNITO_ANSWER_BYTES, { signal: controller.signal }),
      );
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        throw new CognitoServiceError(
          'InvalidResponse',
          `Cognito answered with more than ${MAX_COGNITO_ANSWER_BYTES} bytes; refused without reading the rest.`,
          { cause: error },
        );
      }
      if (controller.signal.aborted) {
        throw new CognitoServiceError('TimeoutError', `Cognito did not answer within ${timeoutMs} ms.`, {
          cause: error,
        });
      }
      throw new CognitoServiceError('NetworkError', 'Cognito could not be reached.', { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : (JSON.parse(text) as unknown);
    } catch (error) {
      throw new CognitoServiceError('InvalidResponse', 'Cognito answered with a body that is not JSON.', {
        status: response.status,
        cause: error,
      });
    }
    if (!response.ok) {
      const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
      const type =
        sanitizeErrorType(response.headers.get('x-amzn-errortype')) ??
        sanitizeErrorType(typeof record.__type === 'string' ? record.__type : null) ??
        `Http${response.status}Error`;
      const message =
        typeof record.message === 'string'
          ? record.message
          : typeof record.Message === 'string'
            ? record.Message
            : `Cognito answered ${response.status}.`;
      throw new CognitoServiceError(type, message, { status: response.status });
    }
    return parsed;
  } finally {
    clearTimeout(timer);
  }
}

/** `NotAuthorizedException:http://…` or `com.amazon…#NotAuthorizedException` → `NotAuthorizedException`. */
function sanitizeErrorType(raw: string | null): string | undefined {
  if (!raw) return undefined;
  const withoutUri = raw.split(':')[0] ?? raw;
  const name = withoutUri.split('#').pop()?.trim();
  return name ? name : undefined;
}

function toCredentialsOutput(body: unknown): GetCredentialsForIdentityOutput {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const raw = record.Credentials;
  const identityId = typeof record.IdentityId === 'string' ? record.IdentityId : undefined;
  if (typeof raw !== 'object' || raw === null) return { IdentityId: identityId };
  const credentials = raw as Record<string, unknown>;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    IdentityId: identityId,
    Credentials: {
      AccessKeyId: text(credentials.AccessKeyId),
      SecretKey: text(credentials.SecretKey),
      SessionToken: text(credentials.SessionToken),
      Expiration: toDate(credentials.Expiration),
    },
  };
}

/** The JSON protocol sends timestamps as epoch seconds; tolerate ISO strings too. */
function toDate(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}
