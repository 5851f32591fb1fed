import type { Context } from 'aws-lambda';
import type { KeyDefinition, TableDefinition } from '../../core/table-definition.js';
import type { LocalCognito, LocalCognitoOptions } from '../auth/cognito-server.js';
import type { LocalKakao, LocalKakaoOptions } from '../auth/kakao-server.js';
import type { LocalAwsClients } from '../clients.js';
import type { DynamoDbLocalOptions } from '../dynamodb-local.js';
import type { S3LocalOptions } from '../s3-local.js';

export type { IndexDefinition, KeyDefinition, TableDefinition } from '../../core/table-definition.js';

/**
 * Any Lambda handler: `(event, context) => result | Promise<result>`. Callback-style handlers are not
 * supported (Node.js 24 Lambda runtimes dropped them too).
 */
export type LocalHandler<Event = never, Result = unknown> = (
  event: Event,
  context: Context,
) => Result | Promise<Result>;

/** A handler plus how to run it. A bare function means `{ handler }` with the defaults. */
export interface LocalFunctionDefinition<Event = never, Result = unknown> {
  handler: LocalHandler<Event, Result>;
  /** Shown in logs and as `context.functionName`; default: derived from the route. */
  name?: string;
  /** Invocation timeout; default 30 000 ms for HTTP routes (API Gateway's own limit is 30 s), 29 000 ms for WebSocket routes. */
  timeoutMs?: number;
}

/** A handler or its definition. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each gateway builds its own event type.
export type LocalFunction = LocalHandler<any, any> | LocalFunctionDefinition<any, any>;

/** A DynamoDB table the stack creates at start: the modules' own {@link TableDefinition}. */
export type LocalTable = TableDefinition;

/** A key attribute: name and DynamoDB scalar type ({@link KeyDefinition}). */
export type LocalKey = KeyDefinition;

/** CORS settings of the HTTP gateway, as in an HTTP API's `CorsConfiguration`. */
export interface LocalCorsConfig {
  allowOrigins: string[];
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  allowCredentials?: boolean;
  maxAgeSeconds?: number;
}

/** The identity an IAM-authorized HTTP route sees in `requestContext.authorizer.iam`. */
export interface LocalIamIdentity {
  accessKey: string;
  accountId: string;
  callerId: string;
  userArn: string;
  userId: string;
  principalOrgId?: string | null;
  cognitoIdentity?: {
    amr: string[];
    identityId: string;
    identityPoolId: string;
  } | null;
}

/**
 * Resolves the caller of an IAM-authorized route from the request (its SigV4 `Authorization` header, or a bearer
 * credential). Return `undefined` to refuse the request with 403, as API Gateway does.
 */
export type LocalIamAuthorizer = (request: {
  method: string;
  /** The path as sent (still URL-encoded), as SigV4 signs it. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The query string as sent, without `?`. */
  rawQueryString: string;
  /** The request body's bytes (SigV4 signs their hash). */
  body: Uint8Array;
}) => LocalIamIdentity | undefined | Promise<LocalIamIdentity | undefined>;

/** One HTTP route: a function, and whether it needs IAM authorization. */
export interface LocalHttpRoute extends LocalFunctionDefinition {
  /** `'iam'`: the request must be authorized by {@link LocalHttpConfig.authorizer}. Default `'none'`. */
  auth?: 'none' | 'iam';
}

/** HTTP gateway settings (everything but the routes, which come from {@link LocalStackConfig.functions}). */
export interface LocalHttpConfig {
  /** Default: a free port. */
  port?: number;
  cors?: LocalCorsConfig;
  authorizer?: LocalIamAuthorizer;
  /** Serve this bucket's objects at `GET|HEAD /cdn/{key}` like a CDN (Range, ETag, Cache-Control). */
  cdn?: { bucket: string; pathPrefix?: string };
}

/** WebSocket gateway settings. */
export interface LocalWebSocketConfig {
  port?: number;
  /** Default `'local'`; the management endpoint is `POST /{stage}/@connections/{id}`. */
  stage?: string;
  /** Default `'$request.body.action'`. */
  routeSelectionExpression?: string;
  /** API Gateway's limits, shortened in tests: default idle 10 min, lifetime 2 h, frame 32 KB, message 128 KB. */
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
  maxFrameBytes?: number;
  maxMessageBytes?: number;
  /** How often the gateway pings each client to notice dropped sockets; default 30 000 ms. */
  heartbeatIntervalMs?: number;
  /**
   * Route keys set up for two-way communication (API Gateway's `$default` route response): a non-empty `body`
   * their handler returns is sent back to the caller. Every other route is one-way, as in API Gateway without a
   * route response: the handler's result is dropped (errors still reach the caller). Default: none.
   */
  twoWayRoutes?: readonly string[];
}

/** A Lambda subscribed to a table's stream, as an event source mapping. */
export interface LocalStreamSubscription {
  table: string;
  function: LocalFunction;
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Default 100 (Lambda's default for DynamoDB streams). */
  batchSize?: number;
  /** Wait up to this long to fill a batch; default 0 (Lambda's `MaximumBatchingWindowInSeconds`). */
  maximumBatchingWindowMs?: number;
  /** Retries of a failed batch before it is skipped; default -1 = until the record expires (Lambda's default). */
  maximumRetryAttempts?: number;
  /** Honour `batchItemFailures` in the handler's result (`FunctionResponseTypes: ['ReportBatchItemFailures']`). */
  reportBatchItemFailures?: boolean;
  /** Split a failing batch in two and retry each half (Lambda's `BisectBatchOnFunctionError`). */
  bisectBatchOnFunctionError?: boolean;
  /** Poll interval when the shard is idle; default 250 ms. */
  pollIntervalMs?: number;
}

/** The functions of the stack, built once the endpoints are known. */
export interface LocalFunctions {
  /** Route key → function: `'GET /scoreboard'`, `'POST /auth/kakao'`, `'ANY /items/{id}'`, `'$default'`. */
  http?: Record<string, LocalFunction | LocalHttpRoute>;
  /** Route key → function: `'$connect'`, `'$disconnect'`, `'$default'`, or an action name. */
  websocket?: Record<string, LocalFunction>;
  streams?: LocalStreamSubscription[];
}

/** What the stack has started, handed to {@link LocalStackConfig.functions} and returned by `startLocalStack`. */
export interface LocalStackEnvironment {
  region: string;
  endpoints: {
    dynamodb: string;
    s3: string;
    /** Base URL of the HTTP gateway, e.g. `http://127.0.0.1:4010`. */
    http: string;
    /** `ws://127.0.0.1:4011` (clients add `?query`). */
    websocket: string;
    /** The `@connections` management endpoint for `ApiGatewayManagementApiClient`, e.g. `http://127.0.0.1:4011/local`. */
    connections: string;
    /** Base URL of the CDN route, when configured: `http://127.0.0.1:4010/cdn`. */
    cdn?: string;
    /** Base URL of the local Kakao API (`kakaoApiBaseUrl`), when `identity.kakao` is on. */
    kakao?: string;
    /** The local Cognito Identity endpoint, when `identity.cognito` is on. */
    cognito?: string;
  };
  /** The local identity providers, when configured: mint Kakao tokens, look up identities. */
  identity: { kakao?: LocalKakao; cognito?: LocalCognito };
  /** Real AWS SDK clients pointed at the local services. */
  clients: LocalAwsClients;
  /** Stream ARN per table that has a stream. */
  streamArns: Record<string, string>;
  /** The stack's log (see {@link LocalStackConfig.log}), for handlers built in `functions`. */
  log: (line: string) => void;
}

/** Everything `startLocalStack` runs. */
export interface LocalStackConfig {
  tables?: LocalTable[];
  buckets?: string[];
  http?: LocalHttpConfig;
  websocket?: LocalWebSocketConfig;
  /** Builds the functions once the endpoints exist (handlers need table names and endpoints). */
  functions?: (environment: LocalStackEnvironment) => LocalFunctions | Promise<LocalFunctions>;
  /**
   * Local identity providers: a Kakao token-info API and a Cognito Identity endpoint. With `cognito` on and no
   * `http.authorizer`, IAM-authorized routes accept requests signed with the credentials it issues.
   */
  identity?: { kakao?: boolean | LocalKakaoOptions; cognito?: boolean | LocalCognitoOptions };
  /**
   * Reuse running services instead of starting new ones (e.g. the test run's global ones). The environment
   * variables `SGK_LOCAL_DYNAMODB_ENDPOINT` and `SGK_LOCAL_S3_ENDPOINT` do the same when these are not set.
   */
  services?: {
    dynamodbEndpoint?: string;
    s3Endpoint?: string;
    dynamodb?: DynamoDbLocalOptions;
    s3?: S3LocalOptions;
  };
  /** One line per invocation and per lifecycle event; default `console.log`. Pass `() => {}` to silence. */
  log?: (line: string) => void;
}
