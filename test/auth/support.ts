import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { inject } from 'vitest';
import type { AuthLogger, KakaoAuthHandlerOptions } from '../../src/auth/handler-options.js';
import { createKakaoAuthHandler } from '../../src/auth/kakao-auth-handler.js';
import type { AuthSessionStorage } from '../../src/auth/session-storage.js';
import { type HttpResult, jsonResponse } from '../../src/core/lambda/http-response.js';
import type { GatewayHttpEvent } from '../../src/local/stack/http/request-event.js';
import { type LocalStack, startLocalStack } from '../../src/local/stack/start-local-stack.js';
import type { FetchLike } from '../../src/core/client/request-json.js';
import { type LocalCognito, startLocalCognito } from '../../src/local/auth/cognito-server.js';
import { type LocalKakao, startLocalKakao } from '../../src/local/auth/kakao-server.js';
import { LOCAL_REGION, localClientConfig } from '../../src/local/client-config.js';

/** The identity pool and developer provider every auth test uses. */
export const POOL_ID = `${LOCAL_REGION}:11111111-2222-3333-4444-555555555555`;
export const PROVIDER = 'gamingonaws.auth';
/** The Kakao app the handlers accept, and one they do not. */
export const APP_ID = 424242;
export const OTHER_APP_ID = 777777;

/** Every log line any part of a test wrote, to check that no secret leaks into logs. */
export class LogCapture {
  readonly lines: string[] = [];

  /** A `(line) => void` sink for the local servers and the stack. */
  readonly sink = (line: string): void => {
    this.lines.push(line);
  };

  /** A logger for the handler that records the message and its structured details. */
  readonly logger: AuthLogger = {
    info: (message, details) => this.lines.push(`INFO ${message} ${JSON.stringify(details ?? {})}`),
    warn: (message, details) => this.lines.push(`WARN ${message} ${JSON.stringify(details ?? {})}`),
    error: (message, details) => this.lines.push(`ERROR ${message} ${JSON.stringify(details ?? {})}`),
  };

  /** The secrets among `candidates` that appear in any captured line. */
  leaked(candidates: Iterable<string>): string[] {
    const all = this.lines.join('\n');
    return [...candidates].filter((secret) => secret.length > 0 && all.includes(secret));
  }
}

/** The local Kakao and Cognito, started for one suite. */
export interface AuthServices {
  kakao: LocalKakao;
  cognito: LocalCognito;
  /** A real SDK client pointed at the local Cognito. */
  cognitoClient: CognitoIdentityClient;
  logs: LogCapture;
  stop(): Promise<void>;
}

/**
 * Starts the local Kakao and Cognito with their logs captured.
 *
 * @example
 * ```ts
 * const services = await startAuthServices();
 * afterAll(() => services.stop());
 * ```
 */
export async function startAuthServices(
  options: {
    cognito?: Parameters<typeof startLocalCognito>[0];
    kakao?: Parameters<typeof startLocalKakao>[0];
  } = {},
): Promise<AuthServices> {
  const logs = new LogCapture();
  const kakao = await startLocalKakao({ defaultAppId: APP_ID, log: logs.sink, ...options.kakao });
  const cognito = await startLocalCognito({ log: logs.sink, ...options.cognito });
  const cognitoClient = new CognitoIdentityClient(localClientConfig(cognito.endpoint, { maxAttempts: 1 }));
  return {
    kakao,
    cognito,
    cognitoClient,
    logs,
    async stop() {
      cognitoClient.destroy();
      await Promise.all([kakao.stop(), cognito.stop()]);
    },
  };
}

/** A `fetch` that counts requests per URL path (`/auth/kakao`, `/`), to see how many exchanges happened. */
export function countingFetch(inner: FetchLike = (input, init) => fetch(input, init)): {
  fetch: FetchLike;
  count(pathOrTarget: string): number;
} {
  const counts = new Map<string, number>();
  return {
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      const headers = new Headers(init?.headers);
      const key = headers.get('x-amz-target') ?? url.pathname;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return inner(input, init);
    },
    count: (key) => counts.get(key) ?? 0,
  };
}

/** An HTTP API (payload 2.0) event for the auth route. */
export function httpApiEvent(
  options: {
    body?: string | null;
    method?: string;
    headers?: Record<string, string>;
    isBase64Encoded?: boolean;
  } = {},
): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  return {
    version: '2.0',
    routeKey: `${method} /auth/kakao`,
    rawPath: '/auth/kakao',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method, path: '/auth/kakao', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'test-request',
      routeKey: `${method} /auth/kakao`,
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: options.isBase64Encoded ?? false,
    ...(options.body === null ? {} : { body: options.body ?? '' }),
  };
}

/** A REST API (payload 1.0) event for the auth route; REST APIs keep the client's header casing. */
export function restApiEvent(
  options: { body?: string | null; method?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEvent {
  const method = options.method ?? 'POST';
  return {
    resource: '/auth/kakao',
    path: '/auth/kakao',
    httpMethod: method,
    headers: { 'Content-Type': 'application/json', ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
      path: '/prod/auth/kakao',
      stage: 'prod',
      requestId: 'test-request',
      requestTimeEpoch: 0,
      resourceId: 'abc123',
      resourcePath: '/auth/kakao',
    },
    isBase64Encoded: false,
    body: options.body === undefined ? '' : options.body,
  };
}

/** The JSON body of a handler result. */
export function bodyOf<T = Record<string, unknown>>(result: { body: string }): T {
  return JSON.parse(result.body) as T;
}

/** Echoes the caller's identity, as an IAM-authorized route sees it. */
export async function echoIdentity(event: GatewayHttpEvent): Promise<HttpResult> {
  const iam = event.requestContext.authorizer?.iam;
  return jsonResponse(200, {
    identityId: iam?.cognitoIdentity?.identityId ?? null,
    identityPoolId: iam?.cognitoIdentity?.identityPoolId ?? null,
    amr: iam?.cognitoIdentity?.amr ?? null,
  });
}

/** The local Kakao and Cognito plus a local stack serving the auth handler and an IAM-authorized `/whoami`. */
export interface AuthStack extends AuthServices {
  stack: LocalStack;
  /** `<gateway>/auth/kakao`. */
  authEndpoint: string;
  /** `<gateway>/whoami` (IAM). */
  whoamiUrl: string;
}

/**
 * Starts {@link startAuthServices} and a local stack (reusing the run's DynamoDB and S3) with
 * `POST /auth/kakao` (the real handler) and `GET /whoami` (IAM-authorized by the local Cognito).
 *
 * @example
 * ```ts
 * const auth = await startAuthStack();
 * afterAll(() => auth.stop());
 * ```
 */
export async function startAuthStack(
  options: Parameters<typeof startAuthServices>[0] & { handler?: Partial<KakaoAuthHandlerOptions> } = {},
): Promise<AuthStack> {
  const services = await startAuthServices(options);
  try {
    const stack = await startLocalStack({
      services: { dynamodbEndpoint: inject('dynamodbEndpoint'), s3Endpoint: inject('s3Endpoint') },
      http: { authorizer: services.cognito.authorizer },
      functions: () => ({
        http: {
          'POST /auth/kakao': createKakaoAuthHandler({
            identityPoolId: POOL_ID,
            developerProviderName: PROVIDER,
            kakaoAppIds: [APP_ID],
            kakaoApiBaseUrl: services.kakao.endpoint,
            cognitoIdentityClient: services.cognitoClient,
            logger: services.logs.logger,
            ...options.handler,
          }),
          'GET /whoami': { handler: echoIdentity, auth: 'iam' },
        },
      }),
      log: services.logs.sink,
    });
    return {
      ...services,
      stack,
      authEndpoint: `${stack.endpoints.http}/auth/kakao`,
      whoamiUrl: `${stack.endpoints.http}/whoami`,
      async stop() {
        await stack.stop();
        await services.stop();
      },
    };
  } catch (error) {
    await services.stop();
    throw error;
  }
}

/** A session store in memory, as a game would pass over `localStorage` or a file. */
export class MemoryStorage implements AuthSessionStorage {
  readonly values = new Map<string, string>();
  get(key: string): string | undefined {
    return this.values.get(key);
  }
  set(key: string, value: string): void {
    this.values.set(key, value);
  }
  remove(key: string): void {
    this.values.delete(key);
  }
}
