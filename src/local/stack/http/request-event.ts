import type { APIGatewayEventRequestContextV2, APIGatewayProxyEventV2WithRequestContext } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LocalIamIdentity } from '../types.js';
import type { RequestTarget } from './request-url.js';
import type { RouteMatch } from './routes.js';

/** Account id the local stack reports everywhere (as `invokedFunctionArn` does). */
export const LOCAL_ACCOUNT_ID = '000000000000';
/** The `apiId` of the local HTTP API. */
export const LOCAL_API_ID = 'local';

/** What an IAM-authorized route finds in `requestContext.authorizer.iam`, every field present as in AWS. */
export interface IamAuthorizerContext {
  iam: Required<Pick<LocalIamIdentity, 'accessKey' | 'accountId' | 'callerId' | 'userArn' | 'userId'>> & {
    principalOrgId: string | null;
    cognitoIdentity: { amr: string[]; identityId: string; identityPoolId: string } | null;
  };
}

/** The request context the gateway builds: API Gateway's v2 context, plus the IAM authorizer on IAM routes. */
export type GatewayRequestContext = APIGatewayEventRequestContextV2 & { authorizer?: IamAuthorizerContext };

/** The event an HTTP route's handler receives (payload format 2.0). */
export type GatewayHttpEvent = APIGatewayProxyEventV2WithRequestContext<GatewayRequestContext>;

/** Media types an HTTP API passes as text; every other declared type is base64-encoded. */
const TEXT_TYPE =
  /^(?:text\/|application\/(?:json|javascript|ecmascript|xml|x-www-form-urlencoded|graphql|x-ndjson|ld\+json|yaml|x-yaml)\b|[a-z]+\/[^;]*\+(?:json|xml)\b)/i;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A request body as API Gateway hands it over: text for textual content types, base64 for binary types and for
 * bytes that are not valid UTF-8. An empty body is omitted.
 *
 * @example
 * ```ts
 * encodeBody(Buffer.from([0xff]), 'application/octet-stream'); // { body: '/w==', isBase64Encoded: true }
 * ```
 */
export function encodeBody(
  bytes: Buffer,
  contentType: string | undefined,
): { body: string | undefined; isBase64Encoded: boolean } {
  if (bytes.length === 0) return { body: undefined, isBase64Encoded: false };
  const declaredBinary =
    contentType !== undefined && contentType.trim() !== '' && !TEXT_TYPE.test(contentType.trim());
  if (!declaredBinary) {
    try {
      return { body: utf8.decode(bytes), isBase64Encoded: false };
    } catch {
      // Not UTF-8: fall through to base64.
    }
  }
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

/**
 * Request headers as payload format 2.0 carries them: lower-case names, repeated headers joined with `,`, the
 * `cookie` header moved to `cookies`.
 *
 * @example
 * ```ts
 * const { headers, cookies } = collectHeaders(req.headersDistinct);
 * ```
 */
export function collectHeaders(distinct: Record<string, string[] | undefined>): {
  headers: Record<string, string>;
  cookies: string[] | undefined;
} {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, values] of Object.entries(distinct)) {
    if (!values) continue;
    if (name === 'cookie') {
      for (const value of values) {
        cookies.push(
          ...value
            .split(';')
            .map((cookie) => cookie.trim())
            .filter((cookie) => cookie !== ''),
        );
      }
      continue;
    }
    headers[name.toLowerCase()] = values.join(',');
  }
  return { headers, cookies: cookies.length > 0 ? cookies : undefined };
}

/**
 * Query parameters as payload format 2.0 carries them: decoded, repeated keys joined with `,`; `undefined`
 * when the query string is empty.
 *
 * @example
 * ```ts
 * parseQuery('tag=a&tag=b&q=%ED%95%9C'); // { tag: 'a,b', q: '한' }
 * ```
 */
export function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    parameters[key] = key in parameters ? `${parameters[key]},${value}` : value;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Formats a time as `requestContext.time` shows it: `12/Mar/2020:19:03:58 +0000`.
 *
 * @example
 * ```ts
 * formatRequestTime(Date.UTC(2020, 2, 12, 19, 3, 58)); // '12/Mar/2020:19:03:58 +0000'
 * ```
 */
export function formatRequestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()] ?? 'Jan'}/${date.getUTCFullYear()}:${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * A request id shaped like API Gateway's (`JKJaXmPLvHcESHA=`), also sent back as `apigw-requestid`.
 *
 * @example
 * ```ts
 * const requestId = createGatewayRequestId();
 * ```
 */
export function createGatewayRequestId(): string {
  return randomBytes(11).toString('base64');
}

function traceId(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

/** What {@link buildHttpEvent} needs besides the route match. */
export interface HttpEventInput {
  readonly request: IncomingMessage;
  readonly target: RequestTarget;
  readonly match: RouteMatch;
  readonly body: Buffer;
  readonly requestId: string;
  readonly timeEpoch: number;
  readonly identity?: IamAuthorizerContext['iam'];
}

/**
 * Turns a request into the API Gateway HTTP API event (payload format 2.0) its route's handler receives, with
 * the headers API Gateway adds (`x-forwarded-for`, `-port`, `-proto`, `x-amzn-trace-id`).
 *
 * @example
 * ```ts
 * const event = buildHttpEvent({ request: req, target, match, body, requestId, timeEpoch: Date.now() });
 * ```
 */
export function buildHttpEvent(input: HttpEventInput): GatewayHttpEvent {
  const { request, target, match, requestId, timeEpoch } = input;
  const { headers, cookies } = collectHeaders(request.headersDistinct);
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-port'] = String(request.socket.localPort ?? '');
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= traceId(timeEpoch);
  const domainName = headers.host ?? `127.0.0.1:${request.socket.localPort ?? ''}`;
  const { body, isBase64Encoded } = encodeBody(input.body, headers['content-type']);
  const queryStringParameters = parseQuery(target.rawQueryString);
  const requestContext: GatewayRequestContext = {
    accountId: LOCAL_ACCOUNT_ID,
    apiId: LOCAL_API_ID,
    domainName,
    domainPrefix: domainName.split('.')[0]?.split(':')[0] ?? domainName,
    http: {
      method: (request.method ?? 'GET').toUpperCase(),
      path: target.path,
      protocol: `HTTP/${request.httpVersion}`,
      sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId,
    routeKey: match.route.routeKey,
    stage: '$default',
    time: formatRequestTime(timeEpoch),
    timeEpoch,
    ...(input.identity ? { authorizer: { iam: input.identity } } : {}),
  };
  return {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: target.path,
    rawQueryString: target.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext,
    ...(body !== undefined ? { body } : {}),
    ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
    isBase64Encoded,
  };
}
