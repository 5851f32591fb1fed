import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { type LocalCognito, startLocalCognito } from '../auth/cognito-server.js';
import { type LocalKakao, startLocalKakao } from '../auth/kakao-server.js';
import { LOCAL_REGION } from '../client-config.js';
import { createLocalAwsClients } from '../clients.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb-local.js';
import { LocalServiceError } from '../errors.js';
import { type S3Local, startS3Local } from '../s3-local.js';
import { type HttpGateway, startHttpGateway } from './http-gateway.js';
import { resolveFunction } from './invoke.js';
import { type StreamSource, startStreamSource } from './stream-source.js';
import { createLocalTable } from './tables.js';
import type { LocalStackConfig, LocalStackEnvironment } from './types.js';
import { type WebSocketGateway, startWebSocketGateway } from './websocket-gateway.js';

/** A running local stack, see {@link startLocalStack}. */
export interface LocalStack extends LocalStackEnvironment {
  /** Resolves once every stream poller has delivered all records written so far (for tests and scripts). */
  streamsIdle(timeoutMs?: number): Promise<void>;
  /** Number of open WebSocket connections. */
  connectionCount(): number;
  /** Stops every poller, gateway, server and child process it started. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs a game backend on this machine with no AWS account: DynamoDB Local and an S3 server (or ones already
 * running), the tables and buckets of `config`, an API Gateway-compatible HTTP gateway and WebSocket gateway
 * (with the `@connections` management endpoint), and DynamoDB Streams pollers that invoke stream handlers like
 * Lambda event source mappings. Handlers are the same factories a deployment uses, built by
 * `config.functions` once the endpoints are known. Everything listens on 127.0.0.1 on free ports.
 *
 * @throws {LocalServiceError} when a service cannot start; whatever had started is stopped again.
 * @example
 * ```ts
 * import { startLocalStack } from 'serverless-game-kit/local';
 *
 * const stack = await startLocalStack({
 *   functions: () => ({ http: { 'GET /hello': async () => ({ statusCode: 200, body: 'hi' }) } }),
 * });
 * console.log(await (await fetch(`${stack.endpoints.http}/hello`)).text());
 * await stack.stop();
 * ```
 */
export async function startLocalStack(config: LocalStackConfig = {}): Promise<LocalStack> {
  const log = config.log ?? ((line: string) => console.log(line));
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    const pending = cleanups.splice(0).reverse();
    for (const cleanup of pending) {
      await cleanup().catch((error: unknown) => log(`stop: ${String(error)}`));
    }
  };

  try {
    // Settle both before going on: when one fails, the other's cleanup must be registered before stopAll runs.
    const [dynamodbEndpoint, s3Endpoint] = await allSettledOrThrow([
      config.services?.dynamodbEndpoint ??
        nonEmpty(process.env.SGK_LOCAL_DYNAMODB_ENDPOINT) ??
        startDynamoDbLocal(config.services?.dynamodb).then((service: DynamoDbLocal) => {
          cleanups.push(() => service.stop());
          return service.endpoint;
        }),
      config.services?.s3Endpoint ??
        nonEmpty(process.env.SGK_LOCAL_S3_ENDPOINT) ??
        startS3Local(config.services?.s3).then((service: S3Local) => {
          cleanups.push(() => service.stop());
          return service.endpoint;
        }),
    ] as const);
    const clients = createLocalAwsClients({ dynamodb: dynamodbEndpoint, s3: s3Endpoint });
    cleanups.push(async () => clients.destroy());

    const streamArns: Record<string, string> = {};
    await Promise.all(
      (config.tables ?? []).map(async (table) => {
        const streamArn = await createLocalTable(clients.dynamodb, table);
        if (streamArn) streamArns[table.name] = streamArn;
      }),
    );
    for (const bucket of config.buckets ?? []) {
      await clients.s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: Error) => {
        if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
      });
    }

    const identity = await startIdentityProviders(config, log, cleanups);
    const http: HttpGateway = await startHttpGateway({
      ...config.http,
      authorizer: config.http?.authorizer ?? identity.cognito?.authorizer,
      s3Client: clients.s3,
      region: LOCAL_REGION,
      log,
    });
    cleanups.push(() => http.stop());
    const websocket: WebSocketGateway = await startWebSocketGateway({
      ...config.websocket,
      region: LOCAL_REGION,
      log,
    });
    cleanups.push(() => websocket.stop());

    const environment: LocalStackEnvironment = {
      region: LOCAL_REGION,
      endpoints: {
        dynamodb: dynamodbEndpoint,
        s3: s3Endpoint,
        http: http.url,
        websocket: websocket.url,
        connections: websocket.connectionsEndpoint,
        ...(http.cdnUrl ? { cdn: http.cdnUrl } : {}),
        ...(identity.kakao ? { kakao: identity.kakao.endpoint } : {}),
        ...(identity.cognito ? { cognito: identity.cognito.endpoint } : {}),
      },
      identity,
      clients,
      streamArns,
      log,
    };

    const functions = (await config.functions?.(environment)) ?? {};
    http.setRoutes(functions.http ?? {});
    websocket.setRoutes(functions.websocket ?? {});

    const sources: StreamSource[] = [];
    for (const subscription of functions.streams ?? []) {
      const streamArn = streamArns[subscription.table];
      if (!streamArn) {
        throw new LocalServiceError(
          'INVALID_OPTIONS',
          `A stream handler subscribes to table "${subscription.table}", which has no stream: declare it in config.tables with a stream view type.`,
        );
      }
      const source = startStreamSource({
        ...subscription,
        tableName: subscription.table,
        streamArn,
        fn: resolveFunction(subscription.function, `${subscription.table}-stream`, 60_000),
        streams: clients.streams,
        log,
      });
      sources.push(source);
      cleanups.push(() => source.stop());
    }

    let stopping: Promise<void> | undefined;
    return {
      ...environment,
      streamsIdle: async (timeoutMs?: number) => {
        await Promise.all(sources.map((source) => source.idle(timeoutMs)));
      },
      connectionCount: () => websocket.connectionCount(),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startIdentityProviders(
  config: LocalStackConfig,
  log: (line: string) => void,
  cleanups: Array<() => Promise<void>>,
): Promise<{ kakao?: LocalKakao; cognito?: LocalCognito }> {
  const options = config.identity ?? {};
  const identity: { kakao?: LocalKakao; cognito?: LocalCognito } = {};
  if (options.kakao) {
    const kakao = await startLocalKakao({ log, ...(options.kakao === true ? {} : options.kakao) });
    cleanups.push(() => kakao.stop());
    identity.kakao = kakao;
  }
  if (options.cognito) {
    const cognito = await startLocalCognito({ log, ...(options.cognito === true ? {} : options.cognito) });
    cleanups.push(() => cognito.stop());
    identity.cognito = cognito;
  }
  return identity;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Like `Promise.all`, but waits for every promise to settle before rejecting with the first failure. */
async function allSettledOrThrow<T>(promises: readonly [Promise<T> | T, Promise<T> | T]): Promise<[T, T]> {
  const [first, second] = await Promise.allSettled(promises);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}
