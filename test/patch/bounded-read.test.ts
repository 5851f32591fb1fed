/**
 * The pointer and manifests are read with size limits: a huge or endless body never fills memory. Served by the
 * local S3 server through the CDN route, and by a loopback HTTP server for what S3 cannot send (a false or
 * missing Content-Length, an endless body).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  PatchPublisher,
  PatchUpdater,
  type PatchUpdaterOptions,
  isPatchError,
  readBoundedBody,
  serializeDocument,
} from '../../src/patch/index.js';
import {
  failure,
  getOnNewConnection,
  hashSpec,
  hashTree,
  recordingFetch,
  startPatchSuite,
  temporaryFolder,
  writeTree,
} from './support.js';
import { startEndlessServer } from '../support/endless-server.js';
import { boundedWaits } from '../support/waits.js';

const env = startPatchSuite('patch-bounded');
let counter = 0;
const { within, eventually } = boundedWaits(10_000, 5);

/** A body that hands out `chunk`-byte pieces forever (or `total` bytes), counting what was pulled. */
function endlessBody(chunk: number, total = Number.POSITIVE_INFINITY) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunk, total - pulled);
      pulled += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { stream, pulled: () => pulled };
}

describe('readBoundedBody', () => {
  it('refuses a Content-Length over the limit without reading the body', async () => {
    const body = endlessBody(1024);
    const response = new Response(body.stream, { headers: { 'content-length': String(2 ** 30) } });

    const error = await failure(readBoundedBody(response, 64 * 1024, 'http://x/version.json', 'pointer'));

    expect(isPatchError(error, 'TOO_LARGE')).toBe(true);
    expect(body.pulled()).toBeLessThanOrEqual(1024 * 2);
  });

  it('stops an endless body just past the limit', async () => {
    const body = endlessBody(16 * 1024);

    const error = await failure(
      readBoundedBody(new Response(body.stream), 64 * 1024, 'http://x/v', 'pointer'),
    );

    expect(isPatchError(error, 'TOO_LARGE')).toBe(true);
    // At most the limit plus the chunk that crossed it, plus what the stream queued ahead.
    expect(body.pulled()).toBeLessThanOrEqual(64 * 1024 + 3 * 16 * 1024);
  });

  it.each([0, 1, 64 * 1024])('accepts a body of exactly %i bytes', async (size) => {
    const body = endlessBody(4096, size);

    const bytes = await readBoundedBody(new Response(body.stream), 64 * 1024, 'http://x/v', 'pointer');

    expect(bytes.length).toBe(size);
  });

  it('refuses one byte over the limit', async () => {
    const body = endlessBody(4096, 64 * 1024 + 1);

    const error = await failure(
      readBoundedBody(new Response(body.stream), 64 * 1024, 'http://x/v', 'pointer'),
    );

    expect(isPatchError(error, 'TOO_LARGE')).toBe(true);
  });
});

describe('the updater with oversized documents', () => {
  it('refuses a 1 MiB version.json from the CDN with TOO_LARGE, and the next good pointer installs', async () => {
    const prefix = `bounded-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, { 'a.txt': 'a' });
    const publisher = new PatchPublisher({ s3: env.s3, bucket: env.bucket, prefix });
    await publisher.scan(source);
    const published = await publisher.publish();
    const good = serializeDocument(published.pointer);
    const put = (body: string) =>
      env.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: `${prefix}/version.json`, Body: body }));
    await put(good.replace('\n', ' '.repeat(1024 * 1024)));
    const updater = new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install, retryBaseDelayMs: 10 });

    const error = await failure(updater.update());

    expect(isPatchError(error, 'TOO_LARGE')).toBe(true);
    await put(good);
    expect((await updater.update()).updated).toBe(true);
  });

  it('refuses a manifest the pointer says is over maxManifestBytes without requesting it', async () => {
    const prefix = `bounded-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, { 'a.txt': 'a', 'b.txt': 'b' });
    const publisher = new PatchPublisher({ s3: env.s3, bucket: env.bucket, prefix });
    await publisher.scan(source);
    const published = await publisher.publish();
    const network = recordingFetch();
    const small = published.pointer.manifest.size - 1;
    const updater = new PatchUpdater({
      cdnUrl: env.cdn,
      prefix,
      installDir: install,
      fetch: network.fetch,
      maxManifestBytes: small,
    });

    const error = await failure(updater.check());

    expect(isPatchError(error, 'TOO_LARGE')).toBe(true);
    expect(network.requests.map((request) => request.url)).toEqual([`${env.cdn}/${prefix}/version.json`]);
  });
});

describe('a hostile server on loopback', () => {
  it.each([
    ['declared-1gib', { 'content-length': String(2 ** 30) }],
    ['endless', {}],
  ] as const)('refuses a %s version.json after at most a few chunks', async (_which, headers) => {
    const endless = await startEndlessServer(headers);
    try {
      const install = await temporaryFolder('sgk-install-');
      const updater = new PatchUpdater({ cdnUrl: endless.url, installDir: install, attempts: 1 });

      const error = await failure(updater.check());

      expect(isPatchError(error, 'TOO_LARGE')).toBe(true);
      // Socket buffers hold some bytes the client never read; far below what the server would send.
      expect(endless.sent()).toBeLessThan(8 * 1024 * 1024);
    } finally {
      await endless.close();
    }
  });
});

/** What the metadata proxy does with one request for a pointer or manifest (content objects always pass). */
type MetadataMisbehaviour =
  'pass' | 'cut-mid-body' | 'silent-after-headers' | 'silent-mid-body' | 'no-answer';

/**
 * A proxy on 127.0.0.1 in front of the CDN route: each request for a document that is not a blob or a chunk is
 * answered as `behave(path, nth)` says (`nth` counts requests for that path from 0), every other request passes.
 */
async function metadataProxy(upstream: string, behave: (path: string, nth: number) => MetadataMisbehaviour) {
  const seen = new Map<string, number>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    const nth = seen.get(path) ?? 0;
    seen.set(path, nth + 1);
    const content = path.includes('/blobs/') || path.includes('/chunks/');
    const misbehaviour = content ? 'pass' : behave(path, nth);
    if (misbehaviour === 'no-answer') return;
    // A failed upstream GET reaches the client as a broken connection, never as an unhandled rejection.
    void (async () => {
      const answer = await getOnNewConnection(`${upstream}${path}`);
      const body = answer.body;
      response.writeHead(answer.status, answer.headers);
      if (misbehaviour === 'pass') response.end(body);
      else if (misbehaviour === 'silent-mid-body') response.write(body.subarray(0, body.length >> 1));
      else if (misbehaviour === 'cut-mid-body') {
        response.write(body.subarray(0, body.length >> 1), () => response.socket?.resetAndDestroy());
      } else response.flushHeaders();
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requestsFor: (path: string) => seen.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('a pointer or manifest whose response stalls or breaks', () => {
  /**
   * Publishes `files`, starts a metadata proxy that behaves as `behave` in front of the CDN route, and runs `body`
   * with an updater (empty install, `options` added) that reads through it; closes the proxy afterwards.
   */
  async function throughProxy(
    files: Record<string, string>,
    behave: (path: string, nth: number) => MetadataMisbehaviour,
    options: Partial<PatchUpdaterOptions>,
    body: (
      updater: PatchUpdater,
      context: { install: string; pointerRequests: () => number },
    ) => Promise<void>,
  ): Promise<void> {
    const prefix = `bounded-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    await writeTree(source, files);
    const publisher = new PatchPublisher({ s3: env.s3, bucket: env.bucket, prefix });
    await publisher.scan(source);
    await publisher.publish();
    const cdn = new URL(env.cdn);
    const proxy = await metadataProxy(cdn.origin, behave);
    const install = await temporaryFolder('sgk-install-');
    try {
      const updater = new PatchUpdater({
        cdnUrl: `${proxy.url}${cdn.pathname}`,
        prefix,
        installDir: install,
        ...options,
      });
      const pointerPath = `${cdn.pathname}/${prefix}/version.json`;
      await body(updater, { install, pointerRequests: () => proxy.requestsFor(pointerPath) });
    } finally {
      await proxy.close();
    }
  }

  it.each(['cut-mid-body', 'silent-after-headers', 'silent-mid-body', 'no-answer'] as const)(
    'tries again when the first answer for every document is %s, and installs',
    async (misbehaviour) => {
      const files = { 'a.txt': 'alpha', 'data/b.json': '{"b":1}' };
      const firstOnly = (_path: string, nth: number) => (nth === 0 ? misbehaviour : 'pass');
      const options = { stallTimeoutMs: 200, retryBaseDelayMs: 1 };
      await throughProxy(files, firstOnly, options, async (updater, { install, pointerRequests }) => {
        const result = await within(updater.update(), 'the update');

        expect(result.updated).toBe(true);
        expect(pointerRequests()).toBe(2);
        expect(await hashTree(install)).toEqual(hashSpec(files));
      });
    },
  );

  it.each([
    ['cut-mid-body', 'NETWORK_ERROR'],
    ['silent-after-headers', 'STALLED'],
    ['silent-mid-body', 'STALLED'],
    ['no-answer', 'STALLED'],
  ] as const)('fails with a typed error when every answer is %s', async (misbehaviour, code) => {
    const options = { stallTimeoutMs: 100, attempts: 2, retryBaseDelayMs: 1 };
    await throughProxy(
      { 'a.txt': 'alpha' },
      () => misbehaviour,
      options,
      async (updater, context) => {
        const error = await failure(within(updater.check(), 'the check to fail'));

        expect(isPatchError(error, code)).toBe(true);
        expect(context.pointerRequests()).toBe(2);
        expect(await hashTree(context.install)).toEqual({});
      },
    );
  });

  it('stops with ABORTED when the caller aborts while the pointer stalls', async () => {
    const controller = new AbortController();
    await throughProxy(
      { 'a.txt': 'alpha' },
      () => 'silent-mid-body',
      {},
      async (updater, { pointerRequests }) => {
        const checking = updater.check({ signal: controller.signal });
        expect(await eventually(() => pointerRequests() > 0)).toBe(true);
        controller.abort();

        expect(isPatchError(await failure(within(checking, 'the aborted check')), 'ABORTED')).toBe(true);
      },
    );
  });
});
