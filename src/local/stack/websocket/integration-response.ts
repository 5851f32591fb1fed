/**
 * What the client sees of a handler's outcome, as API Gateway maps Lambda proxy results:
 *
 * - `$connect`: a 2xx `statusCode` (or no `statusCode` at all) accepts the handshake, echoing a
 *   `Sec-WebSocket-Protocol` header of the result; any other status refuses it with that status and the
 *   result's `body` (API Gateway's own example: a `400` from the handler reaches `wscat` as "Unexpected server
 *   response: 400"). A thrown error or a malformed status refuses with 502 `{"message": "Internal server error"}`,
 *   a timeout with 504 `{"message": "Endpoint request timed out"}`.
 * - Message routes: every route behaves as a two-way route whose route response passes the integration's
 *   result through, so a non-empty string `body` of the result is sent back to the caller (binary when
 *   `isBase64Encoded`); `statusCode` is ignored. A thrown error sends `{"message": "Internal server error",
 *   "connectionId", "requestId"}` to the caller, a timeout `{"message": "Endpoint request timed out", ...}`.
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
 * Maps a message route's outcome to the frame API Gateway would send back to the caller, if any.
 *
 * @example
 * ```ts
 * routeReply({ status: 'ok', result: { statusCode: 200, body: 'pong' }, durationMs: 1, requestId: 'r' }, 'c=', 'q=');
 * // { data: 'pong', binary: false }
 * ```
 */
export function routeReply(
  outcome: InvocationOutcome,
  connectionId: string,
  requestId: string,
): RouteReply | undefined {
  if (outcome.status !== 'ok') {
    const message = outcome.status === 'timeout' ? 'Endpoint request timed out' : 'Internal server error';
    return { data: JSON.stringify({ message, connectionId, requestId }), binary: false };
  }
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
