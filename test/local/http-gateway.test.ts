import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServiceError } from '../../src/local/errors.js';
import type { HttpGateway } from '../../src/local/stack/http-gateway.js';
import { escapeControlCharacters } from '../../src/local/stack/log-line.js';
import type { LocalIamIdentity } from '../../src/local/stack/types.js';
import { localAws, uniqueName } from '../support/aws.js';
import { rawRequest, recordingHandler, startTestGateway, tryConnect } from './fixtures/http-gateway.js';

const aws = localAws();
afterAll(() => aws.destroy());

/** A promise that settles only when `release()` is called: a handler that hangs for as long as a test needs. */
function hold(): { held: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { held, release };
}

describe('HTTP gateway routing', () => {
  let gateway: HttpGateway;
  beforeAll(async () => {
    ({ gateway } = await startTestGateway(aws.s3));
  });
  afterAll(() => gateway.stop());

  it('invokes the handler of the route matching the method and path', async () => {
    const scores = recordingHandler(() => ({ route: 'scores' }));
    gateway.setRoutes({ 'GET /scoreboard': scores.handler, 'POST /scoreboard': () => ({ route: 'post' }) });

    const response = await fetch(`${gateway.url}/scoreboard`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ route: 'scores' });
    expect(scores.events[0]?.routeKey).toBe('GET /scoreboard');
  });

  it('prefers a literal segment over a path parameter and a path parameter over a greedy variable', async () => {
    gateway.setRoutes({
      'GET /items/{proxy+}': () => 'greedy',
      'GET /items/{id}': () => 'param',
      'GET /items/special': () => 'literal',
    });

    const bodies = await Promise.all(
      ['/items/special', '/items/42', '/items/a/b'].map(async (path) =>
        (await fetch(`${gateway.url}${path}`)).text(),
      ),
    );

    expect(bodies).toEqual(['literal', 'param', 'greedy']);
  });

  it('prefers a route with a named method over an ANY route', async () => {
    gateway.setRoutes({ 'ANY /things': () => 'any', 'DELETE /things': () => 'delete' });

    const deleted = await (await fetch(`${gateway.url}/things`, { method: 'DELETE' })).text();
    const patched = await (await fetch(`${gateway.url}/things`, { method: 'PATCH' })).text();

    expect([deleted, patched]).toEqual(['delete', 'any']);
  });

  it('passes URL-decoded path parameters', async () => {
    const items = recordingHandler();
    gateway.setRoutes({ 'ANY /items/{id}': items.handler });

    await fetch(`${gateway.url}/items/${encodeURIComponent('점수 1')}`, { method: 'PUT' });

    expect(items.events[0]?.pathParameters).toEqual({ id: '점수 1' });
    expect(items.events[0]?.rawPath).toBe('/items/점수 1');
  });

  it('captures the rest of the path in a greedy variable', async () => {
    const files = recordingHandler();
    gateway.setRoutes({ '/files/{proxy+}': files.handler });

    await fetch(`${gateway.url}/files/patches/v2/game.pak`);

    expect(files.events[0]?.pathParameters).toEqual({ proxy: 'patches/v2/game.pak' });
    expect(files.events[0]?.routeKey).toBe('/files/{proxy+}');
  });

  it('sends unmatched requests to the $default route', async () => {
    const fallback = recordingHandler(() => 'fallback');
    gateway.setRoutes({ 'GET /known': () => 'known', $default: fallback.handler });

    const response = await fetch(`${gateway.url}/unknown/path`, { method: 'POST' });

    expect(await response.text()).toBe('fallback');
    expect(fallback.events[0]?.routeKey).toBe('$default');
    expect(fallback.events[0]?.pathParameters).toBeUndefined();
  });

  it('answers 404 Not Found when no route matches', async () => {
    gateway.setRoutes({ 'GET /known': () => 'known' });

    const wrongPath = await fetch(`${gateway.url}/unknown`);
    const wrongMethod = await fetch(`${gateway.url}/known`, { method: 'POST', body: 'x' });

    expect([wrongPath.status, wrongMethod.status]).toEqual([404, 404]);
    expect(await wrongPath.json()).toEqual({ message: 'Not Found' });
  });

  it('rejects malformed route keys when routes are set', () => {
    expect(() => gateway.setRoutes({ 'FETCH /x': () => 'x' })).toThrow(LocalServiceError);
    expect(() => gateway.setRoutes({ 'GET /{proxy+}/tail': () => 'x' })).toThrow(/greedy/);
    expect(() => gateway.setRoutes({ 'GET /x': { handler: 'not a function' } as never })).toThrow(/handler/);
  });
});

describe('HTTP gateway events', () => {
  let gateway: HttpGateway;
  beforeAll(async () => {
    ({ gateway } = await startTestGateway(aws.s3));
  });
  afterAll(() => gateway.stop());

  it('builds a payload format 2.0 event with the request context API Gateway sends', async () => {
    const scores = recordingHandler();
    gateway.setRoutes({ 'GET /scores/{board}': scores.handler });

    await fetch(`${gateway.url}/scores/weekly`, { headers: { 'User-Agent': 'game-client/1.0' } });

    const event = scores.events[0]!;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /scores/{board}',
      rawPath: '/scores/weekly',
      rawQueryString: '',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: expect.any(String),
        domainName: `127.0.0.1:${gateway.port}`,
        domainPrefix: '127',
        http: {
          method: 'GET',
          path: '/scores/weekly',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'game-client/1.0',
        },
        requestId: expect.any(String),
        routeKey: 'GET /scores/{board}',
        stage: '$default',
        time: expect.stringMatching(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
        timeEpoch: expect.any(Number),
      },
    });
    expect(event.body).toBeUndefined();
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.cookies).toBeUndefined();
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('lower-cases header names and joins repeated headers with commas', async () => {
    const echo = recordingHandler();
    gateway.setRoutes({ 'GET /headers': echo.handler });

    const response = await rawRequest(gateway.port, [
      'GET /headers HTTP/1.1',
      'Host: localhost',
      'X-Player-Id: p1',
      'X-Tag: a',
      'X-Tag: b',
    ]);

    expect(response.status).toBe(200);
    expect(echo.events[0]?.headers).toMatchObject({ 'x-player-id': 'p1', 'x-tag': 'a,b', host: 'localhost' });
    expect(Object.keys(echo.events[0]?.headers ?? {}).every((name) => name === name.toLowerCase())).toBe(
      true,
    );
  });

  it('moves cookies from the Cookie headers to the cookies array', async () => {
    const echo = recordingHandler();
    gateway.setRoutes({ 'GET /cookies': echo.handler });

    await rawRequest(gateway.port, [
      'GET /cookies HTTP/1.1',
      'Host: localhost',
      'Cookie: session=abc; theme=dark',
      'Cookie: lang=ko',
    ]);

    expect(echo.events[0]?.cookies).toEqual(['session=abc', 'theme=dark', 'lang=ko']);
    expect(echo.events[0]?.headers.cookie).toBeUndefined();
  });

  it('joins repeated query parameters with commas and keeps the raw query string', async () => {
    const search = recordingHandler();
    gateway.setRoutes({ 'GET /search': search.handler });

    await fetch(`${gateway.url}/search?tag=a&tag=b&q=${encodeURIComponent('한글')}`);

    expect(search.events[0]?.queryStringParameters).toEqual({ tag: 'a,b', q: '한글' });
    expect(search.events[0]?.rawQueryString).toBe('tag=a&tag=b&q=%ED%95%9C%EA%B8%80');
  });

  it('passes a JSON body as text', async () => {
    const submit = recordingHandler();
    gateway.setRoutes({ 'POST /scores': submit.handler });

    await fetch(`${gateway.url}/scores`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ score: 10, name: '플레이어' }),
    });

    expect(submit.events[0]?.isBase64Encoded).toBe(false);
    expect(JSON.parse(submit.events[0]?.body ?? '')).toEqual({ score: 10, name: '플레이어' });
  });

  it('base64-encodes a binary body, and a base64 result comes back byte for byte', async () => {
    const payload = randomBytes(4096);
    const echo = recordingHandler((event) => ({
      statusCode: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: event.body,
      isBase64Encoded: true,
    }));
    gateway.setRoutes({ 'POST /upload': echo.handler });

    const response = await fetch(`${gateway.url}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: payload,
    });

    expect(echo.events[0]?.isBase64Encoded).toBe(true);
    expect(Buffer.from(echo.events[0]?.body ?? '', 'base64').equals(payload)).toBe(true);
    expect(Buffer.from(await response.arrayBuffer()).equals(payload)).toBe(true);
  });

  it('base64-encodes a body that is not valid UTF-8 even with a text content type', async () => {
    const echo = recordingHandler();
    gateway.setRoutes({ 'POST /text': echo.handler });

    await fetch(`${gateway.url}/text`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from([0xff, 0xfe, 0x00, 0x41]),
    });

    expect(echo.events[0]).toMatchObject({
      isBase64Encoded: true,
      body: Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString('base64'),
    });
  });

  it('answers 413 for a body over 10 MB without invoking the handler', async () => {
    const upload = recordingHandler();
    gateway.setRoutes({ 'POST /upload': upload.handler });

    const response = await fetch(`${gateway.url}/upload`, {
      method: 'POST',
      body: Buffer.alloc(10 * 1024 * 1024 + 1),
    });

    expect(response.status).toBe(413);
    expect(upload.events).toHaveLength(0);
  });
});

describe('HTTP gateway results', () => {
  let gateway: HttpGateway;
  let logs: string[];
  beforeAll(async () => {
    ({ gateway, logs } = await startTestGateway(aws.s3));
  });
  afterAll(() => gateway.stop());

  it('answers a result without statusCode as 200 JSON', async () => {
    gateway.setRoutes({ 'GET /plain': () => ({ top: [1, 2] }) });

    const response = await fetch(`${gateway.url}/plain`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ top: [1, 2] });
  });

  it('answers a string result as it is, with a JSON content type', async () => {
    gateway.setRoutes({ 'GET /string': () => 'hello' });

    const response = await fetch(`${gateway.url}/string`);

    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('hello');
  });

  it('applies a structured result: status, headers, multi-value headers and cookies', async () => {
    gateway.setRoutes({
      'POST /session': () => ({
        statusCode: 201,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Count': 3 },
        multiValueHeaders: { 'X-Region': ['kr', 'jp'] },
        cookies: ['session=abc; HttpOnly', 'theme=dark'],
        body: '생성됨',
      }),
    });

    const response = await fetch(`${gateway.url}/session`, { method: 'POST' });

    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-count')).toBe('3');
    expect(response.headers.get('x-region')).toBe('kr, jp');
    expect(response.headers.getSetCookie()).toEqual(['session=abc; HttpOnly', 'theme=dark']);
    expect(await response.text()).toBe('생성됨');
  });

  it('answers 500 {"message":"Internal Server Error"} when the handler throws, as an HTTP API does, and keeps serving', async () => {
    gateway.setRoutes({
      'GET /boom': () => {
        throw new Error('boom');
      },
      'GET /fine': () => 'fine',
    });

    const failed = await fetch(`${gateway.url}/boom`);
    const next = await fetch(`${gateway.url}/fine`);

    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    expect(await next.text()).toBe('fine');
  });

  it('answers 500 for a malformed result', async () => {
    gateway.setRoutes({
      'GET /bad-status': () => ({ statusCode: '200', body: 'x' }),
      'GET /bad-body': () => ({ statusCode: 200, body: { not: 'a string' } }),
      'GET /bad-header': () => ({ statusCode: 200, headers: { 'x-bad': 'line\r\nbreak' } }),
    });

    const statuses = await Promise.all(
      ['/bad-status', '/bad-body', '/bad-header'].map(
        async (path) => (await fetch(`${gateway.url}${path}`)).status,
      ),
    );

    expect(statuses).toEqual([500, 500, 500]);
  });

  it('answers 503 Service Unavailable when the handler times out', async () => {
    const handler = hold();
    gateway.setRoutes({ 'GET /slow': { handler: () => handler.held.then(() => 'late'), timeoutMs: 100 } });

    const response = await fetch(`${gateway.url}/slow`).finally(handler.release);

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: 'Service Unavailable' });
  });

  it('runs requests concurrently', async () => {
    let arrived = 0;
    let releaseAll: () => void = () => undefined;
    const bothArrived = new Promise<void>((resolve) => (releaseAll = resolve));
    gateway.setRoutes({
      'GET /meet': async () => {
        arrived += 1;
        if (arrived === 2) releaseAll();
        await bothArrived;
        return 'met';
      },
    });

    const responses = await Promise.all([fetch(`${gateway.url}/meet`), fetch(`${gateway.url}/meet`)]);

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
  });

  it('logs one line per request with method, path and status, never the body or credentials', async () => {
    gateway.setRoutes({ 'POST /login': () => 'ok' });
    const before = logs.length;

    await fetch(`${gateway.url}/login?token=query-secret`, {
      method: 'POST',
      headers: { authorization: 'Bearer header-secret' },
      body: 'password=body-secret',
    });

    const lines = logs.slice(before).filter((line) => line.startsWith('HTTP '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^HTTP POST \/login 200 \d+\.\d ms$/);
    expect(logs.slice(before).join('\n')).not.toMatch(/secret/);
  });
});

describe('HTTP gateway CORS', () => {
  let gateway: HttpGateway;
  beforeAll(async () => {
    ({ gateway } = await startTestGateway(aws.s3, {
      cors: {
        allowOrigins: ['https://game.example', 'https://*.preview.example'],
        allowMethods: ['GET', 'POST'],
        allowHeaders: ['content-type', 'authorization'],
        exposeHeaders: ['x-request-id'],
        allowCredentials: true,
        maxAgeSeconds: 600,
      },
    }));
  });
  afterAll(() => gateway.stop());

  it('answers a preflight itself without invoking the handler', async () => {
    const any = recordingHandler();
    gateway.setRoutes({ 'ANY /scores': any.handler });

    const response = await fetch(`${gateway.url}/scores`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://game.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

    expect(response.status).toBe(204);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'access-control-allow-origin': 'https://game.example',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'content-type,authorization',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '600',
    });
    expect(any.events).toHaveLength(0);
  });

  it('adds the CORS headers to the response for an allowed origin', async () => {
    gateway.setRoutes({
      'GET /scores': () => ({
        statusCode: 200,
        headers: { 'access-control-allow-origin': 'https://evil.example' },
        body: '[]',
      }),
    });

    const response = await fetch(`${gateway.url}/scores`, {
      headers: { origin: 'https://pr-7.preview.example' },
    });

    expect(response.headers.get('access-control-allow-origin')).toBe('https://pr-7.preview.example');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id');
  });

  it('adds no CORS headers for an origin that is not allowed', async () => {
    gateway.setRoutes({ 'GET /scores': () => '[]' });

    const response = await fetch(`${gateway.url}/scores`, { headers: { origin: 'https://evil.example' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers * for any origin when allowOrigins contains *', async () => {
    const open = await startTestGateway(aws.s3, { cors: { allowOrigins: ['*'], allowMethods: ['*'] } });
    try {
      open.gateway.setRoutes({ 'PUT /x': () => 'x' });

      const preflight = await fetch(`${open.gateway.url}/x`, {
        method: 'OPTIONS',
        headers: { origin: 'https://anywhere.example', 'access-control-request-method': 'PUT' },
      });

      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-methods')).toBe('PUT');
    } finally {
      await open.gateway.stop();
    }
  });
});

describe('HTTP gateway IAM routes', () => {
  const identity: LocalIamIdentity = {
    accessKey: 'ASIALOCALPLAYER1',
    accountId: '000000000000',
    callerId: 'AROALOCAL:CognitoIdentityCredentials',
    userArn: 'arn:aws:sts::000000000000:assumed-role/players/CognitoIdentityCredentials',
    userId: 'AROALOCAL:CognitoIdentityCredentials',
    cognitoIdentity: {
      amr: ['authenticated', 'kakao'],
      identityId: 'ap-northeast-2:1111-2222',
      identityPoolId: 'ap-northeast-2:pool',
    },
  };

  it("passes the authorizer's identity to the handler in requestContext.authorizer.iam", async () => {
    const seen: Array<{ method: string; path: string; authorization: string | undefined }> = [];
    const { gateway } = await startTestGateway(aws.s3, {
      authorizer: (request) => {
        seen.push({
          method: request.method,
          path: request.path,
          authorization: request.headers.authorization,
        });
        return request.headers.authorization?.includes('ASIALOCALPLAYER1') ? identity : undefined;
      },
    });
    try {
      const me = recordingHandler();
      gateway.setRoutes({ 'GET /me': { handler: me.handler, auth: 'iam' } });

      const response = await fetch(`${gateway.url}/me`, {
        headers: {
          authorization:
            'AWS4-HMAC-SHA256 Credential=ASIALOCALPLAYER1/20260101/ap-northeast-2/execute-api/aws4_request',
        },
      });

      expect(response.status).toBe(200);
      expect(seen[0]).toMatchObject({ method: 'GET', path: '/me' });
      expect(me.events[0]?.requestContext.authorizer?.iam).toEqual({ ...identity, principalOrgId: null });
    } finally {
      await gateway.stop();
    }
  });

  it('gives the authorizer the query string and body it needs to check a signature', async () => {
    const seen: unknown[] = [];
    const { gateway } = await startTestGateway(aws.s3, {
      authorizer: (request) => {
        seen.push(request);
        return identity;
      },
    });
    try {
      gateway.setRoutes({ 'POST /scores/{board}': { handler: () => 'ok', auth: 'iam' } });

      await fetch(`${gateway.url}/scores/%EC%A3%BC%EA%B0%84?season=3`, {
        method: 'POST',
        body: '{"score":1}',
      });

      expect(seen[0]).toMatchObject({
        method: 'POST',
        path: '/scores/%EC%A3%BC%EA%B0%84',
        rawQueryString: 'season=3',
        body: Buffer.from('{"score":1}'),
      });
    } finally {
      await gateway.stop();
    }
  });

  it('answers 403 without invoking the handler when the authorizer refuses', async () => {
    const { gateway } = await startTestGateway(aws.s3, { authorizer: () => undefined });
    try {
      const me = recordingHandler();
      gateway.setRoutes({ 'GET /me': { handler: me.handler, auth: 'iam' } });

      const response = await fetch(`${gateway.url}/me`);

      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Forbidden' });
      expect(me.events).toHaveLength(0);
    } finally {
      await gateway.stop();
    }
  });

  it('answers 403 on an IAM route when no authorizer is configured', async () => {
    const { gateway } = await startTestGateway(aws.s3);
    try {
      const me = recordingHandler();
      gateway.setRoutes({ 'GET /me': { handler: me.handler, auth: 'iam' }, 'GET /public': () => 'public' });

      const [secured, open] = await Promise.all([fetch(`${gateway.url}/me`), fetch(`${gateway.url}/public`)]);

      expect([secured.status, open.status]).toEqual([403, 200]);
      expect(me.events).toHaveLength(0);
    } finally {
      await gateway.stop();
    }
  });

  it('answers 500 when the authorizer throws, and keeps serving', async () => {
    const { gateway } = await startTestGateway(aws.s3, {
      authorizer: () => {
        throw new Error('key store unavailable');
      },
    });
    try {
      gateway.setRoutes({ 'GET /me': { handler: () => 'me', auth: 'iam' }, 'GET /public': () => 'public' });

      const failed = await fetch(`${gateway.url}/me`);
      const next = await fetch(`${gateway.url}/public`);

      expect(failed.status).toBe(500);
      expect(next.status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });
});

describe('HTTP gateway CDN route', () => {
  const bucket = uniqueName('cdn');
  const body = 'hello patch world';
  let gateway: HttpGateway;
  let cdnLogs: string[];
  let etag: string;

  beforeAll(async () => {
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'patches/v1/notes.txt',
        Body: body,
        ContentType: 'text/plain',
        CacheControl: 'public, max-age=31536000, immutable',
      }),
    );
    etag =
      (await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'patches/v1/notes.txt' }))).ETag ?? '';
    ({ gateway, logs: cdnLogs } = await startTestGateway(aws.s3, { cdn: { bucket } }));
  });
  afterAll(() => gateway.stop());

  const notes = () => `${gateway.cdnUrl}/patches/v1/notes.txt`;

  it.each([
    '%00',
    '%00%0a%5Bforged%5D%20GET%20%2Fadmin%20200',
    'a%0db',
    '%1b%5B31m',
    'bad%zz',
    '%E0%A4%A',
    'x/%7f',
  ])('answers 400 for the invalid key %s and logs it on one escaped line', async (key) => {
    const before = cdnLogs.length;
    const response = await fetch(`${gateway.cdnUrl}/${key}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'Bad Request' });
    const lines = cdnLogs.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^HTTP GET \/cdn\/\S+ 400 \d+\.\d ms$/);

    expect(lines.join('')).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('escapes control characters in every log line', () => {
    expect(escapeControlCharacters('GET /a\n[forged] ok\u0000\u2028')).toBe(
      'GET /a\\x0a[forged] ok\\x00\\u2028',
    );
  });

  it('reports its base URL under /cdn', () => {
    expect(gateway.cdnUrl).toBe(`${gateway.url}/cdn`);
  });

  it('serves an object with its content type, length, ETag, Last-Modified and Cache-Control', async () => {
    const response = await fetch(notes());

    expect(response.status).toBe(200);
    expect(await response.text()).toBe(body);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.headers.get('content-length')).toBe(String(body.length));
    expect(response.headers.get('etag')).toBe(etag);
    expect(response.headers.get('last-modified')).toMatch(/GMT$/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetch(notes(), { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(body.length));
    expect(response.headers.get('etag')).toBe(etag);
    expect(await response.text()).toBe('');
  });

  it('serves a byte range with 206 and content-range', async () => {
    const response = await fetch(notes(), { headers: { range: 'bytes=6-10' } });

    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 6-10/${body.length}`);
    expect(await response.text()).toBe('patch');
  });

  it('serves a suffix byte range', async () => {
    const response = await fetch(notes(), { headers: { range: 'bytes=-5' } });

    expect(response.status).toBe(206);
    expect(await response.text()).toBe('world');
  });

  it('answers 416 for a range beyond the object', async () => {
    const response = await fetch(notes(), { headers: { range: 'bytes=1000-2000' } });

    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${body.length}`);
  });

  it('answers 304 when If-None-Match holds the current ETag', async () => {
    const response = await fetch(notes(), { headers: { 'if-none-match': etag } });

    expect(response.status).toBe(304);
    expect(response.headers.get('etag')).toBe(etag);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('serves the object when If-None-Match holds another ETag', async () => {
    const response = await fetch(notes(), { headers: { 'if-none-match': '"stale"' } });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe(body);
  });

  it('serves a key with Korean characters and spaces', async () => {
    const key = '패치/한글 안내.txt';
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: '안녕하세요',
        ContentType: 'text/plain; charset=utf-8',
      }),
    );

    const response = await fetch(`${gateway.cdnUrl}/${key.split('/').map(encodeURIComponent).join('/')}`);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('안녕하세요');
  });

  it('answers 404 for a missing object', async () => {
    const response = await fetch(`${gateway.cdnUrl}/patches/missing.bin`);

    expect(response.status).toBe(404);
  });

  it('streams a large object byte for byte', async () => {
    const large = randomBytes(3 * 1024 * 1024);
    await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'patches/v1/big.pak', Body: large }));

    const response = await fetch(`${gateway.cdnUrl}/patches/v1/big.pak?versionId=ignored-locally`);
    const received = Buffer.from(await response.arrayBuffer());

    expect(response.status).toBe(200);
    expect(createHash('sha256').update(received).digest('hex')).toBe(
      createHash('sha256').update(large).digest('hex'),
    );
  });
});

describe('HTTP gateway lifecycle', () => {
  it('replaces the whole route table on setRoutes', async () => {
    const { gateway } = await startTestGateway(aws.s3);
    try {
      gateway.setRoutes({ 'GET /old': () => 'old' });
      gateway.setRoutes({ 'GET /new': () => 'new' });

      const [old, fresh] = await Promise.all([fetch(`${gateway.url}/old`), fetch(`${gateway.url}/new`)]);

      expect([old.status, fresh.status]).toEqual([404, 200]);
    } finally {
      await gateway.stop();
    }
  });

  it('frees its port on stop', async () => {
    const { gateway } = await startTestGateway(aws.s3);
    gateway.setRoutes({ 'GET /x': () => 'x' });
    await fetch(`${gateway.url}/x`);

    await gateway.stop();

    expect(await tryConnect(gateway.port)).toBe('ECONNREFUSED');
  });

  it('stops while a handler is still running', async () => {
    const { gateway } = await startTestGateway(aws.s3);
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const handler = hold();
    gateway.setRoutes({
      'GET /hang': async () => {
        entered();
        await handler.held;
        return 'late';
      },
    });
    const pending = fetch(`${gateway.url}/hang`).then(
      (response) => response.status,
      () => 'closed',
    );
    await inHandler;

    try {
      await gateway.stop();

      expect(await pending).toBe('closed');
      expect(await tryConnect(gateway.port)).toBe('ECONNREFUSED');
    } finally {
      handler.release();
    }
  });
});
