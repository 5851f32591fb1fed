import { backoffDelay, sleep } from '../backoff.js';
import { GameKitError } from '../errors.js';
import { BodyTooLargeError, readBodyUpTo } from './read-body.js';

/** A `fetch` function (the global one, or an injected one such as a test server's or a signing wrapper). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Why a request to a kit endpoint failed. */
export type HttpClientErrorCode = 'NETWORK' | 'TIMEOUT' | 'ABORTED' | 'INVALID_RESPONSE' | (string & {});

/**
 * A failed call to a kit endpoint. For an HTTP error, `status` is set and `code`/`message` come from the server's
 * `{ error: { code, message } }` body when it has one (else `HTTP_<status>`).
 *
 * @example
 * ```ts
 * import { HttpClientError } from 'serverless-game-kit/scores';
 *
 * try { await scores.submit(100); } catch (error) {
 *   if (error instanceof HttpClientError && error.status === 429) console.log('slow down');
 * }
 * ```
 */
export class HttpClientError extends GameKitError<HttpClientErrorCode> {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'HttpClientError';

  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** `x-amzn-requestid` / `apigw-requestid` of the failed request, for support. */
  readonly requestId?: string;
  constructor(
    code: HttpClientErrorCode,
    message: string,
    details: { status?: number; requestId?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: details.cause });
    if (details.status !== undefined) this.status = details.status;
    if (details.requestId !== undefined) this.requestId = details.requestId;
  }
}

/** Options of {@link requestJson}. */
export interface RequestJsonOptions {
  fetch: FetchLike;
  method?: string;
  headers?: Record<string, string>;
  /** Serialised as JSON with `content-type: application/json`. */
  body?: unknown;
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Retries after network errors, timeouts, 429 and 5xx, with exponential backoff and full jitter. Only set
   * it for idempotent requests; default 0.
   */
  retries?: number;
  /** Base of the backoff; default 200 ms. */
  retryBaseMs?: number;
  /** Cap of the backoff; default 20 000 ms. */
  retryMaxDelayMs?: number;
  /** Largest answer body read; a larger one fails with `INVALID_RESPONSE`. Default {@link MAX_RESPONSE_BYTES}. */
  maxResponseBytes?: number;
}

/**
 * Default limit of an answer body: 10 MiB. API Gateway (REST and HTTP APIs) never sends a payload over 10 MB (a
 * quota that cannot be raised), so only a wrong endpoint or a hostile one sends more, and it is not held in memory.
 */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * Calls a JSON endpoint and returns the parsed body; throws {@link HttpClientError} for network errors,
 * timeouts, non-2xx answers and bodies that are not JSON. Browser-safe (uses only `fetch`, `AbortController`).
 *
 * @example
 * ```ts
 * const board = await requestJson<Leaderboard>(`${api}/scoreboard?limit=10`, { fetch, retries: 2 });
 * ```
 */
export async function requestJson<T = unknown>(url: string, options: RequestJsonOptions): Promise<T> {
  const retries = Math.max(0, options.retries ?? 0);
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptRequest<T>(url, options);
    } catch (error) {
      const retryable =
        error instanceof HttpClientError &&
        (error.code === 'NETWORK' ||
          error.code === 'TIMEOUT' ||
          (error.status !== undefined && RETRYABLE_STATUS.has(error.status)));
      if (!retryable || attempt >= retries || options.signal?.aborted) throw error;
      const backoff = {
        initialDelayMs: options.retryBaseMs ?? 200,
        maxDelayMs: options.retryMaxDelayMs ?? 20_000,
      };
      await sleep(backoffDelay(attempt + 1, backoff), { signal: options.signal });
    }
  }
}

async function attemptRequest<T>(url: string, options: RequestJsonOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), timeoutMs);
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let response: Response;
  try {
    if (options.signal?.aborted) throw options.signal.reason;
    response = await options.fetch(url, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers: {
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: controller.signal,
    });
  } catch (error) {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (options.signal?.aborted)
      throw new HttpClientError('ABORTED', 'The request was aborted.', { cause: error });
    if (controller.signal.aborted) {
      throw new HttpClientError('TIMEOUT', `No answer from ${new URL(url).host} within ${timeoutMs} ms.`, {
        cause: error,
      });
    }
    throw new HttpClientError('NETWORK', `Could not reach ${new URL(url).host}.`, { cause: error });
  }
  try {
    const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    const text = new TextDecoder().decode(
      await readBodyUpTo(response, maxBytes, { signal: controller.signal }),
    );
    const requestId =
      response.headers.get('x-amzn-requestid') ?? response.headers.get('apigw-requestid') ?? undefined;
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch (error) {
      if (response.ok) {
        throw new HttpClientError('INVALID_RESPONSE', 'The server answered with a body that is not JSON.', {
          status: response.status,
          requestId,
          cause: error,
        });
      }
    }
    if (!response.ok) {
      const serverError = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const code = typeof serverError?.code === 'string' ? serverError.code : `HTTP_${response.status}`;
      const message =
        typeof serverError?.message === 'string'
          ? serverError.message
          : `The server answered ${response.status} ${response.statusText}.`;
      throw new HttpClientError(code, message, { status: response.status, requestId });
    }
    return parsed as T;
  } catch (error) {
    if (error instanceof HttpClientError) throw error;
    if (error instanceof BodyTooLargeError) {
      throw new HttpClientError(
        'INVALID_RESPONSE',
        `The answer from ${new URL(url).host} is over ${error.maxBytes} bytes; refused without reading the rest.`,
        { status: response.status, cause: error },
      );
    }
    if (options.signal?.aborted)
      throw new HttpClientError('ABORTED', 'The request was aborted.', { cause: error });
    if (controller.signal.aborted) {
      throw new HttpClientError(
        'TIMEOUT',
        `The answer from ${new URL(url).host} took over ${timeoutMs} ms.`,
        {
          cause: error,
        },
      );
    }
    throw new HttpClientError('NETWORK', `The connection to ${new URL(url).host} failed.`, { cause: error });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
