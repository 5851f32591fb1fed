import type { S3Client } from '@aws-sdk/client-s3';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatchPublisher, PatchUpdater, blobKey, sha256Hex } from '../../src/patch/index.js';
import {
  type PatchStack,
  hashSpec,
  hashTree,
  seededBytes,
  startPatchStack,
  temporaryFolder,
  writeTree,
} from './support.js';

let env: PatchStack;
let s3: S3Client;

beforeAll(async () => {
  env = await startPatchStack('patch-resume');
  s3 = env.stack.clients.s3;
});

afterAll(async () => {
  await env.stack.stop();
});

/**
 * A proxy on 127.0.0.1 in front of the CDN route that passes requests through, records their `Range` headers,
 * and, once, cuts the connection to `cutPath` after `cutAfter` body bytes.
 */
async function cuttingProxy(upstream: string, cutPath: string, cutAfter: number) {
  const requests: Array<{ path: string; range: string | undefined }> = [];
  let cut = false;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    requests.push({ path, range: request.headers.range });
    void (async () => {
      const upstreamResponse = await fetch(`${upstream}${path}`, {
        headers: request.headers.range ? { range: request.headers.range } : {},
      });
      const headers: Record<string, string> = {};
      upstreamResponse.headers.forEach((value, name) => {
        headers[name] = value;
      });
      response.writeHead(upstreamResponse.status, headers);
      const body = new Uint8Array(await upstreamResponse.arrayBuffer());
      if (!cut && path === cutPath) {
        cut = true;
        response.write(body.subarray(0, cutAfter), () => response.socket?.destroy());
        return;
      }
      response.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
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
    // Whole-object resume of a format-1 release; chunked.test.ts resumes a half-downloaded chunk.
    const publisher = new PatchPublisher({ s3, bucket: env.bucket, prefix: 'resume', format: 1 });
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

      const result = await updater.update();

      const blobRequests = proxy.requests.filter((request) => request.path === `${cdnPath}${blobPath}`);
      expect(blobRequests.map((request) => request.range)).toEqual([undefined, `bytes=${cutAfter}-`]);
      expect(result.bytesFetched).toBe(content.length);
      expect(await hashTree(install)).toEqual(hashSpec({ 'level.pak': content }));
    } finally {
      await proxy.close();
    }
  });
});
