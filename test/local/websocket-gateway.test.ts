import { type Socket, connect as connectTcp } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LocalServiceError } from '../../src/local/errors.js';
import { startWebSocketGateway } from '../../src/local/stack/websocket-gateway.js';
import type {
  WebSocketConnectEvent,
  WebSocketDisconnectEvent,
  WebSocketMessageEvent,
} from '../../src/local/stack/websocket-gateway.js';
import {
  type TestGateway,
  connectClient,
  eventually,
  recordingHandler,
  refusedHandshake,
  startTestGateway,
  within,
} from './fixtures/ws-helpers.js';

const KB = 1024;

let gateway: TestGateway | undefined;
const clients: WebSocket[] = [];

async function start(options: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
  gateway = await startTestGateway(options);
  return gateway;
}

async function connect(
  url: string,
  options: Parameters<typeof connectClient>[1] = {},
): Promise<Awaited<ReturnType<typeof connectClient>>> {
  const client = await connectClient(url, options);
  clients.push(client.ws);
  return client;
}

afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await gateway?.stop();
  gateway = undefined;
});

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('WebSocket gateway: $connect', () => {
  it('passes the query string and the headers of the upgrade request to $connect', async () => {
    const gw = await start();
    const connect$ = recordingHandler<WebSocketConnectEvent>();
    gw.setRoutes({ $connect: connect$.handler });

    await connect(`${gw.url}/local?room=lobby&tag=a&tag=b`, { headers: { 'X-Game-Version': '1.2.3' } });
    const event = await connect$.nth(1);

    expect(event.queryStringParameters).toEqual({ room: 'lobby', tag: 'b' });
    expect(event.multiValueQueryStringParameters).toEqual({ room: ['lobby'], tag: ['a', 'b'] });
    expect(event.headers['X-Game-Version']).toBe('1.2.3');
    expect(event.multiValueHeaders['X-Game-Version']).toEqual(['1.2.3']);
    expect(event.isBase64Encoded).toBe(false);
  });

  it('describes the connection in the requestContext of $connect as API Gateway does', async () => {
    const gw = await start({ stage: 'dev' });
    const connect$ = recordingHandler<WebSocketConnectEvent>();
    gw.setRoutes({ $connect: connect$.handler });

    await connect(gw.url, { headers: { 'User-Agent': 'quiz-client/1.0' } });
    const { requestContext } = await connect$.nth(1);

    expect(requestContext).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'dev',
      domainName: `127.0.0.1:${gw.port}`,
      identity: { sourceIp: '127.0.0.1', userAgent: 'quiz-client/1.0' },
    });
    expect(requestContext.connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(requestContext.apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(requestContext.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof requestContext.connectedAt).toBe('number');
    expect(typeof requestContext.requestTimeEpoch).toBe('number');
  });

  it('refuses the handshake with 403 when $connect returns 403', async () => {
    const gw = await start();
    gw.setRoutes({ $connect: async () => ({ statusCode: 403, body: '{"message":"Forbidden"}' }) });

    const refused = await refusedHandshake(gw.url);

    expect(refused).toEqual({ status: 403, body: '{"message":"Forbidden"}' });
    expect(gw.connectionCount()).toBe(0);
  });

  it('refuses the handshake with the non-2xx status $connect returns', async () => {
    const gw = await start();
    gw.setRoutes({ $connect: async () => ({ statusCode: 401 }) });

    const refused = await refusedHandshake(gw.url);

    expect(refused.status).toBe(401);
  });

  it('refuses the handshake with 502 Internal server error when $connect throws', async () => {
    const gw = await start();
    gw.setRoutes({
      $connect: async () => {
        throw new Error('database down');
      },
    });

    const refused = await refusedHandshake(gw.url);

    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.body)).toEqual({ message: 'Internal server error' });
  });

  it('refuses the handshake with 504 when $connect times out', async () => {
    const gw = await start();
    gw.setRoutes({ $connect: { handler: () => new Promise(() => undefined), timeoutMs: 50 } });

    const refused = await refusedHandshake(gw.url);

    expect(refused.status).toBe(504);
    expect(JSON.parse(refused.body)).toEqual({ message: 'Endpoint request timed out' });
  });

  it('accepts every handshake when there is no $connect route', async () => {
    const gw = await start();

    await connect(gw.url);

    expect(gw.connectionCount()).toBe(1);
  });

  it('agrees on the subprotocol that $connect returns in Sec-WebSocket-Protocol', async () => {
    const gw = await start();
    gw.setRoutes({
      $connect: async () => ({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'quiz.v2' } }),
    });

    const client = await connect(gw.url, { protocols: ['quiz.v1', 'quiz.v2'] });

    expect(client.ws.protocol).toBe('quiz.v2');
  });

  it.each([
    ['offered none, $connect names one', [], 'quiz.v2', /subprotocol but none was requested/],
    ['offered some, $connect names none', ['quiz.v1'], undefined, /no subprotocol/],
    ['offered some, $connect names another', ['quiz.v1'], 'quiz.v9', /invalid subprotocol/],
  ])(
    'relays the $connect subprotocol as API Gateway does, so the client refuses a mismatch (%s)',
    async (_case, protocols, chosen, failure) => {
      const gw = await start();
      const seen: Array<string | undefined> = [];
      gw.setRoutes({
        $connect: async (event: WebSocketConnectEvent) => {
          seen.push(event.headers['Sec-WebSocket-Protocol'] ?? event.headers['sec-websocket-protocol']);
          return { statusCode: 200, ...(chosen ? { headers: { 'Sec-WebSocket-Protocol': chosen } } : {}) };
        },
      });

      const ws = new WebSocket(gw.url, protocols);
      const error = await new Promise<Error>((resolve) => ws.once('error', resolve));

      expect(error.message).toMatch(failure);
      expect(seen).toEqual([protocols.length > 0 ? protocols.join(', ') : undefined]);
    },
  );

  it('invokes $disconnect when $connect accepted but the client left before the handshake completed', async () => {
    const gw = await start();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const connect$ = recordingHandler<WebSocketConnectEvent>(async () => {
      await gate;
      return { statusCode: 200 };
    });
    const disconnect$ = recordingHandler<WebSocketDisconnectEvent>();
    gw.setRoutes({ $connect: connect$.handler, $disconnect: disconnect$.handler });
    const ws = new WebSocket(gw.url);
    ws.on('error', () => undefined);
    const connectEvent = await connect$.nth(1);

    ws.terminate();
    release();
    const event = await disconnect$.nth(1);

    expect(event.requestContext.connectionId).toBe(connectEvent.requestContext.connectionId);
    expect(event.requestContext.disconnectStatusCode).toBe(1006);
    expect(gw.connectionCount()).toBe(0);
  });

  it('answers a malformed upgrade request with 400 and keeps serving', async () => {
    const gw = await start();
    const raw = connectTcp({ host: '127.0.0.1', port: gw.port });
    raw.on('error', () => undefined);
    const response = await within(
      new Promise<string>((resolve) => {
        let text = '';
        raw.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        raw.once('close', () => resolve(text));
        raw.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
      }),
      'the answer to a malformed upgrade',
    );

    expect(response.startsWith('HTTP/1.1 400')).toBe(true);
    await connect(gw.url);
    expect(gw.connectionCount()).toBe(1);
  });
});

describe('WebSocket gateway: messages', () => {
  it('routes a message whose action names a route to that route', async () => {
    const gw = await start();
    const join = recordingHandler<WebSocketMessageEvent>();
    const fallback = recordingHandler<WebSocketMessageEvent>();
    gw.setRoutes({ join: join.handler, $default: fallback.handler });
    const client = await connect(gw.url);

    client.ws.send(JSON.stringify({ action: 'join', room: 'lobby' }));
    const event = await join.nth(1);

    expect(event.body).toBe('{"action":"join","room":"lobby"}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext).toMatchObject({
      routeKey: 'join',
      eventType: 'MESSAGE',
      messageDirection: 'IN',
    });
    expect(event.requestContext.messageId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(fallback.events).toHaveLength(0);
  });

  it('routes a message whose action names no route to $default', async () => {
    const gw = await start();
    const fallback = recordingHandler<WebSocketMessageEvent>();
    gw.setRoutes({ join: async () => ({ statusCode: 200 }), $default: fallback.handler });
    const client = await connect(gw.url);

    client.ws.send(JSON.stringify({ action: 'leave' }));
    const event = await fallback.nth(1);

    expect(event.requestContext.routeKey).toBe('$default');
  });

  it('routes text that is not JSON to $default', async () => {
    const gw = await start();
    const fallback = recordingHandler<WebSocketMessageEvent>();
    gw.setRoutes({ $default: fallback.handler });
    const client = await connect(gw.url);

    client.ws.send('ㄱㄴ hello');
    const event = await fallback.nth(1);

    expect(event.body).toBe('ㄱㄴ hello');
  });

  it('selects the route at the dotted path of the routeSelectionExpression', async () => {
    const gw = await start({ routeSelectionExpression: '$request.body.game.type' });
    const answer = recordingHandler<WebSocketMessageEvent>();
    gw.setRoutes({ answer: answer.handler, $default: async () => ({ statusCode: 200 }) });
    const client = await connect(gw.url);

    client.ws.send(JSON.stringify({ game: { type: 'answer' }, text: 'ㅎㄱ' }));
    const event = await answer.nth(1);

    expect(event.requestContext.routeKey).toBe('answer');
  });

  it('answers Forbidden with the connection and request ids when no route matches and there is no $default', async () => {
    const gw = await start();
    const connect$ = recordingHandler<WebSocketConnectEvent>();
    gw.setRoutes({ $connect: connect$.handler, join: async () => ({ statusCode: 200 }) });
    const client = await connect(gw.url);
    const { connectionId } = (await connect$.nth(1)).requestContext;

    client.ws.send(JSON.stringify({ action: 'dance' }));
    const reply = JSON.parse((await client.message(1)).data.toString('utf8'));

    expect(reply).toEqual({ message: 'Forbidden', connectionId, requestId: expect.any(String) });
  });

  it('passes binary frames to $default base64-encoded with isBase64Encoded', async () => {
    const gw = await start();
    const fallback = recordingHandler<WebSocketMessageEvent>();
    gw.setRoutes({ $default: fallback.handler });
    const client = await connect(gw.url);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);

    client.ws.send(bytes, { binary: true });
    const event = await fallback.nth(1);

    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body, 'base64')).toEqual(bytes);
  });

  it('sends the non-empty body a two-way route handler returns back to the caller', async () => {
    const gw = await start({ twoWayRoutes: ['ping'] });
    gw.setRoutes({ ping: async () => ({ statusCode: 200, body: '{"pong":true}' }) });
    const client = await connect(gw.url);

    client.ws.send(JSON.stringify({ action: 'ping' }));
    const reply = await client.message(1);

    expect(reply.data.toString('utf8')).toBe('{"pong":true}');
  });

  it('drops the body a one-way route handler returns, as API Gateway does without a route response', async () => {
    const gw = await start({ twoWayRoutes: ['ping'] });
    gw.setRoutes({
      quiet: async () => ({ statusCode: 200, body: 'never sent' }),
      ping: async () => ({ statusCode: 200, body: 'pong' }),
    });
    const client = await connect(gw.url);

    client.ws.send(JSON.stringify({ action: 'quiet' }));
    // The gateway logs an invocation before it answers: once logged, a reply would already be on the wire,
    // ahead of the reply to the next message.
    expect(await eventually(() => gw.lines.some((line) => line.startsWith('λ ws-quiet ')))).toBe(true);
    client.ws.send(JSON.stringify({ action: 'ping' }));
    await client.message(1);

    expect(client.received.map((message) => message.data.toString('utf8'))).toEqual(['pong']);
  });

  it('sends Internal server error to the caller of a one-way route whose handler throws', async () => {
    const gw = await start();
    gw.setRoutes({
      $default: async () => {
        throw new Error('boom');
      },
    });
    const client = await connect(gw.url);

    client.ws.send('anything');
    const reply = JSON.parse((await client.message(1)).data.toString('utf8'));

    expect(reply).toEqual({
      message: 'Internal server error',
      connectionId: expect.any(String),
      requestId: expect.any(String),
    });
  });

  it('sends Endpoint request timed out to the caller when a route handler outlives its timeout', async () => {
    const gw = await start();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    gw.setRoutes({ $default: { handler: async () => released, timeoutMs: 50 } });
    const client = await connect(gw.url);

    client.ws.send('slow');
    const reply = JSON.parse((await client.message(1)).data.toString('utf8'));
    release();

    expect(reply).toEqual({
      message: 'Endpoint request timed out',
      connectionId: expect.any(String),
      requestId: expect.any(String),
    });
  });

  it('invokes the handlers of one connection concurrently', async () => {
    const gw = await start({ twoWayRoutes: ['first', 'second'] });
    let secondArrived: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (secondArrived = resolve));
    gw.setRoutes({
      first: async () => {
        await within(second, 'the second message to be invoked');
        return { statusCode: 200, body: 'first' };
      },
      second: async () => {
        secondArrived();
        return { statusCode: 200, body: 'second' };
      },
    });
    const client = await connect(gw.url);

    client.ws.send(JSON.stringify({ action: 'first' }));
    client.ws.send(JSON.stringify({ action: 'second' }));
    await client.message(2);

    expect(client.received.map((message) => message.data.toString('utf8'))).toEqual(['second', 'first']);
  });

  it('never logs message bodies', async () => {
    const gw = await start({ twoWayRoutes: ['$default'] });
    gw.setRoutes({ $default: async () => ({ statusCode: 200, body: 'reply-secret' }) });
    const client = await connect(gw.url);

    client.ws.send('message-secret');
    await client.message(1);

    expect(gw.lines.join('\n')).not.toMatch(/secret/);
  });
});

describe('WebSocket gateway: limits', () => {
  it('closes the connection with 1009 when one frame is larger than 32 KB', async () => {
    const gw = await start();
    const fallback = recordingHandler<WebSocketMessageEvent>();
    const disconnect$ = recordingHandler<WebSocketDisconnectEvent>();
    gw.setRoutes({ $default: fallback.handler, $disconnect: disconnect$.handler });
    const client = await connect(gw.url);

    client.ws.send('x'.repeat(32 * KB + 1));
    const closed = await client.closed;

    expect(closed.code).toBe(1009);
    expect((await disconnect$.nth(1)).requestContext.disconnectStatusCode).toBe(1009);
    expect(fallback.events).toHaveLength(0);
  });

  it('accepts a message split into frames of at most 32 KB each', async () => {
    const gw = await start();
    const fallback = recordingHandler<WebSocketMessageEvent>();
    gw.setRoutes({ $default: fallback.handler });
    const client = await connect(gw.url);

    client.ws.send('a'.repeat(32 * KB), { fin: false });
    client.ws.send('b'.repeat(32 * KB), { fin: false });
    client.ws.send('c'.repeat(32 * KB), { fin: true });
    const event = await fallback.nth(1);

    expect(event.body).toHaveLength(96 * KB);
    expect(gw.connectionCount()).toBe(1);
  });

  it('closes the connection with 1009 when a fragmented message is larger than 128 KB', async () => {
    const gw = await start();
    const fallback = recordingHandler<WebSocketMessageEvent>();
    gw.setRoutes({ $default: fallback.handler });
    const client = await connect(gw.url);

    for (let index = 0; index < 4; index += 1) client.ws.send('z'.repeat(32 * KB), { fin: false });
    client.ws.send('z', { fin: true });
    const closed = await client.closed;

    expect(closed.code).toBe(1009);
    expect(fallback.events).toHaveLength(0);
  });

  it('honours smaller frame and message limits from the options', async () => {
    const gw = await start({ maxFrameBytes: 100, maxMessageBytes: 1000 });
    const client = await connect(gw.url);

    client.ws.send('x'.repeat(101));
    const closed = await client.closed;

    expect(closed.code).toBe(1009);
  });

  it('closes an idle connection with 1001 Going away and invokes $disconnect', async () => {
    const gw = await start({ idleTimeoutMs: 300 });
    const disconnect$ = recordingHandler<WebSocketDisconnectEvent>();
    gw.setRoutes({ $disconnect: disconnect$.handler });
    const client = await connect(gw.url);

    const closed = await client.closed;
    const event = await disconnect$.nth(1);

    expect(closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(event.requestContext).toMatchObject({
      eventType: 'DISCONNECT',
      routeKey: '$disconnect',
      disconnectStatusCode: 1001,
      disconnectReason: 'Going away',
    });
    expect(gw.connectionCount()).toBe(0);
  });

  it('closes a connection with 1001 once it reaches the maximum connection duration', async () => {
    const gw = await start({ maxConnectionMs: 300 });
    const disconnect$ = recordingHandler<WebSocketDisconnectEvent>();
    gw.setRoutes({ $disconnect: disconnect$.handler });
    const client = await connect(gw.url);

    const closed = await client.closed;

    expect(closed.code).toBe(1001);
    expect((await disconnect$.nth(1)).requestContext.disconnectStatusCode).toBe(1001);
  });
});

describe('WebSocket gateway: $disconnect', () => {
  it('invokes $disconnect with the close code and reason the client sent', async () => {
    const gw = await start();
    const disconnect$ = recordingHandler<WebSocketDisconnectEvent>();
    gw.setRoutes({ $disconnect: disconnect$.handler });
    const client = await connect(gw.url);

    client.ws.close(4000, 'game over');
    const event = await disconnect$.nth(1);

    expect(event.requestContext.disconnectStatusCode).toBe(4000);
    expect(event.requestContext.disconnectReason).toBe('game over');
  });

  it('invokes $disconnect once when the client vanishes without a close frame', async () => {
    const gw = await start();
    const disconnect$ = recordingHandler<WebSocketDisconnectEvent>();
    gw.setRoutes({ $disconnect: disconnect$.handler });
    const client = await connect(gw.url);

    client.ws.terminate();
    const event = await disconnect$.nth(1);

    expect(event.requestContext.disconnectStatusCode).toBe(1006);
    expect(await eventually(() => gw.connectionCount() === 0)).toBe(true);
    // A duplicate would come from the first socket's own events. Instead of waiting some time for it, let the
    // gateway run a whole later connection (handshake, close handshake, its $disconnect), then stop, which
    // returns once every invocation has settled: a duplicate would be recorded by then.
    const later = await connect(gw.url);
    later.ws.close();
    await disconnect$.nth(2);
    await gw.stop();
    const disconnected = disconnect$.events.map((recorded) => recorded.requestContext.connectionId);
    expect(disconnected).toHaveLength(2);
    expect(new Set(disconnected).size).toBe(2);
  });

  it('closes with 1002 and keeps serving when a client sends bytes that are not WebSocket frames', async () => {
    const gw = await start();
    const disconnect$ = recordingHandler<WebSocketDisconnectEvent>();
    gw.setRoutes({ $disconnect: disconnect$.handler });
    const client = await connect(gw.url);
    const raw = (client.ws as unknown as { _socket: Socket })._socket;

    raw.write(Buffer.from([0xff, 0x7f, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]));
    const event = await disconnect$.nth(1);

    expect(event.requestContext.disconnectStatusCode).toBe(1002);
    await connect(gw.url);
    expect(gw.connectionCount()).toBe(1);
  });

  it('drops a connection whose client stops answering heartbeat pings', async () => {
    const gw = await start({ heartbeatIntervalMs: 100 });
    const disconnect$ = recordingHandler<WebSocketDisconnectEvent>();
    gw.setRoutes({ $disconnect: disconnect$.handler });
    const client = await connect(gw.url);

    client.ws.pause();
    const event = await disconnect$.nth(1);

    expect(event.requestContext.disconnectStatusCode).toBe(1006);
    expect(gw.connectionCount()).toBe(0);
  });
});

describe('WebSocket gateway: stop', () => {
  it('closes every connection with 1001, invokes $disconnect for each and frees the port', async () => {
    const gw = await start();
    const disconnect$ = recordingHandler<WebSocketDisconnectEvent>();
    gw.setRoutes({ $disconnect: disconnect$.handler });
    const first = await connect(gw.url);
    const second = await connect(gw.url);

    await gw.stop();

    expect((await first.closed).code).toBe(1001);
    expect((await second.closed).code).toBe(1001);
    expect(disconnect$.events.map((event) => event.requestContext.disconnectStatusCode)).toEqual([
      1001, 1001,
    ]);
    expect(gw.connectionCount()).toBe(0);
    expect(await portIsOpen(gw.port)).toBe(false);
  });

  it('can be stopped twice', async () => {
    const gw = await start();

    await gw.stop();

    await expect(gw.stop()).resolves.toBeUndefined();
  });
});

describe('WebSocket gateway: options', () => {
  it('rejects a routeSelectionExpression it cannot evaluate with INVALID_OPTIONS', async () => {
    const starting = startWebSocketGateway({
      region: 'ap-northeast-2',
      log: () => undefined,
      routeSelectionExpression: '$request.header.action',
    });

    await expect(starting).rejects.toBeInstanceOf(LocalServiceError);
    await expect(starting).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('rejects a non-positive limit with INVALID_OPTIONS', async () => {
    const starting = startWebSocketGateway({
      region: 'ap-northeast-2',
      log: () => undefined,
      maxFrameBytes: 0,
    });

    await expect(starting).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('rejects a twoWayRoutes that is not a list of route keys with INVALID_OPTIONS', async () => {
    const starting = startWebSocketGateway({
      region: 'ap-northeast-2',
      log: () => undefined,
      twoWayRoutes: ['ping', ''],
    });

    await expect(starting).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('reports START_FAILED when the port is taken', async () => {
    const gw = await start();

    const starting = startWebSocketGateway({ region: 'ap-northeast-2', log: () => undefined, port: gw.port });

    await expect(starting).rejects.toMatchObject({ code: 'START_FAILED' });
  });
});
