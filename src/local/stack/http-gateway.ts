import type { S3Client } from '@aws-sdk/client-s3';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { LocalServiceError } from '../errors.js';
import { escapeControlCharacters } from './log-line.js';
import { cdnKey, fetchCdnObject, normalizeCdnPrefix } from './http/cdn.js';
import { applyCorsHeaders, isPreflight, preflightHeaders } from './http/cors.js';
import { authorizeIam } from './http/iam.js';
import { readBody } from './http/read-body.js';
import { type IamAuthorizerContext, buildHttpEvent, createGatewayRequestId } from './http/request-event.js';
import { type RequestTarget, parseRequestTarget } from './http/request-url.js';
import { type GatewayResponse, gatewayError, toGatewayResponse } from './http/response.js';
import { type RouteTable, compileRoutes, matchRoute } from './http/routes.js';
import { invokeFunction } from './invoke.js';
import type { LocalFunction, LocalHttpConfig, LocalHttpRoute } from './types.js';

/** Options of {@link startHttpGateway}: the stack's HTTP settings plus what the gateway needs to run. */
export interface HttpGatewayOptions extends LocalHttpConfig {
  /** Reads the CDN bucket's objects. Never destroyed by the gateway. */
  s3Client: S3Client;
  /** The stack's region. Payload format 2.0 events carry no region, so the gateway only keeps it for parity with
   * the other gateways. */
  region: string;
  /** One line per request (method, path, status, duration); bodies and credentials are never logged. */
  log: (line: string) => void;
}

/** A running HTTP gateway, see {@link startHttpGateway}. */
export interface HttpGateway {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** `${url}/cdn` (or the configured prefix) when `options.cdn` is set. */
  readonly cdnUrl?: string;
  /** Replaces the route table; requests already routed finish with the routes they matched. */
  setRoutes(routes: Record<string, LocalFunction | LocalHttpRoute>): void;
  /** Closes the server and every open connection; the port is free once it resolves. Safe to call twice. */
  stop(): Promise<void>;
}

/** The gateway's own answers, worded as an HTTP API words them. */
const NOT_FOUND = () => gatewayError(404, 'Not Found');
const FORBIDDEN = () => gatewayError(403, 'Forbidden');
const TOO_LARGE = () => gatewayError(413, 'Request Entity Too Large');
const INTERNAL_ERROR = () => gatewayError(500, 'Internal Server Error');
/**
 * A handler that throws or returns something that is not a response: an HTTP API answers 500
 * `{"message":"Internal Server Error"}` (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html).
 */
const INTEGRATION_ERROR = () => gatewayError(500, 'Internal Server Error');
/** A CDN key with a NUL, a control character or a broken percent-escape. */
const INVALID_KEY = () => gatewayError(400, 'Bad Request');
/** Logged (never sent) when the client went away before the answer: nginx's "client closed request". */
const CLIENT_CLOSED = 499;
/** The integration timed out: HTTP APIs answer 503 `{"message":"Service Unavailable"}` (REST APIs 504). */
const INTEGRATION_TIMEOUT = () => gatewayError(503, 'Service Unavailable');

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      reject(
        new LocalServiceError(
          'START_FAILED',
          `The HTTP gateway could not listen on 127.0.0.1:${port}: ${error.message}`,
          {
            cause: error,
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Writes a complete response unless the client is gone; `HEAD`, 204 and 304 answers carry no body. */
function send(res: ServerResponse, method: string, response: GatewayResponse, requestId: string): number {
  if (res.headersSent || res.destroyed || res.writableEnded) return response.statusCode;
  for (const [name, values] of response.headers)
    res.setHeader(name, values.length === 1 ? values[0]! : values);
  res.setHeader('apigw-requestid', requestId);
  const bodyless = response.statusCode === 204 || response.statusCode === 304 || response.statusCode < 200;
  // A HEAD answer from the CDN keeps the object's length; everything else is measured here.
  if (!bodyless && !response.headers.has('content-length'))
    res.setHeader('content-length', response.body.length);
  res.writeHead(response.statusCode);
  res.end(method === 'HEAD' || bodyless ? undefined : response.body);
  return response.statusCode;
}

function joinedHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (values) headers[name] = values.join(name === 'cookie' ? '; ' : ',');
  }
  return headers;
}

/**
 * Starts an HTTP gateway on 127.0.0.1 that behaves like an API Gateway HTTP API with Lambda proxy integrations
 * (payload format 2.0): route keys such as `'GET /scores'`, `'ANY /items/{id}'`, `'/files/{proxy+}'` and
 * `'$default'` (most specific wins, else 404), API Gateway's events and result mapping (500 when a handler throws
 * or returns a malformed result, 503 when it times out, 413 over 10 MB), CORS preflights answered by the gateway,
 * IAM routes authorized by `options.authorizer`, and an optional CDN route streaming objects of a bucket. Requests
 * and invocations run concurrently; nothing a handler does can crash the gateway.
 *
 * @throws {LocalServiceError} `START_FAILED` when the port cannot be bound.
 * @example
 * ```ts
 * import { startHttpGateway } from './http-gateway.js'; // used by startLocalStack
 *
 * const gateway = await startHttpGateway({ s3Client, region: 'ap-northeast-2', log: console.log,
 *   cors: { allowOrigins: ['*'] }, cdn: { bucket: 'patches' } });
 * gateway.setRoutes({ 'GET /hello': async () => ({ statusCode: 200, body: 'hi' }) });
 * console.log(await (await fetch(`${gateway.url}/hello`)).text());
 * await gateway.stop();
 * ```
 */
export async function startHttpGateway(options: HttpGatewayOptions): Promise<HttpGateway> {
  const { cors, s3Client } = options;
  /** Every line escaped: a request can never write a NUL or start a forged line in the log. */
  const log = (line: string): void => options.log(escapeControlCharacters(line));
  if (cors && !Array.isArray(cors.allowOrigins)) {
    throw new LocalServiceError('INVALID_OPTIONS', 'http.cors.allowOrigins must be an array of origins.');
  }
  const cdn = options.cdn
    ? { bucket: options.cdn.bucket, prefix: normalizeCdnPrefix(options.cdn.pathPrefix) }
    : undefined;
  let table: RouteTable = compileRoutes({});
  const inflight = new Set<AbortController>();

  const finish = (
    req: IncomingMessage,
    res: ServerResponse,
    response: GatewayResponse,
    requestId: string,
  ) => {
    if (cors) applyCorsHeaders(cors, req.headers.origin, response.headers);
    return send(res, (req.method ?? 'GET').toUpperCase(), response, requestId);
  };

  async function serveCdn(
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    key: string,
    target: RequestTarget,
    requestId: string,
  ): Promise<number> {
    const controller = new AbortController();
    inflight.add(controller);
    res.once('close', () => controller.abort());
    try {
      const versionId = new URLSearchParams(target.rawQueryString).get('versionId') ?? undefined;
      const method = req.method?.toUpperCase() === 'HEAD' ? 'HEAD' : 'GET';
      const answer = await fetchCdnObject({
        s3Client,
        bucket,
        key,
        method,
        headers: req.headers,
        ...(versionId ? { versionId } : {}),
        signal: controller.signal,
      });
      if (answer.errorMessage !== undefined) {
        const error = gatewayError(answer.statusCode, answer.errorMessage);
        for (const [name, values] of answer.headers) error.headers.set(name, values);
        if (answer.statusCode >= 500) log(`HTTP CDN ${bucket}/${key}: the S3 server failed`);
        return finish(req, res, error, requestId);
      }
      if (!answer.body || method === 'HEAD') {
        answer.body?.destroy();
        return finish(
          req,
          res,
          { statusCode: answer.statusCode, headers: answer.headers, body: Buffer.alloc(0) },
          requestId,
        );
      }
      if (res.destroyed) {
        answer.body.destroy();
        return answer.statusCode;
      }
      if (cors) applyCorsHeaders(cors, req.headers.origin, answer.headers);
      for (const [name, values] of answer.headers)
        res.setHeader(name, values.length === 1 ? values[0]! : values);
      res.setHeader('apigw-requestid', requestId);
      res.writeHead(answer.statusCode);
      await pipeline(answer.body, res).catch(() => {
        // The client went away or the S3 stream broke: the connection is closed either way.
        res.destroy();
      });
      return answer.statusCode;
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      // The client left (or the gateway is stopping) while S3 was answering.
      res.destroy();
      return CLIENT_CLOSED;
    } finally {
      inflight.delete(controller);
    }
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    target: RequestTarget,
    requestId: string,
  ): Promise<number> {
    const method = (req.method ?? 'GET').toUpperCase();
    const timeEpoch = Date.now();

    if (cors && isPreflight(method, req.headers)) {
      return send(
        res,
        method,
        { statusCode: 204, headers: preflightHeaders(cors, req.headers), body: Buffer.alloc(0) },
        requestId,
      );
    }
    if (cdn && (method === 'GET' || method === 'HEAD')) {
      const key = cdnKey(cdn.prefix, target.encodedPath);
      if (key === null) return finish(req, res, INVALID_KEY(), requestId);
      if (key !== undefined) return serveCdn(req, res, cdn.bucket, key, target, requestId);
    }

    const match = matchRoute(table, method, target.segments);
    if (!match) return finish(req, res, NOT_FOUND(), requestId);

    const body = await readBody(req);
    if (body.status === 'too-large') {
      res.setHeader('connection', 'close');
      return finish(req, res, TOO_LARGE(), requestId);
    }
    if (body.status === 'aborted') {
      res.destroy();
      return CLIENT_CLOSED;
    }

    let identity: IamAuthorizerContext['iam'] | undefined;
    if (match.route.auth === 'iam') {
      const decision = await authorizeIam(options.authorizer, {
        method,
        path: target.encodedPath,
        headers: joinedHeaders(req),
        rawQueryString: target.rawQueryString,
        body: body.body,
      });
      if (decision.status === 'forbidden') return finish(req, res, FORBIDDEN(), requestId);
      if (decision.status === 'failed') {
        log(`HTTP ${method} ${target.encodedPath}: IAM authorizer failed: ${decision.reason}`);
        return finish(req, res, INTERNAL_ERROR(), requestId);
      }
      identity = decision.identity;
    }

    const event = buildHttpEvent({
      request: req,
      target,
      match,
      body: body.body,
      requestId,
      timeEpoch,
      identity,
    });
    const outcome = await invokeFunction(match.route.fn, event, log);
    if (outcome.status === 'timeout') return finish(req, res, INTEGRATION_TIMEOUT(), requestId);
    if (outcome.status === 'error') return finish(req, res, INTEGRATION_ERROR(), requestId);
    let response: ReturnType<typeof toGatewayResponse>;
    try {
      response = toGatewayResponse(outcome.result);
    } catch (error) {
      response = { malformed: describeError(error) };
    }
    if ('malformed' in response) {
      log(`HTTP ${method} ${target.encodedPath}: malformed Lambda proxy response: ${response.malformed}`);
      return finish(req, res, INTEGRATION_ERROR(), requestId);
    }
    return finish(req, res, response, requestId);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = createGatewayRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const target = parseRequestTarget(req.url);
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    let status: number;
    try {
      status = await route(req, res, target, requestId);
    } catch (error) {
      log(`HTTP ${method} ${target.encodedPath}: gateway error: ${describeError(error)}`);
      try {
        status = finish(req, res, INTERNAL_ERROR(), requestId);
      } catch {
        res.destroy();
        status = 500;
      }
    }
    log(`HTTP ${method} ${target.encodedPath} ${status} ${(performance.now() - started).toFixed(1)} ms`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  const port = await listen(server, options.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;

  return {
    url,
    port,
    ...(cdn ? { cdnUrl: `${url}${cdn.prefix}` } : {}),
    setRoutes(routes) {
      table = compileRoutes(routes);
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        for (const controller of inflight) controller.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
