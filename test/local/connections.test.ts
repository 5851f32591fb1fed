import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { localClientConfig } from '../../src/local/client-config.js';
import type {
  WebSocketConnectEvent,
  WebSocketDisconnectEvent,
  WebSocketMessageEvent,
} from '../../src/local/stack/websocket-gateway.js';
import {
  type TestClient,
  type TestGateway,
  connectClient,
  eventually,
  recordingHandler,
  startTestGateway,
  within,
} from './fixtures/ws-helpers.js';

let gateway: TestGateway | undefined;
const sdkClients: ApiGatewayManagementApiClient[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const client of sdkClients.splice(0)) client.destroy();
  await gateway?.stop();
  gateway = undefined;
});

function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  const client = new ApiGatewayManagementApiClient(localClientConfig(endpoint));
  sdkClients.push(client);
  return client;
}

/** A gateway with recording `$connect`/`$disconnect` routes, one open client and its connection id. */
async function connectedClient(): Promise<{
  gw: TestGateway;
  client: TestClient;
  connectionId: string;
  management: ApiGatewayManagementApiClient;
  disconnects: ReturnType<typeof recordingHandler<WebSocketDisconnectEvent>>;
}> {
  const gw = await startTestGateway();
  gateway = gw;
  const connects = recordingHandler<WebSocketConnectEvent>();
  const disconnects = recordingHandler<WebSocketDisconnectEvent>();
  gw.setRoutes({ $connect: connects.handler, $disconnect: disconnects.handler });
  const client = await connectClient(gw.url, { headers: { 'User-Agent': 'quiz-client/2.0' } });
  sockets.push(client.ws);
  const connectionId = (await connects.nth(1)).requestContext.connectionId;
  return { gw, client, connectionId, management: managementClient(gw.connectionsEndpoint), disconnects };
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const failed = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: failed.name, status: failed.$metadata?.httpStatusCode };
  }
  throw new Error('The call succeeded');
}

describe('@connections management API', () => {
  it('delivers PostToConnection data to the client as a text frame', async () => {
    const { client, connectionId, management } = await connectedClient();

    await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{"round":1}' }));
    const message = await client.message(1);

    expect(message.isBinary).toBe(false);
    expect(message.data.toString('utf8')).toBe('{"round":1}');
  });

  it('delivers PostToConnection bytes that are not UTF-8 as a binary frame', async () => {
    const { client, connectionId, management } = await connectedClient();
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80]);

    await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: bytes }));
    const message = await client.message(1);

    expect(message.isBinary).toBe(true);
    expect(new Uint8Array(message.data)).toEqual(bytes);
  });

  it('returns the connection time, identity and last activity from GetConnection', async () => {
    const { connectionId, management } = await connectedClient();

    const info = await management.send(new GetConnectionCommand({ ConnectionId: connectionId }));

    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(info.ConnectedAt!.getTime());
    expect(info.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'quiz-client/2.0' });
  });

  it('answers GetConnection with ISO 8601 dates on the wire', async () => {
    const { gw, connectionId } = await connectedClient();

    const response = await fetch(
      `${gw.connectionsEndpoint}/@connections/${encodeURIComponent(connectionId)}`,
    );
    const body = (await response.json()) as { connectedAt: string; lastActiveAt: string };

    expect(response.status).toBe(200);
    expect(new Date(body.connectedAt).toISOString()).toBe(body.connectedAt);
    expect(new Date(body.lastActiveAt).toISOString()).toBe(body.lastActiveAt);
  });

  it('closes the socket and invokes $disconnect on DeleteConnection', async () => {
    const { gw, client, connectionId, management, disconnects } = await connectedClient();

    await management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    const event = await disconnects.nth(1);

    expect((await client.closed).code).toBe(1000);
    expect(event.requestContext.connectionId).toBe(connectionId);
    expect(await eventually(() => gw.connectionCount() === 0)).toBe(true);
  });

  it('fails PostToConnection to a closed connection with GoneException and 410', async () => {
    const { client, connectionId, management, disconnects } = await connectedClient();
    client.ws.close();
    await disconnects.nth(1);

    const error = await failure(
      management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'late' })),
    );

    expect(error).toEqual({ name: 'GoneException', status: 410 });
  });

  it('fails GetConnection of an unknown id with GoneException and 410', async () => {
    const { management } = await connectedClient();

    const error = await failure(
      management.send(new GetConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=' })),
    );

    expect(error).toEqual({ name: 'GoneException', status: 410 });
  });

  it('fails DeleteConnection of an unknown id with GoneException and 410', async () => {
    const { management } = await connectedClient();

    const error = await failure(management.send(new DeleteConnectionCommand({ ConnectionId: 'nope' })));

    expect(error).toEqual({ name: 'GoneException', status: 410 });
  });

  it('fails PostToConnection over 128 KB with PayloadTooLargeException and 413', async () => {
    const { client, connectionId, management } = await connectedClient();

    const error = await failure(
      management.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x'.repeat(128 * 1024 + 1) }),
      ),
    );

    expect(error).toEqual({ name: 'PayloadTooLargeException', status: 413 });
    expect(client.received).toHaveLength(0);
  });

  it('fails calls to another stage with ForbiddenException and 403', async () => {
    const { gw, connectionId } = await connectedClient();
    const wrongStage = managementClient(gw.connectionsEndpoint.replace(/\/local$/, '/prod'));

    const error = await failure(wrongStage.send(new GetConnectionCommand({ ConnectionId: connectionId })));

    expect(error).toEqual({ name: 'ForbiddenException', status: 403 });
  });

  it('accepts a percent-encoded @ in the path', async () => {
    const { gw, client, connectionId } = await connectedClient();

    const response = await fetch(
      `${gw.connectionsEndpoint}/%40connections/${encodeURIComponent(connectionId)}`,
      {
        method: 'POST',
        body: 'raw',
      },
    );
    const message = await client.message(1);

    expect(response.status).toBe(200);
    expect(message.data.toString('utf8')).toBe('raw');
  });

  it('lets a $default handler answer its caller with PostToConnection', async () => {
    const gw = await startTestGateway();
    gateway = gw;
    const management = managementClient(gw.connectionsEndpoint);
    gw.setRoutes({
      $default: async (event: WebSocketMessageEvent) => {
        await management.send(
          new PostToConnectionCommand({
            ConnectionId: event.requestContext.connectionId,
            Data: `echo:${event.body}`,
          }),
        );
        return { statusCode: 200 };
      },
    });
    const client = await connectClient(gw.url);
    sockets.push(client.ws);

    client.ws.send('ㅊㅅ');
    const reply = await client.message(1);

    expect(reply.data.toString('utf8')).toBe('echo:ㅊㅅ');
  });

  it('fails PostToConnection from inside $connect with GoneException, as the connection is not open yet', async () => {
    const gw = await startTestGateway();
    gateway = gw;
    const management = managementClient(gw.connectionsEndpoint);
    const outcomes: Array<{ name: string; status: number | undefined }> = [];
    gw.setRoutes({
      $connect: async (event: WebSocketConnectEvent) => {
        outcomes.push(
          await failure(
            management.send(
              new PostToConnectionCommand({ ConnectionId: event.requestContext.connectionId, Data: 'early' }),
            ),
          ),
        );
        return { statusCode: 200 };
      },
    });

    const client = await connectClient(gw.url);
    sockets.push(client.ws);

    expect(outcomes).toEqual([{ name: 'GoneException', status: 410 }]);
  });

  it('answers a method the API does not have with ForbiddenException and 403', async () => {
    const { gw, connectionId } = await connectedClient();

    const response = await fetch(
      `${gw.connectionsEndpoint}/@connections/${encodeURIComponent(connectionId)}`,
      {
        method: 'PUT',
        body: 'x',
      },
    );

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    expect(gw.connectionCount()).toBe(1);
  });

  it('answers a path outside @connections with ForbiddenException and 403', async () => {
    const { gw } = await connectedClient();

    const response = await fetch(`${gw.connectionsEndpoint}/%E0%A4%A/../anything`);

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
  });

  it('answers a plain HTTP request to the WebSocket URL with 426 Upgrade Required', async () => {
    const { gw } = await connectedClient();

    const response = await within(fetch(gw.connectionsEndpoint), 'the plain request');

    expect(response.status).toBe(426);
  });
});
