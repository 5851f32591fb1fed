/**
 * What the client sees of a handler's outcome, as API Gateway maps Lambda proxy results of a WebSocket API:
 *
 * - `$connect`: a 2xx `statusCode` (or no `statusCode` at all) accepts the handshake, echoing a
 *   `Sec-WebSocket-Protocol` header of the result; any other status refuses it with that status and the
 *   result's `body`. "If the `$connect` request fails … the connection will not be made"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html);
 *   API Gateway's own example returns `400` from the handler and `wscat` reports "Unexpected server response: 400"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-connect-route-subprotocol.html).
 *   A handler that throws (or returns a malformed status) refuses with 502 `{"message": "Internal server error"}`
 *   — what clients of a deployed API report when the `$connect` function fails
 *   (github.com/serverless/serverless-websockets-plugin/issues/13: a `SyntaxError` in the handler → "Unexpected
 *   server response: 502"). A handler still running at the integration timeout (29 s, not adjustable for
 *   WebSocket APIs: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html)
 *   refuses with 504 `{"message": "Endpoint request timed out"}`, API Gateway's wording for an integration
 *   timeout. The body of an accepted `$connect` never reaches the client.
 * - Message routes are one-way unless set up for two-way communication: "API Gateway will not pass the backend
 *   response through to the route response, unless you set up a route response"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-response.html).
 *   So a two-way route sends a non-empty string `body` of the result back to the caller (binary when
 *   `isBase64Encoded`), a one-way route sends nothing; `statusCode` is ignored either way. Failures are API
 *   Gateway's own answer, not the backend's response, and reach the caller on every route: a thrown error (or
 *   a function error) sends `{"message": "Internal server error", "connectionId", "requestId"}`, a timeout
 *   `{"message": "Endpoint request timed out", "connectionId", "requestId"}`, like the `Forbidden` frame for a
 *   message no route takes.
 */
import type { InvocationOutcome } from '../invoke.js';

/**
 * Whether the handshake goes on, and how it is answered if not.
 *
 * @example
 * ```ts
 * const decision: ConnectDecision = connectDecision(outcome);
 * if (!decision.accept) console.log(decision.status);
 * ```
 */
export type ConnectDecision =
  | { readonly accept: true; readonly protocol?: string }
  | {
      readonly accept: false;
      readonly status: number;
      readonly body: string;
      readonly headers: Record<string, string>;
    };

/**
 * A frame to send back to the caller of a message route.
 *
 * @example
 * ```ts
 * const reply: RouteReply | undefined = routeReply(outcome, connectionId, requestId);
 * if (reply) ws.send(reply.data, { binary: reply.binary });
 * ```
 */
export interface RouteReply {
  readonly data: string | Buffer;
  readonly binary: boolean;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };
/** RFC 9110 `token`: what a subprotocol name may be. */
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function statusOf(result: Record<string, unknown>): number | 'missing' | 'malformed' {
  const raw = result.statusCode;
  if (raw === undefined || raw === null) return 'missing';
  const status = typeof raw === 'string' && /^\d{3}$/.test(raw) ? Number(raw) : raw;
  return typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599
    ? status
    : 'malformed';
}

function headerOf(result: Record<string, unknown>, name: string): string | undefined {
  const headers = asRecord(result.headers);
  if (headers === undefined) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * Maps the `$connect` handler's outcome (or `undefined` when there is no `$connect` route) to a decision.
 *
 * @example
 * ```ts
 * connectDecision({ status: 'ok', result: { statusCode: 401 }, durationMs: 1, requestId: 'r' });
 * // { accept: false, status: 401, body: '', headers: {} }
 * ```
 */
export function connectDecision(outcome: InvocationOutcome | undefined): ConnectDecision {
  if (outcome === undefined) return { accept: true };
  if (outcome.status === 'timeout') {
    return {
      accept: false,
      status: 504,
      body: JSON.stringify({ message: 'Endpoint request timed out' }),
      headers: JSON_HEADERS,
    };
  }
  const internalError: ConnectDecision = {
    accept: false,
    status: 502,
    body: JSON.stringify({ message: 'Internal server error' }),
    headers: JSON_HEADERS,
  };
  if (outcome.status === 'error') return internalError;
  const result = asRecord(outcome.result);
  if (result === undefined) return { accept: true };
  const status = statusOf(result);
  if (status === 'malformed') return internalError;
  if (status === 'missing' || (status >= 200 && status < 300)) {
    const protocol = headerOf(result, 'sec-websocket-protocol')?.split(',')[0]?.trim();
    // Only a header token can go on the wire (no CR/LF smuggling into the handshake response).
    return protocol && HEADER_TOKEN.test(protocol) ? { accept: true, protocol } : { accept: true };
  }
  const body = typeof result.body === 'string' ? result.body : '';
  const contentType = headerOf(result, 'content-type');
  return {
    accept: false,
    status,
    body,
    headers: contentType ? { 'Content-Type': contentType } : {},
  };
}

/**
 * Maps a message route's outcome to the frame API Gateway would send back to the caller, if any: the error
 * frame of a failed invocation, the result's `body` on a two-way route, nothing otherwise.
 *
 * @example
 * ```ts
 * const pong = { status: 'ok', result: { statusCode: 200, body: 'pong' }, durationMs: 1, requestId: 'r' } as const;
 * routeReply(pong, 'c=', 'q=', { twoWay: true }); // { data: 'pong', binary: false }
 * routeReply(pong, 'c=', 'q=', { twoWay: false }); // undefined
 * ```
 */
export function routeReply(
  outcome: InvocationOutcome,
  connectionId: string,
  requestId: string,
  route: { readonly twoWay: boolean },
): RouteReply | undefined {
  if (outcome.status !== 'ok') {
    const message = outcome.status === 'timeout' ? 'Endpoint request timed out' : 'Internal server error';
    return { data: JSON.stringify({ message, connectionId, requestId }), binary: false };
  }
  if (!route.twoWay) return undefined;
  const result = asRecord(outcome.result);
  if (result === undefined || typeof result.body !== 'string' || result.body === '') return undefined;
  return result.isBase64Encoded === true
    ? { data: Buffer.from(result.body, 'base64'), binary: true }
    : { data: result.body, binary: false };
}

/**
 * The frame API Gateway sends when a message selects no route and there is no `$default` route.
 *
 * @example
 * ```ts
 * forbiddenReply('L0SM9cOFvHcCIhw=', 'E0N7jGhqoAMFoyA=');
 * // '{"message":"Forbidden","connectionId":"L0SM9cOFvHcCIhw=","requestId":"E0N7jGhqoAMFoyA="}'
 * ```
 */
export function forbiddenReply(connectionId: string, requestId: string): string {
  return JSON.stringify({ message: 'Forbidden', connectionId, requestId });
}
