import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { GameKitError } from '../errors.js';

/** An API Gateway proxy event of either payload version: HTTP API (2.0) or REST API (1.0). */
export type ApiGatewayEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

/** Why a request could not be read. */
export type RequestErrorCode = 'INVALID_JSON' | 'BODY_TOO_LARGE' | 'MISSING_BODY' | 'UNSUPPORTED_MEDIA_TYPE';

/**
 * A request the handler cannot read; handlers answer it with status {@link RequestError.statusCode}.
 *
 * @example
 * ```ts
 * try { readJsonBody(event); } catch (error) { if (error instanceof RequestError) return errorResponse(error.statusCode, error.code, error.message); }
 * ```
 */
export class RequestError extends GameKitError<RequestErrorCode> {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'RequestError';

  readonly statusCode: number;
  constructor(code: RequestErrorCode, message: string, statusCode = 400) {
    super(code, message);
    this.statusCode = statusCode;
  }
}

/** True for a 2.0 (HTTP API) event. */
export function isHttpApiEvent(event: ApiGatewayEvent): event is APIGatewayProxyEventV2 {
  return (event as APIGatewayProxyEventV2).version === '2.0';
}

/** The HTTP method of either event version, upper-case. */
export function requestMethod(event: ApiGatewayEvent): string {
  return (isHttpApiEvent(event) ? event.requestContext.http.method : event.httpMethod).toUpperCase();
}

/**
 * A header value, looked up case-insensitively (REST API events keep the client's casing).
 *
 * @example
 * ```ts
 * const origin = requestHeader(event, 'Origin');
 * ```
 */
export function requestHeader(event: ApiGatewayEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** The query string parameters of either event version (never null). */
export function queryParameters(event: ApiGatewayEvent): Record<string, string | undefined> {
  return event.queryStringParameters ?? {};
}

/**
 * Parses the request body as JSON, whatever the event version and whether API Gateway base64-encoded it.
 *
 * @param maxBytes bodies larger than this are refused (`BODY_TOO_LARGE`, 413); default 16 KiB.
 * @throws {RequestError} `MISSING_BODY`, `INVALID_JSON`, `BODY_TOO_LARGE`, `UNSUPPORTED_MEDIA_TYPE`
 * @example
 * ```ts
 * const body = readJsonBody(event); // unknown: validate it with a schema next
 * ```
 */
export function readJsonBody(event: ApiGatewayEvent, maxBytes = 16 * 1024): unknown {
  const raw = event.body;
  if (raw === null || raw === undefined || raw === '') {
    throw new RequestError('MISSING_BODY', 'The request needs a JSON body.');
  }
  const contentType = requestHeader(event, 'content-type');
  if (contentType !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    throw new RequestError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the body as application/json, not ${contentType}.`,
      415,
    );
  }
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > maxBytes) {
    throw new RequestError('BODY_TOO_LARGE', `The body must be at most ${maxBytes} bytes.`, 413);
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new RequestError('INVALID_JSON', 'The body is not valid JSON.');
  }
}
