/**
 * The `@connections` management API of a WebSocket stage in API Gateway's wire format (REST-JSON, errors named
 * by the `x-amzn-ErrorType` header), so the real `ApiGatewayManagementApiClient` works against it unchanged:
 *
 * - `POST /{stage}/@connections/{id}`: the body is sent to the client as one frame (text when it is valid
 *   UTF-8, binary otherwise) → 200.
 * - `GET /{stage}/@connections/{id}` → 200 `{connectedAt, identity: {sourceIp, userAgent}, lastActiveAt}`.
 * - `DELETE /{stage}/@connections/{id}` → 204; the socket is closed (1000) and `$disconnect` follows.
 * - Unknown, closing or still-connecting ids → 410 `GoneException`; bodies over the message limit → 413
 *   `PayloadTooLargeException`; another stage, path or method → 403 `ForbiddenException`.
 *
 * Request signatures are not checked. Path segments are URL-decoded (`%40connections`, `%3D`).
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionRegistry, LocalConnection } from './connection-registry.js';

/**
 * What the management API acts on.
 *
 * @example
 * ```ts
 * const context: ManagementApiContext = {
 *   stage: 'local', maxMessageBytes: 131_072, registry,
 *   deleteConnection: (connection) => connection.close(1000, 'Connection deleted'),
 * };
 * ```
 */
export interface ManagementApiContext {
  readonly stage: string;
  /** Largest `PostToConnection` body. */
  readonly maxMessageBytes: number;
  readonly registry: ConnectionRegistry;
  /** Closes a connection for `DeleteConnection`. */
  readonly deleteConnection: (connection: LocalConnection) => void;
}

type ErrorType = 'ForbiddenException' | 'GoneException' | 'PayloadTooLargeException';

const CONNECTIONS_SEGMENT = '@connections';

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Splits a request path into stage and connection id when it addresses `/{stage}/@connections/{id}`.
 *
 * @example
 * ```ts
 * parseConnectionsPath('/local/%40connections/abc%3D'); // { stage: 'local', connectionId: 'abc=' }
 * ```
 */
export function parseConnectionsPath(url: string): { stage: string; connectionId: string } | undefined {
  const path = url.split('?', 1)[0] ?? '';
  const segments = path.split('/').map(decodeSegment);
  if (segments.length !== 4 || segments[0] !== '' || segments[2] !== CONNECTIONS_SEGMENT) return undefined;
  const [, stage, , connectionId] = segments;
  if (stage === undefined || connectionId === undefined || connectionId === '') return undefined;
  return { stage, connectionId };
}

function respond(
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const payload = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'x-amzn-RequestId': randomUUID(),
    ...(payload === '' ? {} : { 'Content-Type': 'application/json' }),
    'Content-Length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  response.end(payload);
}

function respondError(response: ServerResponse, status: number, type: ErrorType, message: string): void {
  respond(response, status, { message }, { 'x-amzn-ErrorType': type });
}

/**
 * Reads a request body up to `limit` bytes; resolves `undefined` (after draining the rest) when it is longer,
 * or when the request fails.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let tooLong = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLong) return;
      length += chunk.length;
      if (length > limit) {
        tooLong = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(tooLong ? undefined : Buffer.concat(chunks, length)));
    request.once('error', () => resolve(undefined));
    request.once('close', () => resolve(undefined));
  });
}

/**
 * Answers one plain HTTP request to the gateway's port: the `@connections` operations, 426 for a plain request
 * to the WebSocket URL itself, 403 `ForbiddenException` for anything else. Never throws.
 *
 * @example
 * ```ts
 * server.on('request', (request, response) => void handleManagementRequest(request, response, context));
 * ```
 */
export async function handleManagementRequest(
  request: IncomingMessage,
  response: ServerResponse,
  context: ManagementApiContext,
): Promise<void> {
  const url = request.url ?? '/';
  const method = request.method ?? 'GET';
  const target = parseConnectionsPath(url);
  if (target === undefined) {
    request.resume();
    const path = url.split('?', 1)[0] ?? '/';
    if (path === '/' || path === `/${context.stage}` || path === `/${context.stage}/`) {
      respond(response, 426, { message: 'Upgrade Required' }, { Upgrade: 'websocket' });
    } else {
      respondError(response, 403, 'ForbiddenException', 'Forbidden');
    }
    return;
  }
  if (target.stage !== context.stage || !['POST', 'GET', 'DELETE'].includes(method)) {
    request.resume();
    const route = `${target.stage}/${CONNECTIONS_SEGMENT}/${target.connectionId}`;
    respondError(
      response,
      403,
      'ForbiddenException',
      `No method found matching route ${route} for http method ${method}.`,
    );
    return;
  }

  if (method === 'POST') {
    const body = await readBody(request, context.maxMessageBytes);
    if (body === undefined) {
      respondError(
        response,
        413,
        'PayloadTooLargeException',
        `Message too long: the limit is ${context.maxMessageBytes} bytes`,
      );
      return;
    }
    const connection = context.registry.get(target.connectionId);
    if (connection === undefined || !connection.open) {
      respondError(response, 410, 'GoneException', `Connection ${target.connectionId} is gone`);
      return;
    }
    connection.touch();
    connection.socket.send(body, { binary: !isUtf8(body) });
    respond(response, 200);
    return;
  }

  request.resume();
  const connection = context.registry.get(target.connectionId);
  if (connection === undefined || !connection.open) {
    respondError(response, 410, 'GoneException', `Connection ${target.connectionId} is gone`);
    return;
  }
  if (method === 'GET') {
    respond(response, 200, {
      connectedAt: new Date(connection.connectedAt).toISOString(),
      identity: { sourceIp: connection.identity.sourceIp, userAgent: connection.identity.userAgent ?? '' },
      lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
    });
    return;
  }
  context.deleteConnection(connection);
  respond(response, 204);
}
