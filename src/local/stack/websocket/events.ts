/**
 * The Lambda events of a WebSocket API (`$connect`, messages, `$disconnect`) in API Gateway's shape, and the
 * identifiers API Gateway puts in them.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who opened a connection, as API Gateway reports it in `requestContext.identity`.
 *
 * @example
 * ```ts
 * const identity: WebSocketIdentity = { sourceIp: '127.0.0.1', userAgent: 'quiz-client/1.0' };
 * ```
 */
export interface WebSocketIdentity {
  sourceIp: string;
  userAgent?: string;
}

/**
 * The `requestContext` shared by every WebSocket event.
 *
 * @example
 * ```ts
 * const reply = (context: WebSocketRequestContext) => ({ ConnectionId: context.connectionId });
 * ```
 */
export interface WebSocketRequestContext {
  routeKey: string;
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  extendedRequestId: string;
  requestTime: string;
  messageDirection: 'IN';
  stage: string;
  connectedAt: number;
  requestTimeEpoch: number;
  identity: WebSocketIdentity;
  requestId: string;
  domainName: string;
  connectionId: string;
  apiId: string;
}

/**
 * The event of the `$connect` route: the upgrade request's headers and query string.
 *
 * @example
 * ```ts
 * const onConnect = async (event: WebSocketConnectEvent) =>
 *   event.queryStringParameters?.token ? { statusCode: 200 } : { statusCode: 401 };
 * ```
 */
export interface WebSocketConnectEvent {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
  requestContext: WebSocketRequestContext & { routeKey: '$connect'; eventType: 'CONNECT' };
  isBase64Encoded: false;
}

/**
 * The event of a message route: the message body (base64 for binary frames).
 *
 * @example
 * ```ts
 * const onMessage = async (event: WebSocketMessageEvent) => ({ statusCode: 200, body: `echo:${event.body}` });
 * ```
 */
export interface WebSocketMessageEvent {
  requestContext: WebSocketRequestContext & { eventType: 'MESSAGE'; messageId: string };
  body: string;
  isBase64Encoded: boolean;
}

/**
 * The event of the `$disconnect` route, with the close code and reason.
 *
 * @example
 * ```ts
 * const onDisconnect = async (event: WebSocketDisconnectEvent) => {
 *   console.log(event.requestContext.connectionId, event.requestContext.disconnectStatusCode);
 * };
 * ```
 */
export interface WebSocketDisconnectEvent {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  requestContext: WebSocketRequestContext & {
    routeKey: '$disconnect';
    eventType: 'DISCONNECT';
    disconnectStatusCode: number;
    disconnectReason: string;
  };
  isBase64Encoded: false;
}

/**
 * What the events need to know about the API and one connection.
 *
 * @example
 * ```ts
 * const source: WebSocketEventSource = {
 *   apiId: createApiId(), stage: 'local', domainName: '127.0.0.1:4011',
 *   connectionId: createApiGatewayId(), connectedAt: Date.now(), identity: { sourceIp: '127.0.0.1' },
 * };
 * ```
 */
export interface WebSocketEventSource {
  apiId: string;
  stage: string;
  domainName: string;
  connectionId: string;
  connectedAt: number;
  identity: WebSocketIdentity;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * A 16-character identifier in API Gateway's style (11 random bytes, URL-safe base64, one `=`), used for
 * connection, request and message ids, e.g. `L0SM9cOFvHcCIhw=`. URL-safe so ids never contain `/`.
 *
 * @example
 * ```ts
 * const connectionId = createApiGatewayId(); // 'Zk3v0y1Qm9Kx2aA='
 * ```
 */
export function createApiGatewayId(): string {
  return `${randomBytes(11).toString('base64url')}=`;
}

/**
 * A 10-character lowercase API id, like `a1b2c3d4e5`.
 *
 * @example
 * ```ts
 * const apiId = createApiId();
 * ```
 */
export function createApiId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(10), (byte) => alphabet[byte % alphabet.length]).join('');
}

/**
 * Formats a time as API Gateway's `requestTime`: `09/Apr/2015:12:34:56 +0000`.
 *
 * @example
 * ```ts
 * formatRequestTime(Date.UTC(2015, 3, 9, 12, 34, 56)); // '09/Apr/2015:12:34:56 +0000'
 * ```
 */
export function formatRequestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (value: number): string => String(value).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

function requestContext(
  source: WebSocketEventSource,
  routeKey: string,
  eventType: WebSocketRequestContext['eventType'],
  now: number,
): WebSocketRequestContext {
  const requestId = createApiGatewayId();
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: formatRequestTime(now),
    messageDirection: 'IN',
    stage: source.stage,
    connectedAt: source.connectedAt,
    requestTimeEpoch: now,
    identity: { ...source.identity },
    requestId,
    domainName: source.domainName,
    connectionId: source.connectionId,
    apiId: source.apiId,
  };
}

/**
 * Header maps of a request with the names as the client sent them (API Gateway keeps their case): `headers`
 * holds the last value of each, `multiValueHeaders` all of them.
 *
 * @example
 * ```ts
 * const { headers, multiValueHeaders } = collectHeaders(request.rawHeaders);
 * ```
 */
export function collectHeaders(rawHeaders: readonly string[]): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const names = new Map<string, string>();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const rawName = rawHeaders[index] ?? '';
    const value = rawHeaders[index + 1] ?? '';
    const name = names.get(rawName.toLowerCase()) ?? rawName;
    names.set(rawName.toLowerCase(), name);
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

/**
 * The query string of a request URL as `queryStringParameters` (last value wins) and
 * `multiValueQueryStringParameters`; both `undefined` when there is no query string, as in API Gateway.
 *
 * @example
 * ```ts
 * collectQuery('/?room=a&tag=x&tag=y');
 * // { single: { room: 'a', tag: 'y' }, multi: { room: ['a'], tag: ['x', 'y'] } }
 * ```
 */
export function collectQuery(url: string): {
  single?: Record<string, string>;
  multi?: Record<string, string[]>;
} {
  const queryStart = url.indexOf('?');
  if (queryStart < 0 || queryStart === url.length - 1) return {};
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(url.slice(queryStart + 1))) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return Object.keys(single).length > 0 ? { single, multi } : {};
}

/**
 * The caller's address and user agent, as `requestContext.identity`.
 *
 * @example
 * ```ts
 * const identity = identityOf(request); // { sourceIp: '127.0.0.1', userAgent: 'game/1.0' }
 * ```
 */
export function identityOf(request: IncomingMessage): WebSocketIdentity {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  const sourceIp = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  const userAgent = request.headers['user-agent'];
  return userAgent === undefined ? { sourceIp } : { sourceIp, userAgent };
}

/**
 * Builds the `$connect` event of an upgrade request.
 *
 * @example
 * ```ts
 * const event = buildConnectEvent(source, request);
 * event.queryStringParameters?.token;
 * ```
 */
export function buildConnectEvent(
  source: WebSocketEventSource,
  request: IncomingMessage,
  now: number = Date.now(),
): WebSocketConnectEvent {
  const { headers, multiValueHeaders } = collectHeaders(request.rawHeaders);
  const forwarded: Array<[string, string]> = [
    ['X-Forwarded-For', source.identity.sourceIp],
    ['X-Forwarded-Port', String(request.socket.localPort ?? '')],
    ['X-Forwarded-Proto', 'http'],
  ];
  for (const [name, value] of forwarded) {
    if (request.headers[name.toLowerCase()] === undefined) {
      headers[name] = value;
      multiValueHeaders[name] = [value];
    }
  }
  const query = collectQuery(request.url ?? '/');
  return {
    headers,
    multiValueHeaders,
    ...(query.single ? { queryStringParameters: query.single } : {}),
    ...(query.multi ? { multiValueQueryStringParameters: query.multi } : {}),
    requestContext: {
      ...requestContext(source, '$connect', 'CONNECT', now),
      routeKey: '$connect',
      eventType: 'CONNECT',
    },
    isBase64Encoded: false,
  };
}

/**
 * Builds the event of one message for the route `routeKey`; binary messages are base64 with
 * `isBase64Encoded: true`.
 *
 * @example
 * ```ts
 * const event = buildMessageEvent(source, '$default', Buffer.from('{"action":"ping"}'), false);
 * ```
 */
export function buildMessageEvent(
  source: WebSocketEventSource,
  routeKey: string,
  data: Buffer,
  isBinary: boolean,
  now: number = Date.now(),
): WebSocketMessageEvent {
  return {
    requestContext: {
      ...requestContext(source, routeKey, 'MESSAGE', now),
      eventType: 'MESSAGE',
      messageId: createApiGatewayId(),
    },
    body: isBinary ? data.toString('base64') : data.toString('utf8'),
    isBase64Encoded: isBinary,
  };
}

/**
 * Builds the `$disconnect` event with the WebSocket close code and reason.
 *
 * @example
 * ```ts
 * const event = buildDisconnectEvent(source, 1001, 'Going away');
 * ```
 */
export function buildDisconnectEvent(
  source: WebSocketEventSource,
  disconnectStatusCode: number,
  disconnectReason: string,
  now: number = Date.now(),
): WebSocketDisconnectEvent {
  return {
    headers: { Host: source.domainName },
    multiValueHeaders: { Host: [source.domainName] },
    requestContext: {
      ...requestContext(source, '$disconnect', 'DISCONNECT', now),
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      disconnectStatusCode,
      disconnectReason,
    },
    isBase64Encoded: false,
  };
}
