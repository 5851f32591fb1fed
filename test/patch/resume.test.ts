import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchPublisher, PatchUpdater, blobKey, isPatchError, sha256Hex } from '../../src/patch/index.js';
import { chunkEncoding, chunkKey, chunkRefsOf } from '../../src/patch/release-format.js';
import type { ChunkRef } from '../../src/patch/release-format.js';
import {
  hashSpec,
  getOnNewConnection,
  hashTree,
  seededBigBytes,
  seededBytes,
  startPatchSuite,
  temporaryFolder,
  writeTree,
} from './support.js';
import { boundedWaits } from '../support/waits.js';

const env = startPatchSuite('patch-resume');
const { within } = boundedWaits(10_000, 10);

/**
 * A proxy on 127.0.0.1 in front of the CDN route that passes requests through, records their `Range` headers,
 * and, once, cuts the connection to `cutPath` (a TCP reset) after `cutAfter` body bytes. It cuts only after `readAll()` was
 * called (the client has taken in every byte sent) or 10 s have passed: bytes still in flight when a socket
 * closes are lost by any HTTP client, so without this wait the client may resume from fewer bytes.
 */
async function cuttingProxy(upstream: string, cutPath: string, cutAfter: number) {
  const requests: Array<{ path: string; range: string | undefined }> = [];
  let cut = false;
  let readAll = (): void => undefined;
  const clientReadAll = new Promise<void>((resolve) => {
    readAll = resolve;
  });
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    requests.push({ path, range: request.headers.range });
    // A failed upstream GET reaches the client as a broken connection, never as an unhandled rejection.
    void (async () => {
      const answer = await getOnNewConnection(
        `${upstream}${path}`,
        request.headers.range ? { range: request.headers.range } : {},
      );
      response.writeHead(answer.status, answer.headers);
      const body = answer.body;
      if (!cut && path === cutPath) {
        cut = true;
        response.write(body.subarray(0, cutAfter));
        await within(clientReadAll, 'the client to take in the bytes before the cut').catch(() => undefined);
        // A reset, not a FIN: Node 22's bundled undici (6.x) throws an uncatchable assertion when a FIN arrives
        // while the body it is delivering is paused by backpressure (nodejs/undici#5360, fixed in undici 7+).
        response.socket?.resetAndDestroy();
        return;
      }
      response.end(body);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    readAll,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('resuming a cut download', () => {
  it('asks for the missing bytes with Range after the connection is cut, and fetches each byte once', async () => {
    const content = seededBytes(11, 300_000);
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, { 'level.pak': content });
    // Whole-object resume of a format-1 release; the next suite resumes half-downloaded chunks of format 2.
    const publisher = new PatchPublisher({ s3: env.s3, bucket: env.bucket, prefix: 'resume', format: 1 });
    await publisher.scan(source);
    await publisher.publish();
    const blobPath = `/resume/${blobKey(sha256Hex(content))}`;
    const cdnPath = new URL(env.cdn).pathname;
    const cutAfter = 123_457;
    const proxy = await cuttingProxy(new URL(env.cdn).origin, `${cdnPath}${blobPath}`, cutAfter);
    try {
      const updater = new PatchUpdater({
        cdnUrl: `${proxy.url}${cdnPath}`,
        prefix: 'resume',
        installDir: install,
        retryBaseDelayMs: 10,
      });

      const result = await updater.update({
        onProgress: (progress) => {
          if (progress.phase === 'download' && progress.bytes >= cutAfter) proxy.readAll();
        },
      });

      const blobRequests = proxy.requests.filter((request) => request.path === `${cdnPath}${blobPath}`);
      expect(blobRequests.map((request) => request.range)).toEqual([undefined, `bytes=${cutAfter}-`]);
      expect(result.bytesFetched).toBe(content.length);
      expect(await hashTree(install)).toEqual(hashSpec({ 'level.pak': content }));
    } finally {
      await proxy.close();
    }
  });
});

/**
 * A `fetch` that counts the body bytes it hands out per URL path, records `Range` headers, and cuts the first
 * response for `cutPath` after `cutAfter` body bytes (the stream errors as undici's does when the socket closes).
 * Bodies are pulled on demand (high-water mark 0), so every byte counted was read by the updater.
 */
function cuttingFetch(cutPath: string, cutAfter: number) {
  const requests: Array<{ path: string; range: string | null }> = [];
  const bytes = new Map<string, number>();
  let cut = false;
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    requests.push({ path: url.pathname, range: new Headers(init?.headers).get('range') });
    const response = await fetch(input, init);
    if (!response.body) return response;
    const cutThis = !cut && url.pathname === cutPath;
    if (cutThis) cut = true;
    const reader = response.body.getReader();
    let passed = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (cutThis && passed >= cutAfter) {
            await reader.cancel().catch(() => undefined);
            controller.error(new TypeError('terminated'));
            return;
          }
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            return;
          }
          const part = cutThis ? value.subarray(0, cutAfter - passed) : value;
          passed += part.length;
          bytes.set(url.pathname, (bytes.get(url.pathname) ?? 0) + part.length);
          controller.enqueue(part);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  const total = (): number => [...bytes.values()].reduce((sum, value) => sum + value, 0);
  return { fetch: wrapped, requests, bytes, total };
}

function storedSize(ref: ChunkRef): number {
  return ref.length === 4 ? ref[2] : ref[1];
}

describe('resuming a half-downloaded chunk (format 2)', () => {
  const small = { minSize: 64 * 1024, avgSize: 256 * 1024, maxSize: 1024 * 1024 };
  const archive = seededBigBytes(21, 3 * 1024 * 1024);
  const text = Buffer.from(
    Array.from({ length: 40_000 }, (_, index) => `{"id":${index},"name":"slime_${index % 70}"}`).join('\n'),
  );

  async function publishChunked(prefix: string) {
    const source = await temporaryFolder('sgk-src-');
    await writeTree(source, { 'data/world.pak': archive, 'data/monsters.json': text });
    const publisher = new PatchPublisher({
      s3: env.s3,
      bucket: env.bucket,
      prefix,
      chunking: small,
      chunkThreshold: small.avgSize,
    });
    await publisher.scan(source);
    const published = await publisher.publish();
    const record = published.chunked?.record;
    if (!record) throw new Error('expected a format-2 release');
    const refs = new Map<string, ChunkRef>();
    for (const path of ['data/world.pak', 'data/monsters.json']) {
      const entry = (await publisher.readPublished())?.chunked?.files.files[path];
      for (const ref of entry ? chunkRefsOf(entry) : []) refs.set(ref[0], ref);
    }
    const cdnPath = new URL(env.cdn).pathname;
    const pathOf = (ref: ChunkRef) => `${cdnPath}/${prefix}/${chunkKey(ref[0], chunkEncoding(ref))}`;
    return { refs: [...refs.values()], pathOf };
  }

  it.each([
    ['a raw chunk', 'identity'],
    ['a Brotli-compressed chunk', 'br'],
  ] as const)(
    'keeps %s cut mid-way across runs and asks only for its missing bytes with Range',
    async (_name, encoding) => {
      const prefix = `resume-chunk-${encoding}`;
      const { refs, pathOf } = await publishChunked(prefix);
      const target = refs.find((ref) => chunkEncoding(ref) === encoding && storedSize(ref) > 1024);
      if (!target) throw new Error(`no ${encoding} chunk to cut`);
      expect(refs.length).toBeGreaterThan(4);
      const cutAfter = Math.floor(storedSize(target) / 2);
      const network = cuttingFetch(pathOf(target), cutAfter);
      const install = await temporaryFolder('sgk-install-');
      const options = { cdnUrl: env.cdn, prefix, installDir: install, fetch: network.fetch, concurrency: 3 };

      // First run: the connection breaks and no try is left, as when the player's network drops for good.
      const failed = await new PatchUpdater({ ...options, attempts: 1 })
        .update()
        .catch((error: unknown) => error);
      expect(isPatchError(failed, 'NETWORK_ERROR')).toBe(true);
      expect(await hashTree(install)).toEqual({});
      const part = join(
        install,
        '.sgk-patch',
        'staging',
        'chunks',
        `${target[0]}${encoding === 'br' ? '.br' : ''}.part`,
      );
      expect((await stat(part)).size).toBe(cutAfter);

      // Next run: the half chunk is resumed from byte cutAfter; every stored byte crosses the network once.
      const result = await new PatchUpdater({ ...options, retryBaseDelayMs: 10 }).update();

      const targetRequests = network.requests.filter((request) => request.path === pathOf(target));
      expect(targetRequests.map((request) => request.range)).toEqual([null, `bytes=${cutAfter}-`]);
      expect(network.bytes.get(pathOf(target))).toBe(storedSize(target));
      const storedTotal = refs.reduce((sum, ref) => sum + storedSize(ref), 0);
      const contentBytes = [...network.bytes].filter(([path]) => path.includes('/chunks/'));
      expect(contentBytes.reduce((sum, [, value]) => sum + value, 0)).toBe(storedTotal);
      expect(result.bytesFetched).toBeLessThan(storedTotal);
      expect(await hashTree(install)).toEqual(
        hashSpec({ 'data/world.pak': archive, 'data/monsters.json': text }),
      );
    },
  );

  it('resumes a chunk cut during the run with Range, fetching each byte once', async () => {
    const prefix = 'resume-chunk-same-run';
    const { refs, pathOf } = await publishChunked(prefix);
    const target = refs.find((ref) => chunkEncoding(ref) === 'identity' && storedSize(ref) > 1024);
    if (!target) throw new Error('no raw chunk to cut');
    const cutAfter = Math.floor(storedSize(target) / 3);
    const network = cuttingFetch(pathOf(target), cutAfter);
    const install = await temporaryFolder('sgk-install-');

    const result = await new PatchUpdater({
      cdnUrl: env.cdn,
      prefix,
      installDir: install,
      fetch: network.fetch,
      retryBaseDelayMs: 10,
    }).update();

    const targetRequests = network.requests.filter((request) => request.path === pathOf(target));
    expect(targetRequests.map((request) => request.range)).toEqual([null, `bytes=${cutAfter}-`]);
    const storedTotal = refs.reduce((sum, ref) => sum + storedSize(ref), 0);
    expect(result.bytesFetched).toBe(storedTotal);
    expect(await hashTree(install)).toEqual(
      hashSpec({ 'data/world.pak': archive, 'data/monsters.json': text }),
    );
  });
});
