import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PatchPublisher, PatchUpdater } from '../../src/patch/index.js';
import {
  hashTree,
  recordingFetch,
  seededBigBytes,
  startPatchSuite,
  temporaryFolder,
  writeTree,
} from './support.js';

const MiB = 1024 * 1024;
const env = startPatchSuite('patch-fetch-bytes');

describe('the update plan reports the bytes the update will fetch', () => {
  it('a 64 MiB archive with 1 MiB overwritten: fetchBytes is the changed chunks, and what the update fetches', async () => {
    const prefix = 'fetch-bytes-64';
    const source = await temporaryFolder('sgk-fetch-src-');
    const install = await temporaryFolder('sgk-fetch-install-');
    await writeTree(source, { 'data/world.pak': seededBigBytes(64, 64 * MiB), 'small.txt': 'hello' });
    const publisher = new PatchPublisher({ s3Client: env.s3, bucket: env.bucket, prefix });
    await publisher.scan(source);
    await publisher.publish();
    await new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install }).update();

    const handle = await open(join(source, 'data', 'world.pak'), 'r+');
    await handle.write(seededBigBytes(65, MiB), 0, MiB, 30 * MiB);
    await handle.close();
    await publisher.scan(source);
    const published = await publisher.publish();

    const network = recordingFetch((url) => url.includes('/chunks/'));
    const updater = new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install, fetch: network.fetch });
    const plan = await updater.check();
    // Whole-file bytes to write stay what they were; the network carries only the chunks around the edit.
    expect(plan.downloadBytes).toBe(64 * MiB);
    expect(plan.fetchBytes).toBeGreaterThanOrEqual(MiB);
    expect(plan.fetchBytes).toBeLessThanOrEqual(MiB + 2 * 4 * MiB);
    expect(plan.fetchBytes).toBe(published.chunked?.uploadedBytes);
    expect(network.bodyBytes()).toBe(0);

    const result = await updater.update({ plan });
    expect(network.bodyBytes()).toBe(plan.fetchBytes);
    expect(result.bytesFetched).toBe(plan.fetchBytes);
    expect(await hashTree(install)).toEqual(await hashTree(source));
  });

  it('is 0 when every chunk is on disk already, and equals the whole files for a fresh install', async () => {
    const prefix = 'fetch-bytes-fresh';
    const source = await temporaryFolder('sgk-fetch-src-');
    const install = await temporaryFolder('sgk-fetch-install-');
    await writeTree(source, { 'a.bin': seededBigBytes(3, 3 * MiB), 'b.txt': 'b' });
    const publisher = new PatchPublisher({
      s3Client: env.s3,
      bucket: env.bucket,
      prefix,
      compression: false,
    });
    await publisher.scan(source);
    await publisher.publish();
    const network = recordingFetch((url) => url.includes('/chunks/'));
    const updater = new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install, fetch: network.fetch });
    const fresh = await updater.check();
    expect(fresh.fetchBytes).toBe(3 * MiB + 1);
    await updater.update();
    expect(network.bodyBytes()).toBe(fresh.fetchBytes);
    // A file renamed in the next release: its chunks are all in the install already.
    await writeTree(source, { 'a.bin': null, 'moved/a.bin': seededBigBytes(3, 3 * MiB) });
    await publisher.scan(source);
    await publisher.publish();
    const moved = await updater.check();
    expect(moved.download.length).toBe(1);
    expect(moved.fetchBytes).toBe(0);
    await updater.update();
    expect(network.bodyBytes()).toBe(fresh.fetchBytes);
    expect(await hashTree(install)).toEqual(await hashTree(source));
  });
});
