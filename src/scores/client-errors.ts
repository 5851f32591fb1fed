import { HttpClientError } from '../core/client/request-json.js';
import { isScoresAnswerCode, ScoresError, type ScoresErrorCode } from './errors.js';

/**
 * A failed call of `ScoreClient` as a {@link ScoresError}: the endpoint's own code when it is a scores code, the
 * transport's (`NETWORK`, `TIMEOUT`, `ABORTED`, `INVALID_RESPONSE`), or one chosen by status for answers without
 * a scores code (a gateway's 401 `UNAUTHENTICATED`, 403 `FORBIDDEN`, 429 `RATE_LIMITED`, anything else
 * `SCORES_ENDPOINT_ERROR`). `status` and `requestId` are kept and the underlying error is the `cause`.
 *
 * @param retryAfter - The answer's `retry-after` header, if it could be read: delta-seconds, as API Gateway and the
 *   scores handlers send it.
 * @example
 * ```ts
 * try { return await requestJson(url, options); } catch (error) { throw toScoresError(error, retryAfter); }
 * ```
 */
export function toScoresError(error: unknown, retryAfter: string | null): ScoresError {
  if (error instanceof ScoresError) return error;
  if (!(error instanceof HttpClientError)) {
    return new ScoresError('NETWORK', 'The scores endpoint could not be reached.', { cause: error });
  }
  const code = codeOf(error);
  const retryAfterSeconds = code === 'RATE_LIMITED' ? parseRetryAfter(retryAfter) : undefined;
  return new ScoresError(code, messageOf(code, error), {
    cause: error,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

function codeOf(error: HttpClientError): ScoresErrorCode {
  const status = error.status;
  if (status === undefined || error.code === 'INVALID_RESPONSE') {
    switch (error.code) {
      case 'TIMEOUT':
        return 'TIMEOUT';
      case 'ABORTED':
        return 'ABORTED';
      case 'INVALID_RESPONSE':
        return 'INVALID_RESPONSE';
      default:
        return 'NETWORK';
    }
  }
  if (isScoresAnswerCode(error.code)) return error.code;
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 429) return 'RATE_LIMITED';
  return 'SCORES_ENDPOINT_ERROR';
}

function messageOf(code: ScoresErrorCode, error: HttpClientError): string {
  const chosenByStatus = error.status !== undefined && code !== error.code;
  if (!chosenByStatus) return error.message;
  switch (code) {
    case 'FORBIDDEN':
      return 'The API refused the request (403): it is unsigned, its credentials expired, or the route does not allow this player.';
    case 'UNAUTHENTICATED':
      return 'The API asks for a signed-in player (401); sign in again.';
    case 'RATE_LIMITED':
      return 'The API throttled the request (429); try again later.';
    default:
      return `${error.message} No scores error came with it: check the endpoint URL and the route paths.`;
  }
}

/** Delta-seconds of a `retry-after` header; `undefined` for an absent or unreadable one (an HTTP date included). */
function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || !/^\s*\d{1,9}\s*$/.test(header)) return undefined;
  return Number(header.trim());
}
