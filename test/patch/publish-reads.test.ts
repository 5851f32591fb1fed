import { GetObjectCommand } from '@aws-sdk/client-s3';
import { open, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkFile } from '../../src/patch/chunker.js';
import { PatchPublisher, PatchUpdater, isPatchError } from '../../src/patch/index.js';
import { hashTree, seededBigBytes, startPatchSuite, temporaryFolder, writeTree } from './support.js';

const MiB = 1024 * 1024;
const env = startPatchSuite('patch-reads');
let counter = 0;

/** A source folder with one 12 MiB archive whose mtime is a day old (so the stat cache trusts it at once). */
async function setup() {
  const prefix = `reads-${++counter}`;
  const source = await temporaryFolder('sgk-reads-');
  await writeTree(source, { 'data/world.pak': seededBigBytes(counter, 12 * MiB), 'readme.txt': 'hello' });
  const archive = join(source, 'data', 'world.pak');
  const dayAgo = new Date(Date.now() - 86_400_000);
  await utimes(archive, dayAgo, dayAgo);
  const publisher = new PatchPublisher({ s3Client: env.s3, bucket: env.bucket, prefix });
  return { prefix, source, archive, dayAgo, publisher };
}

/** Overwrites `length` bytes at `offset` with other bytes, keeping the size; optionally puts the mtime back. */
async function overwrite(path: string, offset: number, length: number, mtime?: Date): Promise<void> {
  const handle = await open(path, 'r+');
  await handle.write(seededBigBytes(999, length), 0, length, offset);
  await handle.close();
  if (mtime) await utimes(path, mtime, mtime);
}

async function pointerExists(prefix: string): Promise<boolean> {
  return env.s3
    .send(new GetObjectCommand({ Bucket: env.bucket, Key: `${prefix}/version.json` }))
    .then(() => true)
    .catch(() => false);
}

describe('publishing a big file reads it as few times as it must', () => {
  it('the scan cuts a big file in the read that hashes it; the release uses those chunks', async () => {
    const { prefix, source, archive, publisher } = await setup();
    const scan = await publisher.scan(source);
    const scanned = scan.files.get('data/world.pak');
    const expected = await chunkFile(archive);
    expect(scanned?.chunks).toEqual(expected.chunks);
    expect(scan.files.get('readme.txt')?.chunks).toBeUndefined();
    const result = await publisher.publish();
    expect(result.chunked?.uploadedRawBytes).toBe(12 * MiB + 5);
    const install = await temporaryFolder('sgk-reads-install-');
    await new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install }).update();
    expect(await hashTree(install)).toEqual(await hashTree(source));
  });

  it('a big file overwritten after the scan (same size) ends in FILE_CHANGED, and nothing is published', async () => {
    const { prefix, source, archive, publisher } = await setup();
    await publisher.scan(source);
    await overwrite(archive, 5 * MiB, 64 * 1024);
    const error = await publisher.publish().catch((caught: unknown) => caught);
    expect(isPatchError(error, 'FILE_CHANGED')).toBe(true);
    expect(await pointerExists(prefix)).toBe(false);
  });

  it('a hash from the stat cache is trusted by stat identity: unchanged, the file is cut once and published right', async () => {
    const { prefix, source, publisher } = await setup();
    await publisher.scan(source);
    const rescan = await publisher.scan(source);
    const cached = rescan.files.get('data/world.pak');
    expect(rescan.cachedFiles).toBe(2);
    expect(cached?.cachedStat).toBeDefined();
    expect(cached?.chunks).toBeUndefined();
    await publisher.publish();
    const install = await temporaryFolder('sgk-reads-install-');
    await new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install }).update();
    expect(await hashTree(install)).toEqual(await hashTree(source));
  });

  it('a cached file rewritten after the scan with its old size and mtime put back ends in FILE_CHANGED (ctime moved)', async () => {
    const { prefix, source, archive, dayAgo, publisher } = await setup();
    await publisher.scan(source);
    const rescan = await publisher.scan(source);
    expect(rescan.files.get('data/world.pak')?.cachedStat).toBeDefined();
    // Same size, same mtime: only the ctime (which no program can set) tells the content changed.
    await overwrite(archive, 0, 256 * 1024, dayAgo);
    const error = await publisher.publish().catch((caught: unknown) => caught);
    expect(isPatchError(error, 'FILE_CHANGED')).toBe(true);
    expect(await pointerExists(prefix)).toBe(false);
  });

  it('with scan chunking off, the publish cuts and hashes the file whole and still refuses a changed one', async () => {
    const { prefix, source, archive } = await setup();
    const publisher = new PatchPublisher({
      s3Client: env.s3,
      bucket: env.bucket,
      prefix,
      scan: { chunking: false },
    });
    const scan = await publisher.scan(source);
    expect(scan.files.get('data/world.pak')?.chunks).toBeUndefined();
    expect(scan.chunking).toBeUndefined();
    await overwrite(archive, 7 * MiB, 1024);
    const error = await publisher.publish().catch((caught: unknown) => caught);
    expect(isPatchError(error, 'FILE_CHANGED')).toBe(true);
    await publisher.scan(source);
    await publisher.publish();
    const install = await temporaryFolder('sgk-reads-install-');
    await new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install }).update();
    expect(await hashTree(install)).toEqual(await hashTree(source));
  });
});
