/**
 * The local stack's WebSocket gateway: an API Gateway WebSocket API on one `node:http` server that accepts
 * WebSocket upgrades on any path and serves the `@connections` management API on the same port.
 *
 * Behaviour, as API Gateway's (see the modules under `./websocket/` for each part):
 * - `$connect` runs while the upgrade is pending; the handshake completes (101) only if it accepts, so a
 *   client cannot send before that and anything it sends early waits in the socket. Without a `$connect` route
 *   every handshake is accepted. `@connections` calls for a connection still in `$connect` answer 410.
 * - Messages are routed by `routeSelectionExpression` and handlers are invoked concurrently, as API Gateway
 *   invokes them: a connection's messages reach handlers in order but may finish in any order.
 * - `$disconnect` is invoked exactly once per accepted connection (best effort: its outcome is ignored) when
 *   the client closes, the socket drops (noticed by the socket closing or by two missed heartbeat pings),
 *   the idle timeout or maximum duration passes (1001 "Going away"), a frame or message is too big (1009),
 *   `DeleteConnection` is called (1000), or the gateway stops (1001). It is also invoked when `$connect`
 *   accepted but the client left before the handshake could complete (1006).
 * - Limits: frames over `maxFrameBytes` (32 KB) and messages over `maxMessageBytes` (128 KB, all fragments
 *   together) close the connection with 1009; `PostToConnection` bodies over `maxMessageBytes` get 413.
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type ServerOptions, type WebSocket, WebSocketServer } from 'ws';
import { LocalServiceError } from '../errors.js';
import { type ResolvedFunction, invokeFunction, resolveFunction } from './invoke.js';
import type { LocalFunction, LocalWebSocketConfig } from './types.js';
import { CloseCode, ConnectionRegistry, LocalConnection } from './websocket/connection-registry.js';
import {
  type WebSocketEventSource,
  buildConnectEvent,
  buildDisconnectEvent,
  buildMessageEvent,
  createApiGatewayId,
  createApiId,
  identityOf,
} from './websocket/events.js';
import { createFrameSizeGuard } from './websocket/frame-limit.js';
import { connectDecision, forbiddenReply, routeReply } from './websocket/integration-response.js';
import { handleManagementRequest } from './websocket/management-api.js';
import { resolveWebSocketOptions } from './websocket/options.js';
import { DEFAULT_ROUTE_KEY, selectRouteKey } from './websocket/route-selection.js';

export type {
  WebSocketConnectEvent,
  WebSocketDisconnectEvent,
  WebSocketIdentity,
  WebSocketMessageEvent,
  WebSocketRequestContext,
} from './websocket/events.js';

/**
 * Settings of {@link startWebSocketGateway}.
 *
 * @example
 * ```ts
 * const options: WebSocketGatewayOptions = { region: 'ap-northeast-2', log: console.log, idleTimeoutMs: 300 };
 * ```
 */
export interface WebSocketGatewayOptions extends LocalWebSocketConfig {
  /** Reported by the stack; events do not carry a region. */
  region: string;
  /** One line per connection, disconnection and invocation; message bodies are never logged. */
  log: (line: string) => void;
  /** Ping interval used to find sockets that vanished without a close frame; default 30 000 ms. */
  heartbeatIntervalMs?: number;
}

/**
 * A running WebSocket gateway.
 *
 * @example
 * ```ts
 * const gateway: WebSocketGateway = await startWebSocketGateway({ region: 'ap-northeast-2', log: console.log });
 * console.log(gateway.url, gateway.connectionsEndpoint, gateway.connectionCount());
 * ```
 */
export interface WebSocketGateway {
  /** `ws://127.0.0.1:<port>`; any path is accepted (e.g. `/<stage>`), query strings reach `$connect`. */
  readonly url: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>/<stage>`, the `endpoint` of `ApiGatewayManagementApiClient`. */
  readonly connectionsEndpoint: string;
  /** Replaces the routes: `'$connect'`, `'$disconnect'`, `'$default'` or route keys selected by messages. */
  setRoutes(routes: Record<string, LocalFunction>): void;
  /** Number of open connections (accepted and not yet closed). */
  connectionCount(): number;
  /**
   * Closes every socket (1001 "Going away"), invokes `$disconnect` for each, waits for running invocations and
   * closes the server; the port is free once it resolves. Safe to call twice.
   */
  stop(): Promise<void>;
}

/** Invocation timeout of WebSocket routes (API Gateway's integration timeout is 29 s). */
const DEFAULT_TIMEOUT_MS = 29_000;
/** How long `stop()` waits for clients to answer the close frame before dropping their sockets. */
const STOP_GRACE_MS = 1_000;
/** How long `ws` waits for the client's close frame after the gateway closed a connection. */
const CLOSE_TIMEOUT_MS = 5_000;

/** Reasons API Gateway reports for close codes that carry no reason. */
function describeClose(code: number, reason: string): string {
  if (reason !== '') return reason;
  if (code === 1005) return 'Client-side close frame status not set';
  if (code === 1006) return 'Connection lost';
  return '';
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

interface PendingUpgrade {
  readonly source: WebSocketEventSource;
  readonly socket: Duplex;
  /** `ws` accepted the request's headers and asked for `$connect`. */
  verifying: boolean;
  opened: boolean;
  /** Set by the `$connect` decision, read by `handleProtocols`. */
  protocol?: string;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        new LocalServiceError('START_FAILED', `The WebSocket gateway could not listen on port ${port}.`, {
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen({ host: '127.0.0.1', port }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Starts an API Gateway-compatible WebSocket gateway with the `@connections` management API on the same port
 * (127.0.0.1, a free port unless `port` is given). Routes are set afterwards with `setRoutes`.
 *
 * @param options - Stage, route selection expression, limits (API Gateway's by default), `region` and `log`.
 * @returns The running gateway.
 * @throws {LocalServiceError} `INVALID_OPTIONS` for bad settings, `START_FAILED` when the port is taken.
 * @example
 * ```ts
 * import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
 * import { localClientConfig } from 'serverless-game-kit/local';
 *
 * const gateway = await startWebSocketGateway({ region: 'ap-northeast-2', log: console.log });
 * const management = new ApiGatewayManagementApiClient(localClientConfig(gateway.connectionsEndpoint));
 * gateway.setRoutes({
 *   $default: async (event: { requestContext: { connectionId: string }; body: string }) => {
 *     await management.send(
 *       new PostToConnectionCommand({ ConnectionId: event.requestContext.connectionId, Data: event.body }),
 *     );
 *     return { statusCode: 200 };
 *   },
 * });
 * // clients connect to gateway.url …
 * await gateway.stop();
 * ```
 */
export async function startWebSocketGateway(options: WebSocketGatewayOptions): Promise<WebSocketGateway> {
  const settings = resolveWebSocketOptions(options);
  const log = (line: string): void => {
    try {
      options.log(line);
    } catch {
      // A failing logger must not take the gateway down.
    }
  };
  const apiId = createApiId();
  const registry = new ConnectionRegistry();
  const pendingUpgrades = new Map<IncomingMessage, PendingUpgrade>();
  const inFlight = new Set<Promise<unknown>>();
  let routes = new Map<string, ResolvedFunction>();
  let stopping: Promise<void> | undefined;
  let domainName = '127.0.0.1';

  /** Keeps a piece of work in `inFlight` until it settles, so `stop()` can wait for it. Never rejects. */
  const track = <T>(work: Promise<T>): Promise<T | undefined> => {
    const settled = work.catch((error: unknown) => {
      log(`ws internal error: ${String(error)}`);
      return undefined;
    });
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
    return settled;
  };

  const invokeDisconnect = (source: WebSocketEventSource, code: number, reason: string): void => {
    const fn = routes.get('$disconnect');
    if (fn === undefined) return;
    void track(invokeFunction(fn, buildDisconnectEvent(source, code, reason), log));
  };

  // `closeTimeout` (ws ≥ 8.18) is missing from @types/ws.
  const serverOptions: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: settings.maxMessageBytes,
    closeTimeout: CLOSE_TIMEOUT_MS,
    handleProtocols: (protocols, request) => {
      const protocol = pendingUpgrades.get(request)?.protocol;
      return protocol !== undefined && protocols.has(protocol) ? protocol : false;
    },
    verifyClient: (info, done) => {
      const pending = pendingUpgrades.get(info.req);
      if (pending === undefined) {
        done(false, 500);
        return;
      }
      pending.verifying = true;
      void track(runConnect(info.req, pending, done));
    },
  };
  const wss = new WebSocketServer(serverOptions);
  // API Gateway relays the `Sec-WebSocket-Protocol` header of the $connect result as it is, whether or not the
  // client offered that subprotocol; the client then fails a handshake that names one it did not offer, or none
  // when it offered some (RFC 6455 §4.1; https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-connect-route-subprotocol.html).
  // `handleProtocols` above covers an offered one; this adds the header when it names one that was not offered.
  wss.on('headers', (headers: string[], request: IncomingMessage) => {
    const protocol = pendingUpgrades.get(request)?.protocol;
    if (protocol === undefined) return;
    if (headers.some((line) => line.toLowerCase().startsWith('sec-websocket-protocol:'))) return;
    headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
  });

  async function runConnect(
    request: IncomingMessage,
    pending: PendingUpgrade,
    done: (verified: boolean, code?: number, message?: string, headers?: Record<string, string>) => void,
  ): Promise<void> {
    const { source } = pending;
    const fn = routes.get('$connect');
    const outcome = fn ? await invokeFunction(fn, buildConnectEvent(source, request), log) : undefined;
    const decision = connectDecision(outcome);
    if (!decision.accept) {
      pendingUpgrades.delete(request);
      log(`ws refused ${source.connectionId} with ${decision.status}`);
      done(false, decision.status, decision.body, decision.headers);
      return;
    }
    if (decision.protocol !== undefined) pending.protocol = decision.protocol;
    if (stopping) pending.socket.destroy();
    done(true); // completes the upgrade synchronously, or destroys a socket that has gone
    pendingUpgrades.delete(request);
    if (!pending.opened) {
      log(`ws lost ${source.connectionId} before the handshake completed`);
      if (fn) invokeDisconnect(source, CloseCode.ABNORMAL, 'Connection lost before the handshake completed');
    }
  }

  function onOpen(ws: WebSocket, socket: Duplex, pending: PendingUpgrade): void {
    pending.opened = true;
    const { source } = pending;
    const connection = new LocalConnection(source.connectionId, ws, source.identity, source.connectedAt);
    registry.add(connection);
    connection.startTimers(settings.idleTimeoutMs, settings.maxConnectionMs);
    log(`ws connected ${connection.id} from ${source.identity.sourceIp}`);

    const guard = createFrameSizeGuard(settings.maxFrameBytes);
    const inspect = (chunk: Buffer): void => {
      if (guard.inspect(chunk) === undefined) return;
      socket.off('data', inspect);
      connection.close(CloseCode.MESSAGE_TOO_BIG, 'Message too big');
    };
    // Ahead of ws's own listener, so a message in an oversized frame is never delivered.
    socket.prependListener('data', inspect);

    ws.on('message', (data, isBinary) => onMessage(connection, source, toBuffer(data), isBinary));
    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        connection.markClosing(CloseCode.MESSAGE_TOO_BIG, 'Message too big');
      } else if (error.code === 'WS_ERR_INVALID_UTF8') {
        connection.markClosing(1007, 'Invalid frame payload data');
      } else if (error.code?.startsWith('WS_ERR_')) {
        connection.markClosing(1002, 'Protocol error');
      }
    });
    ws.once('close', (code: number, reasonBuffer: Buffer) => {
      socket.off('data', inspect);
      connection.clearTimers();
      registry.delete(connection.id);
      const cause = connection.closeCause ?? {
        code,
        reason: describeClose(code, reasonBuffer.toString('utf8')),
      };
      log(`ws disconnected ${connection.id} ${cause.code} ${cause.reason}`.trimEnd());
      invokeDisconnect(source, cause.code, cause.reason);
    });
  }

  function onMessage(
    connection: LocalConnection,
    source: WebSocketEventSource,
    data: Buffer,
    isBinary: boolean,
  ): void {
    if (!connection.open || stopping) return;
    connection.touch();
    const routeKey = selectRouteKey(
      isBinary ? undefined : data.toString('utf8'),
      settings.routeSelectionPath,
      (key) => routes.has(key),
    );
    const fn = routes.get(routeKey);
    if (fn === undefined) {
      log(`ws message on ${connection.id} matched no route and there is no ${DEFAULT_ROUTE_KEY} route`);
      connection.socket.send(forbiddenReply(connection.id, createApiGatewayId()));
      return;
    }
    const event = buildMessageEvent(source, routeKey, data, isBinary);
    void track(
      invokeFunction(fn, event, log).then((outcome) => {
        const reply = routeReply(outcome, connection.id, event.requestContext.requestId, {
          twoWay: settings.twoWayRoutes.has(routeKey),
        });
        if (reply === undefined || !connection.open) return;
        connection.touch();
        connection.socket.send(reply.data, { binary: reply.binary });
      }),
    );
  }

  const server = createServer({ keepAliveTimeout: 5_000 });
  server.on('request', (request, response) => {
    void handleManagementRequest(request, response, {
      stage: settings.stage,
      maxMessageBytes: settings.maxMessageBytes,
      registry,
      deleteConnection: (connection) => connection.close(CloseCode.NORMAL, 'Connection deleted'),
    }).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (stopping) {
      socket.destroy();
      return;
    }
    const pending: PendingUpgrade = {
      socket,
      verifying: false,
      opened: false,
      source: {
        apiId,
        stage: settings.stage,
        domainName,
        connectionId: createApiGatewayId(),
        connectedAt: Date.now(),
        identity: identityOf(request),
      },
    };
    pendingUpgrades.set(request, pending);
    try {
      wss.handleUpgrade(request, socket, head, (ws) => onOpen(ws, socket, pending));
    } catch {
      socket.destroy();
    }
    // `ws` calls verifyClient synchronously unless it refused the request itself (400/405).
    if (!pending.verifying) pendingUpgrades.delete(request);
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const port = await listen(server, settings.port);
  domainName = `127.0.0.1:${port}`;
  const heartbeat = setInterval(() => {
    for (const connection of registry.list()) {
      if (!connection.open) continue;
      if (!connection.alive) {
        connection.terminate('Connection lost');
        continue;
      }
      connection.alive = false;
      try {
        connection.socket.ping();
      } catch {
        connection.terminate('Connection lost');
      }
    }
  }, settings.heartbeatIntervalMs);
  heartbeat.unref();

  async function stopAll(): Promise<void> {
    clearInterval(heartbeat);
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const pending of pendingUpgrades.values()) pending.socket.destroy();
    const connections = registry.list();
    for (const connection of connections) connection.close(CloseCode.GOING_AWAY, 'Going away');
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(connections.map((connection) => connection.closed)),
      new Promise((resolve) => (graceTimer = setTimeout(resolve, STOP_GRACE_MS))),
    ]);
    clearTimeout(graceTimer);
    for (const connection of registry.list()) connection.terminate('Going away');
    await Promise.all(connections.map((connection) => connection.closed));
    server.closeAllConnections();
    await serverClosed;
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    wss.close();
  }

  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    connectionsEndpoint: `http://127.0.0.1:${port}/${settings.stage}`,
    setRoutes(next) {
      routes = new Map(
        Object.entries(next).map(([routeKey, fn]) => [
          routeKey,
          resolveFunction(fn, `ws-${routeKey}`, DEFAULT_TIMEOUT_MS),
        ]),
      );
    },
    connectionCount: () => registry.size,
    stop: () => (stopping ??= stopAll()),
  };
}
