/**
 * Publishes one folder in its own process and prints what that cost in bytes read (`rchar` of /proc/self/io:
 * every byte `read`/`pread` returned to this process, page cache hits included) and CPU time:
 *
 *   node --import tsx bench/patch/publish-child.ts <s3Endpoint> <bucket> <prefix> <dir> <scanChunking: on|off>
 *
 * A tiny warm-up publish runs first, so the code loaded lazily on the first publish is not counted.
 * Prints `{"bytesRead":…,"cpuMs":…,"uploadedRawBytes":…,"totalBytes":…}`.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localClientConfig } from '../../src/local/client-config.js';
import { PatchPublisher } from '../../src/patch/index.js';

const [endpoint, bucket, prefix, dir, scanChunking] = process.argv.slice(2);
if (!endpoint || !bucket || !prefix || !dir || (scanChunking !== 'on' && scanChunking !== 'off')) {
  console.error('usage: publish-child.ts <s3Endpoint> <bucket> <prefix> <dir> <on|off>');
  process.exit(2);
}

function bytesReadSoFar(): number {
  const line = readFileSync('/proc/self/io', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('rchar:'));
  if (!line) throw new Error('/proc/self/io has no rchar line');
  return Number(line.slice('rchar:'.length));
}

const s3 = new S3Client(localClientConfig(endpoint));
const publisherFor = (target: string): PatchPublisher =>
  new PatchPublisher({
    s3Client: s3,
    bucket,
    prefix: target,
    scan: { statCachePath: false, ...(scanChunking === 'off' ? { chunking: false } : {}) },
  });

const warmUp = await mkdtemp(join(tmpdir(), 'sgk-publish-warm-'));
await writeFile(join(warmUp, 'a.bin'), Buffer.alloc(2 * 1024 * 1024, 7));
const warm = publisherFor(`${prefix}-warm-up`);
await warm.scan(warmUp);
await warm.publish();

const publisher = publisherFor(prefix);
const readBefore = bytesReadSoFar();
const cpuBefore = process.cpuUsage();
const scan = await publisher.scan(dir);
const result = await publisher.publish();
const cpu = process.cpuUsage(cpuBefore);
const bytesRead = bytesReadSoFar() - readBefore;
s3.destroy();
process.stdout.write(
  `${JSON.stringify({
    bytesRead,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    uploadedRawBytes: result.chunked?.uploadedRawBytes ?? 0,
    totalBytes: scan.totalBytes,
  })}\n`,
);
