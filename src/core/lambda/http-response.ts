import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The JSON body of every error a kit handler answers: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** A structured API Gateway result; valid for HTTP API (v2) and REST API (v1) proxy integrations alike. */
export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

/**
 * A JSON response for API Gateway (HTTP API v2 or REST API v1): status, `content-type: application/json`,
 * `cache-control: no-store` unless `headers` says otherwise, and the body serialised.
 *
 * @example
 * ```ts
 * return jsonResponse(200, { identityId }, corsHeaders);
 * ```
 */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * The kit's error response: `{ error: { code, message } }` with the given status.
 *
 * @example
 * ```ts
 * return errorResponse(400, 'INVALID_BODY', 'accessToken is required');
 * ```
 */
export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): HttpResult {
  return jsonResponse(statusCode, { error: { code, message } } satisfies ErrorBody, headers);
}

/** Type check that a value is an {@link HttpResult} (lets tests narrow a handler's union result). */
export function isHttpResult(value: unknown): value is HttpResult & APIGatewayProxyStructuredResultV2 {
  return typeof value === 'object' && value !== null && typeof (value as HttpResult).statusCode === 'number';
}
