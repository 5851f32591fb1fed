import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, DynamoDBStreamEvent } from 'aws-lambda';
import { AwsClient } from 'aws4fetch';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { KakaoCognitoAuth } from '../../src/auth/client.js';
import { createKakaoAuthHandler } from '../../src/auth/kakao-auth-handler.js';
import { localClientConfig } from '../../src/local/client-config.js';
import { type LocalStack, startLocalStack } from '../../src/local/stack/start-local-stack.js';
import type { LocalIamIdentity } from '../../src/local/stack/types.js';
import type { WebSocketMessageEvent } from '../../src/local/stack/websocket-gateway.js';
import { uniqueName } from '../support/aws.js';

function portIsOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function childPids(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe('startLocalStack with its own services', () => {
  it('leaves no child process and no open port after stop()', async () => {
    const before = childPids();
    const stack = await startLocalStack({
      buckets: ['own-bucket'],
      http: { cdn: { bucket: 'own-bucket' } },
      functions: () => ({ http: { 'GET /ping': () => 'pong' } }),
      log: () => undefined,
    });
    expect(await (await fetch(`${stack.endpoints.http}/ping`)).text()).toBe('pong');
    expect(childPids().length).toBeGreaterThan(before.length);
    const urls = [
      stack.endpoints.dynamodb,
      stack.endpoints.s3,
      stack.endpoints.http,
      stack.endpoints.connections,
    ];
    await stack?.stop();
    for (const url of urls) expect(await portIsOpen(url)).toBe(false);
    expect(childPids()).toEqual(before);
  });
});

describe('startLocalStack', () => {
  const table = uniqueName('stack-plays');
  const bucket = uniqueName('stack-cdn');
  const streamed: string[] = [];
  const lines: string[] = [];
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      services: { dynamodbEndpoint: inject('dynamodbEndpoint'), s3Endpoint: inject('s3Endpoint') },
      tables: [
        {
          name: table,
          partitionKey: { name: 'id', type: 'S' },
          stream: 'NEW_AND_OLD_IMAGES',
          ttlAttribute: 'ttl',
        },
      ],
      buckets: [bucket],
      http: {
        cdn: { bucket },
        cors: { allowOrigins: ['https://game.example'], allowMethods: ['GET', 'POST'] },
      },
      websocket: { stage: 'test' },
      functions: (env) => {
        const management = new ApiGatewayManagementApiClient(localClientConfig(env.endpoints.connections));
        return {
          http: {
            'POST /plays': async (event: APIGatewayProxyEventV2) => {
              const body = JSON.parse(event.body ?? '{}') as { id: string };
              await env.clients.documents.send(new PutCommand({ TableName: table, Item: { id: body.id } }));
              return { statusCode: 201, body: JSON.stringify({ stored: body.id }) };
            },
          },
          websocket: {
            echo: async (event: WebSocketMessageEvent) => {
              await management.send(
                new PostToConnectionCommand({
                  ConnectionId: event.requestContext.connectionId,
                  Data: new TextEncoder().encode(`echo:${event.body ?? ''}`),
                }),
              );
              return { statusCode: 200 };
            },
          },
          streams: [
            {
              table,
              batchSize: 10,
              function: async (event: DynamoDBStreamEvent) => {
                for (const record of event.Records) streamed.push(record.dynamodb?.Keys?.id?.S ?? '?');
              },
            },
          ],
        };
      },
      log: (line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('runs an HTTP handler that writes to DynamoDB, and the stream handler sees the write', async () => {
    const response = await fetch(`${stack.endpoints.http}/plays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'play-1' }),
    });
    expect(response.status).toBe(201);
    await stack.streamsIdle();
    expect(streamed).toContain('play-1');
  });

  it('answers CORS preflights from the config', async () => {
    const response = await fetch(`${stack.endpoints.http}/plays`, {
      method: 'OPTIONS',
      headers: { origin: 'https://game.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://game.example');
  });

  it('serves bucket objects on the CDN route with their cache headers', async () => {
    await stack.clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'a/b.txt', Body: 'hello', CacheControl: 'max-age=60' }),
    );
    const response = await fetch(`${stack.endpoints.cdn}/a/b.txt`);
    expect(await response.text()).toBe('hello');
    expect(response.headers.get('cache-control')).toBe('max-age=60');
  });

  it('routes WebSocket messages to a handler that answers through @connections', async () => {
    const socket = new WebSocket(stack.endpoints.websocket);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const reply = new Promise<string>((resolve) =>
      socket.once('message', (data: Buffer) => resolve(data.toString())),
    );
    socket.send(JSON.stringify({ action: 'echo' }));
    expect(await reply).toBe('echo:{"action":"echo"}');
    expect(stack.connectionCount()).toBe(1);
    socket.close();
  });

  it('logs one line per invocation', () => {
    expect(lines.some((line) => line.includes('λ'))).toBe(true);
  });
});

describe('startLocalStack with local identity providers', () => {
  const poolId = 'ap-northeast-2:00000000-0000-4000-8000-000000000001';
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      services: { dynamodbEndpoint: inject('dynamodbEndpoint'), s3Endpoint: inject('s3Endpoint') },
      identity: { kakao: { defaultAppId: 4242 }, cognito: true },
      functions: (env) => ({
        http: {
          'POST /auth/kakao': createKakaoAuthHandler({
            identityPoolId: poolId,
            developerProviderName: 'gamingonaws.auth',
            kakaoAppIds: [4242],
            kakaoApiBaseUrl: env.endpoints.kakao,
            cognitoIdentityClient: new CognitoIdentityClient(localClientConfig(env.endpoints.cognito ?? '')),
          }),
          'GET /whoami': {
            auth: 'iam',
            handler: (event: { requestContext: { authorizer: { iam: LocalIamIdentity } } }) => ({
              identityId: event.requestContext.authorizer.iam.cognitoIdentity?.identityId,
            }),
          },
        },
      }),
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses an unsigned request to an IAM route', async () => {
    expect((await fetch(`${stack.endpoints.http}/whoami`)).status).toBe(403);
  });

  it('lets a player signed in with a local Kakao token call an IAM route as their identity', async () => {
    const player = new KakaoCognitoAuth({
      authEndpoint: `${stack.endpoints.http}/auth/kakao`,
      region: stack.region,
      cognitoEndpoint: stack.endpoints.cognito,
    });
    const session = await player.signIn(stack.identity.kakao!.mintToken({ kakaoId: 77 }));
    const credentials = await player.credentialProvider();
    const signer = new AwsClient({
      ...credentials,
      service: 'execute-api',
      region: stack.region,
      retries: 0,
    });
    const response = await signer.fetch(`${stack.endpoints.http}/whoami`);
    expect(await response.json()).toEqual({ identityId: session.identityId });
  });
});
