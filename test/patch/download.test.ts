import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DownloadOptions, downloadVerified } from '../../src/patch/download.js';
import { isPatchError } from '../../src/patch/errors.js';
import { failure, seededBytes, temporaryFolder } from './support.js';
import { boundedWaits } from '../support/waits.js';

const content = seededBytes(5, 10_000);
const sha256 = createHash('sha256').update(content).digest('hex');
let server: Server | undefined;
const { within } = boundedWaits(5_000, 10);

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server whose answers a test scripts, one handler per request in order (the last repeats). */
async function scriptedServer(handlers: Array<(request: IncomingMessage, response: ServerResponse) => void>) {
  const ranges: Array<string | undefined> = [];
  server = createServer((request, response) => {
    ranges.push(request.headers.range);
    const handler = handlers[Math.min(ranges.length - 1, handlers.length - 1)]!;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob`, ranges };
}

/** Answers like S3/CloudFront: honours `Range: bytes=n-`. */
function serveRange(body: Uint8Array) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (!match) {
      response.writeHead(200, { 'content-length': body.length });
      response.end(body);
      return;
    }
    const start = Number(match[1]);
    if (start >= body.length) {
      response.writeHead(416, { 'content-range': `bytes */${body.length}` });
      response.end();
      return;
    }
    response.writeHead(206, {
      'content-length': body.length - start,
      'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
    });
    response.end(body.subarray(start));
  };
}

async function paths() {
  const folder = await temporaryFolder();
  return { partPath: join(folder, 'x.part'), finalPath: join(folder, 'x') };
}

/** Downloads `content` from `url` into `target` with the given extra options. */
function download(
  url: string,
  target: { partPath: string; finalPath: string },
  extra: Partial<DownloadOptions> = {},
) {
  return downloadVerified({ url, ...target, size: content.length, sha256, fetch, ...extra });
}

describe('downloadVerified', () => {
  it('downloads, verifies and renames the file', async () => {
    const { url } = await scriptedServer([serveRange(content)]);
    const target = await paths();

    const result = await download(url, target);

    expect(result).toMatchObject({ bytesFetched: content.length, resumedFrom: 0, requests: 1 });
    expect(await readFile(target.finalPath)).toEqual(Buffer.from(content));
    expect(existsSync(target.partPath)).toBe(false);
  });

  it('resumes a .part file left by an earlier run with a Range request', async () => {
    const { url, ranges } = await scriptedServer([serveRange(content)]);
    const target = await paths();
    await writeFile(target.partPath, content.subarray(0, 4000));

    const result = await download(url, target);

    expect(ranges).toEqual(['bytes=4000-']);
    expect(result).toMatchObject({ bytesFetched: 6000, resumedFrom: 4000 });
    expect(await readFile(target.finalPath)).toEqual(Buffer.from(content));
  });

  it('starts over when the server ignores Range and answers 200', async () => {
    const { url } = await scriptedServer([
      (_request, response) => {
        response.writeHead(200, { 'content-length': content.length });
        response.end(content);
      },
    ]);
    const target = await paths();
    await writeFile(target.partPath, content.subarray(0, 4000));

    const result = await download(url, target);

    expect(result.bytesFetched).toBe(content.length);
    expect(await readFile(target.finalPath)).toEqual(Buffer.from(content));
  });

  it('keeps a complete .part file without asking the server again', async () => {
    const { url, ranges } = await scriptedServer([serveRange(content)]);
    const target = await paths();
    await writeFile(target.partPath, content);

    const result = await download(url, target);

    expect(ranges).toEqual([]);
    expect(result.requests).toBe(0);
  });

  it('starts over after a 416 for a part that cannot be completed', async () => {
    const shorter = content.subarray(0, 5000);
    const { url, ranges } = await scriptedServer([serveRange(shorter), serveRange(content)]);
    const target = await paths();
    await writeFile(target.partPath, content.subarray(0, 6000));

    await download(url, target, { baseDelayMs: 1 });

    expect(ranges).toEqual(['bytes=6000-', undefined]);
    expect(await readFile(target.finalPath)).toEqual(Buffer.from(content));
  });

  it('retries a stalled response and resumes where it stopped', async () => {
    const { url, ranges } = await scriptedServer([
      (_request, response) => {
        response.writeHead(200, { 'content-length': content.length });
        response.write(content.subarray(0, 3000));
      },
      serveRange(content),
    ]);
    const target = await paths();

    const result = await download(url, target, { stallTimeoutMs: 200, baseDelayMs: 1 });

    expect(ranges).toEqual([undefined, 'bytes=3000-']);
    expect(result.bytesFetched).toBe(content.length);
  });

  it('fails with STALLED when every try stalls', async () => {
    const { url } = await scriptedServer([() => undefined]);
    const target = await paths();

    const error = await failure(download(url, target, { stallTimeoutMs: 100, attempts: 2, baseDelayMs: 1 }));

    expect(isPatchError(error, 'STALLED')).toBe(true);
  });

  it('retries a 503 and fails at once on a 404', async () => {
    const { url, ranges } = await scriptedServer([
      (_request, response) => response.writeHead(503).end(),
      (_request, response) => response.writeHead(404).end(),
    ]);
    const target = await paths();

    const error = await failure(download(url, target, { baseDelayMs: 1 }));

    expect(ranges).toHaveLength(2);
    expect(isPatchError(error, 'HTTP_ERROR')).toBe(true);
    expect((error as { status?: number }).status).toBe(404);
  });

  it('fails with INTEGRITY_MISMATCH and leaves no file when the bytes are wrong', async () => {
    const wrong = Uint8Array.from(content, (byte, index) => (index === 10 ? byte ^ 1 : byte));
    const { url } = await scriptedServer([serveRange(wrong)]);
    const target = await paths();

    const error = await failure(download(url, target));

    expect(isPatchError(error, 'INTEGRITY_MISMATCH')).toBe(true);
    expect(existsSync(target.finalPath)).toBe(false);
    expect(existsSync(target.partPath)).toBe(false);
  });

  it('fails with INTEGRITY_MISMATCH when the server sends more bytes than the manifest says', async () => {
    const longer = new Uint8Array([...content, 1, 2, 3]);
    const { url } = await scriptedServer([serveRange(longer)]);
    const target = await paths();

    const error = await failure(download(url, target));

    expect(isPatchError(error, 'INTEGRITY_MISMATCH')).toBe(true);
  });

  it('starts over once from byte 0 when a resumed download does not verify', async () => {
    const { url, ranges } = await scriptedServer([serveRange(content)]);
    const target = await paths();
    await writeFile(target.partPath, seededBytes(99, 4000));

    await download(url, target, { baseDelayMs: 1 });

    expect(ranges).toEqual(['bytes=4000-', undefined]);
    expect(await readFile(target.finalPath)).toEqual(Buffer.from(content));
  });

  it('stops with ABORTED when the signal fires', async () => {
    const { url } = await scriptedServer([() => undefined]);
    const target = await paths();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const error = await failure(download(url, target, { signal: controller.signal }));

    expect(isPatchError(error, 'ABORTED')).toBe(true);
  });

  describe('with a fetch whose body ignores its abort signal', () => {
    /** A response whose body never yields another byte and never reacts to the request's signal. */
    const silentFetch = async (): Promise<Response> =>
      new Response(new ReadableStream<Uint8Array>({ pull: () => new Promise<void>(() => undefined) }), {
        status: 200,
        headers: { 'content-length': String(content.length) },
      });

    it('still fails with STALLED once the stall timeout passes', async () => {
      const target = await paths();

      const error = await failure(
        within(
          download('http://127.0.0.1:9/blob', target, {
            fetch: silentFetch,
            stallTimeoutMs: 50,
            attempts: 2,
            baseDelayMs: 1,
          }),
          'the stalled download to fail',
        ),
      );

      expect(isPatchError(error, 'STALLED')).toBe(true);
    });

    it('still stops with ABORTED when the signal fires', async () => {
      const target = await paths();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);

      const error = await failure(
        within(
          download('http://127.0.0.1:9/blob', target, { fetch: silentFetch, signal: controller.signal }),
          'the aborted download to stop',
        ),
      );

      expect(isPatchError(error, 'ABORTED')).toBe(true);
    });
  });
});
