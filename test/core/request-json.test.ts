import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClientError, requestJson } from '../../src/core/client/request-json.js';
import { startEndlessServer } from '../support/endless-server.js';

type Route = (request: IncomingMessage, response: ServerResponse, body: string) => void;

const routes = new Map<string, Route>();
const hits = new Map<string, number>();
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const path = request.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes.get(path);
    if (route) route(request, response, body);
    else response.writeHead(404).end();
  });
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': 'req-1' });
  response.end(JSON.stringify(body));
}

describe('requestJson', () => {
  it('sends a JSON body and returns the parsed answer', async () => {
    routes.set('/echo', (_request, response, body) =>
      json(response, 200, { received: JSON.parse(body) as unknown }),
    );
    const answer = await requestJson<{ received: unknown }>(`${base}/echo`, { fetch, body: { a: 1 } });
    expect(answer.received).toEqual({ a: 1 });
  });

  it('turns the server error body into a typed error with code, status and request id', async () => {
    routes.set('/denied', (_request, response) =>
      json(response, 403, { error: { code: 'APP_NOT_ALLOWED', message: 'nope' } }),
    );
    const failure = await requestJson(`${base}/denied`, { fetch }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HttpClientError);
    expect(failure).toMatchObject({
      code: 'APP_NOT_ALLOWED',
      message: 'nope',
      status: 403,
      requestId: 'req-1',
    });
  });

  it('names an HTTP error without a kit body by its status', async () => {
    routes.set('/plain', (_request, response) => response.writeHead(418).end('teapot'));
    await expect(requestJson(`${base}/plain`, { fetch })).rejects.toMatchObject({
      code: 'HTTP_418',
      status: 418,
    });
  });

  it('retries 5xx answers when retries are allowed, then succeeds', async () => {
    let calls = 0;
    routes.set('/flaky', (_request, response) => {
      calls++;
      if (calls < 3) json(response, 503, { error: { code: 'BUSY', message: 'busy' } });
      else json(response, 200, { ok: true });
    });
    await expect(requestJson(`${base}/flaky`, { fetch, retries: 3, retryBaseMs: 1 })).resolves.toEqual({
      ok: true,
    });
    expect(calls).toBe(3);
  });

  it('does not retry when retries are not allowed', async () => {
    routes.set('/once', (_request, response) => json(response, 500, {}));
    await expect(requestJson(`${base}/once`, { fetch })).rejects.toMatchObject({ status: 500 });
    expect(hits.get('/once')).toBe(1);
  });

  it('gives up with TIMEOUT when the server does not answer in time', async () => {
    routes.set('/slow', () => undefined);
    await expect(requestJson(`${base}/slow`, { fetch, timeoutMs: 50 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
  });

  it('reports NETWORK when nothing listens', async () => {
    await expect(requestJson('http://127.0.0.1:9/', { fetch })).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('reports ABORTED when the caller aborts', async () => {
    routes.set('/hang', () => undefined);
    const controller = new AbortController();
    const pending = requestJson(`${base}/hang`, { fetch, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('reports INVALID_RESPONSE for a 200 answer that is not JSON', async () => {
    routes.set('/html', (_request, response) => response.writeHead(200).end('<html>'));
    await expect(requestJson(`${base}/html`, { fetch })).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it('refuses an endless answer with INVALID_RESPONSE once it passes maxResponseBytes', async () => {
    const endless = await startEndlessServer({ 'content-type': 'application/json' });
    try {
      const failure = await requestJson(endless.url, { fetch, maxResponseBytes: 1024 * 1024 }).catch(
        (error: unknown) => error,
      );

      expect(failure).toMatchObject({ code: 'INVALID_RESPONSE', status: 200 });
      // Socket buffers hold some bytes the client never read; far below what the server would send.
      expect(endless.sent()).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await endless.close();
    }
  });

  it('refuses a Content-Length over the limit before reading the body', async () => {
    routes.set('/declared', (_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(2 * 1024 * 1024),
      });
      response.write('{"a":');
    });
    const failure = await requestJson(`${base}/declared`, { fetch, maxResponseBytes: 1024 * 1024 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'INVALID_RESPONSE' });
    expect((failure as Error).message).toContain('over 1048576 bytes');
  });

  it('reads an answer of exactly maxResponseBytes', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(100) });
    routes.set('/exact', (_request, response) => json(response, 200, JSON.parse(body)));
    const answer = await requestJson<{ pad: string }>(`${base}/exact`, {
      fetch,
      maxResponseBytes: body.length,
    });
    expect(answer.pad).toHaveLength(100);
  });

  it('reports ABORTED, not TIMEOUT, when the caller aborts while the answer streams', async () => {
    const controller = new AbortController();
    routes.set('/half', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"a":');
    });
    const abortAfterHeaders = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      controller.abort();
      return response;
    };
    const failure = await requestJson(`${base}/half`, {
      fetch: abortAfterHeaders,
      signal: controller.signal,
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'ABORTED' });
  });
});
