import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { localClientConfig } from '../../src/local/client-config.js';
import { PatchPublisher, isPatchError } from '../../src/patch/index.js';
import { seededBytes, startPatchSuite, temporaryFolder, writeTree } from './support.js';

const env = startPatchSuite('patch-cancel');
let counter = 0;

/**
 * An S3 client whose `failAt`-th PutObject fails at once with a non-retryable error, and which records every
 * PutObject it sends: when each started, and how many are still waiting for S3.
 */
function failingClient(failAt: number): {
  s3: S3Client;
  started: () => number;
  inFlight: () => number;
} {
  const s3 = new S3Client(localClientConfig(env.stack.endpoints.s3));
  let started = 0;
  let inFlight = 0;
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutObjectCommand') return next(args);
      started += 1;
      if (started === failAt) {
        throw Object.assign(new Error('AccessDenied (injected)'), { $metadata: { httpStatusCode: 403 } });
      }
      inFlight += 1;
      try {
        return await next(args);
      } finally {
        inFlight -= 1;
      }
    },
    { step: 'initialize', name: 'failNthPut' },
  );
  return { s3, started: () => started, inFlight: () => inFlight };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await env.stack.clients.s3.send(
    new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${prefix}/` }),
  );
  return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
}

/** 40 distinct files of 96 KiB each: 40 objects to upload, 8 at a time. */
async function sourceTree(): Promise<string> {
  const source = await temporaryFolder('sgk-cancel-');
  const files: Record<string, Uint8Array> = {};
  for (let index = 0; index < 40; index++) files[`data/${index}.bin`] = seededBytes(index + 1, 96 * 1024);
  await writeTree(source, files);
  return source;
}

describe('a failed upload stops the publish', () => {
  for (const format of [1, 2] as const) {
    it(`format ${format}: no PutObject is running or starts after publish() rejects`, async () => {
      const prefix = `cancel-${format}-${++counter}`;
      const client = failingClient(3);
      const publisher = new PatchPublisher({
        s3Client: client.s3,
        bucket: env.bucket,
        prefix,
        format,
        concurrency: 8,
        compression: false,
      });
      await publisher.scan(await sourceTree());
      const error = await publisher.publish().catch((caught: unknown) => caught);
      expect(isPatchError(error, 'UPLOAD_FAILED')).toBe(true);
      const startedWhenRejected = client.started();
      // Every upload under way was waited for before the error came back.
      expect(client.inFlight()).toBe(0);
      // No worker is left to start another: after a further round trip to S3 none new has started. (An upload
      // aborted after its body was sent may still be stored by the server, as S3 may; such an object is
      // content-addressed and immutable, so it is harmless, and the next publish finds it and skips it.)
      const keys = await keysUnder(prefix);
      expect(client.started()).toBe(startedWhenRejected);
      // The failure stopped the rest: far fewer than the 40 objects were attempted, and no release was written.
      expect(startedWhenRejected).toBeLessThan(40);
      expect(keys.some((key) => key.endsWith('version.json'))).toBe(false);
      client.s3.destroy();
    });
  }
});

describe('uploads at high concurrency', () => {
  it('publish 40 files 16 at a time without a MaxListenersExceededWarning (no listeners pile up on one signal)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(`${warning.name}: ${warning.message}`);
    };
    process.on('warning', onWarning);
    try {
      for (const format of [1, 2] as const) {
        const publisher = new PatchPublisher({
          s3Client: env.s3,
          bucket: env.bucket,
          prefix: `many-${format}-${++counter}`,
          format,
          concurrency: 16,
          compression: false,
        });
        await publisher.scan(await sourceTree());
        await publisher.publish();
      }
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }

    expect(warnings.filter((warning) => warning.includes('MaxListeners'))).toEqual([]);
  });
});
