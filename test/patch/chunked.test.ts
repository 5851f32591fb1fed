import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PatchPublisherOptions, isPatchError, sha256Hex } from '../../src/patch/index.js';
import { chunkKey } from '../../src/patch/release-format.js';
import { type TreeSpec, hashTree, seededBigBytes, startPatchSuite, writeTree } from './support.js';

const MiB = 1024 * 1024;
const env = startPatchSuite('patch-chunked');

/** A fresh release line (publisher options on top of the default format 2), and its keys relative to the prefix. */
async function setup(initial: TreeSpec, options: Partial<PatchPublisherOptions> = {}) {
  const release = await env.release(initial, { publisher: options });
  const keys = async (): Promise<string[]> =>
    (await env.listKeys(release.prefix)).map((key) => key.slice(release.prefix.length + 1));
  return { ...release, keys };
}

function edit(original: Buffer): Buffer {
  // 64 KiB inserted in the middle, 512 KiB overwritten a quarter in.
  const middle = Math.floor(original.length / 2);
  const edited = Buffer.concat([
    original.subarray(0, middle),
    seededBigBytes(99, 64 * 1024),
    original.subarray(middle),
  ]);
  seededBigBytes(98, 512 * 1024).copy(edited, Math.floor(original.length / 4));
  return edited;
}

// Tens of MiB through s3rver and the CDN route: minutes on a loaded shared machine.
describe('chunked releases (format 2)', { timeout: 600_000 }, () => {
  it('fetches only the chunks around an insertion and an overwrite in a 64 MiB archive', async () => {
    const archive = seededBigBytes(1, 64 * MiB);
    const { install, source, network, updater, publish } = await setup({ 'data/world.pak': archive });
    await publish();
    await updater.update();

    const edited = edit(archive);
    const second = await publish({ 'data/world.pak': edited });
    const before = network.bodyBytes();
    const result = await updater.update();
    const fetched = network.bodyBytes() - before;

    expect(await hashTree(install)).toEqual(await hashTree(source));
    expect(second.chunked?.uploadedRawBytes).toBeLessThanOrEqual(8 * MiB);
    expect(fetched).toBeLessThanOrEqual(8 * MiB);
    expect(result.bytesFetched).toBeLessThanOrEqual(8 * MiB);
    expect(fetched).toBeGreaterThan(64 * 1024);
  });

  it('stores a chunk once across files and releases', async () => {
    const shared = seededBigBytes(2, 6 * MiB);
    const { keys, publish, install, updater, network } = await setup({
      'a.pak': shared,
      'b/copy.pak': shared,
    });
    const first = await publish();
    expect(first.chunked?.uploadedRawBytes).toBe(shared.length);
    const second = await publish({ 'c.pak': Buffer.concat([shared, Buffer.from('tail')]) });
    expect(second.chunked?.uploadedRawBytes).toBeLessThanOrEqual(4 * MiB);
    await updater.update();
    expect(network.bodyBytes()).toBeLessThan(2 * shared.length);
    expect((await keys()).filter((key) => key.startsWith('chunks/')).length).toBeGreaterThan(2);
    expect(await readFile(join(install, 'b', 'copy.pak'))).toEqual(shared);
  });

  it('stores text compressed and incompressible data raw, and verifies both', async () => {
    const text = Buffer.from(
      Array.from(
        { length: 20_000 },
        (_, index) => `{"id":${index},"name":"orc_${index % 50}","hp":${index % 300}}`,
      ).join('\n'),
    );
    const noise = seededBigBytes(3, 300_000);
    const { keys, publish, updater, network, install } = await setup({
      'data/monsters.json': text,
      'sfx/hit.ogg': noise,
    });
    await publish();
    await updater.update();
    const stored = await keys();
    expect(stored.some((key) => key.endsWith('.br'))).toBe(true);
    expect(stored).toContain(chunkKey(sha256Hex(noise), 'identity'));
    expect(network.bodyBytes()).toBeLessThan(noise.length + text.length / 2);
    expect(await readFile(join(install, 'data', 'monsters.json'))).toEqual(text);
  });

  it('refuses a tampered chunk and applies nothing', async () => {
    const archive = seededBigBytes(4, 3 * MiB);
    const { prefix, install, keys, publish, updater } = await setup({ 'level.pak': archive, 'a.txt': 'a' });
    await publish();
    const chunk = (await keys()).find((key) => key.startsWith('chunks/'));
    expect(chunk).toBeDefined();
    const original = await env.s3.send(
      new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${prefix}/${chunk}` }),
    );
    const size = original.Contents?.[0]?.Size ?? 0;
    await env.s3.send(
      new PutObjectCommand({ Bucket: env.bucket, Key: `${prefix}/${chunk}`, Body: seededBigBytes(5, size) }),
    );
    const error = await updater.update().catch((caught: unknown) => caught);
    expect(isPatchError(error, 'INTEGRITY_MISMATCH')).toBe(true);
    expect(await hashTree(install)).toEqual({});
  });

  it('installs 0-byte and 1-byte files', async () => {
    const { install, publish, updater } = await setup({ 'empty.dat': '', 'one.dat': 'x' });
    await publish();
    await updater.update();
    expect(await readFile(join(install, 'empty.dat'), 'utf8')).toBe('');
    expect(await readFile(join(install, 'one.dat'), 'utf8')).toBe('x');
  });

  it('moves from a format-1 release to format 2 and rolls back to a release with other chunk sizes', async () => {
    const archive = seededBigBytes(7, 5 * MiB);
    const { install, source, publish, publisherWith, updater } = await setup({
      'world.pak': archive,
      'a.txt': 'a',
    });
    const first = await publish({}, publisherWith({ format: 1 }));
    await updater.update();
    await publish({ 'a.txt': 'b' });
    await updater.update();
    expect(await hashTree(install)).toEqual(await hashTree(source));
    const small = publisherWith({ chunking: { minSize: 64 * 1024, avgSize: 256 * 1024, maxSize: MiB } });
    const third = await publish({ 'world.pak': edit(archive) }, small);
    expect(third.chunked?.record.chunking.avgSize).toBe(256 * 1024);
    await updater.update();
    expect(await hashTree(install)).toEqual(await hashTree(source));

    await small.rollback(first.release);
    const rolled = await updater.update();
    expect(rolled.release).toBe(first.release);
    expect(await readFile(join(install, 'world.pak'))).toEqual(archive);
    expect(await readFile(join(install, 'a.txt'), 'utf8')).toBe('a');
  });

  it('fetches O(changed) metadata when one small file of many changes', async () => {
    const files: TreeSpec = {};
    for (let index = 0; index < 400; index++)
      files[`pack${index % 8}/asset${index}.bin`] = seededBigBytes(100 + index, 2048);
    const { network, publish, updater, install, source } = await setup(files);
    await publish();
    await updater.update();
    await publish({ 'pack3/asset3.bin': seededBigBytes(9999, 2048) });
    const before = network.bodyBytes();
    await updater.update();
    const fetched = network.bodyBytes() - before;
    expect(await hashTree(install)).toEqual(await hashTree(source));
    expect(fetched).toBeLessThan(2048 + 3 * 1024);
  });

  it('reads the full file list, never a chain of deltas, when several releases behind or when the delta is gone', async () => {
    const files: TreeSpec = {};
    for (let index = 0; index < 60; index++)
      files[`pack/asset${index}.bin`] = seededBigBytes(300 + index, 1024);
    const { prefix, network, publish, updater, install, source } = await setup(files);
    await publish();
    await updater.update();
    const metaRequests = (from: number) =>
      network.requests
        .slice(from)
        .map((request) => new URL(request.url).pathname)
        .filter((path) => path.includes('/meta/'));

    // Three releases behind: one full list, none of the three deltas.
    const skipped = [];
    for (let index = 0; index < 3; index++)
      skipped.push(await publish({ [`pack/asset${index}.bin`]: `v${index}` }));
    const latest = skipped[2]!.chunked!.record;
    let mark = network.requests.length;
    const behind = await updater.check();
    expect(behind.chunked?.complete).toBe(true);
    expect(metaRequests(mark)).toEqual([expect.stringContaining(latest.files.key)]);
    await updater.update({ plan: behind });
    expect(await hashTree(install)).toEqual(await hashTree(source));

    // One release behind, its delta deleted from the bucket: the full list instead of a failed update.
    const next = (await publish({ 'pack/asset9.bin': 'v9' })).chunked!.record;
    expect(next.delta?.from).toBe(latest.release);
    await env.s3.send(new DeleteObjectCommand({ Bucket: env.bucket, Key: `${prefix}/${next.delta!.key}` }));
    mark = network.requests.length;
    const missing = await updater.check();
    expect(missing.chunked?.complete).toBe(true);
    expect(metaRequests(mark)).toEqual([
      expect.stringContaining(next.delta!.key),
      expect.stringContaining(next.files.key),
    ]);
    await updater.update({ plan: missing });
    expect(await hashTree(install)).toEqual(await hashTree(source));

    // One release behind, its delta replaced by other bytes: refused by its pin, the full list is used.
    const damaged = (await publish({ 'pack/asset10.bin': 'v10' })).chunked!.record;
    await env.s3.send(
      new PutObjectCommand({
        Bucket: env.bucket,
        Key: `${prefix}/${damaged.delta!.key}`,
        Body: 'not a delta',
      }),
    );
    const result = await updater.update();
    expect(result.release).toBe(damaged.release);
    expect(await hashTree(install)).toEqual(await hashTree(source));
  });

  it('reports publish progress in bytes actually sent: compressed, and nothing for chunks already stored', async () => {
    const text = Buffer.from('{"quest":1,"reward":"gold"}\n'.repeat(120_000));
    const noise = seededBigBytes(11, 2 * MiB);
    const { source, publisher } = await setup({ 'quests.json': text, 'music.ogg': noise });
    const publishWithProgress = async () => {
      const events: Array<{ bytes: number; totalBytes: number }> = [];
      await publisher.scan(source);
      const result = await publisher.publish({
        onProgress: (event) => {
          if (event.phase === 'upload') events.push({ bytes: event.bytes, totalBytes: event.totalBytes });
        },
      });
      return { result, events, last: events.at(-1) };
    };

    const first = await publishWithProgress();
    expect(first.last).toEqual({ bytes: first.result.uploadedBytes, totalBytes: first.result.uploadedBytes });
    expect(first.result.uploadedBytes).toBeLessThan(noise.length + text.length / 4);
    expect(first.events.every((event) => event.bytes <= event.totalBytes)).toBe(true);

    const edited = Buffer.from(text);
    edited.write('{"quest":2,"reward":"gems"}', 1_000_000);
    await writeTree(source, { 'quests.json': edited });
    const second = await publishWithProgress();
    expect(second.last).toEqual({
      bytes: second.result.uploadedBytes,
      totalBytes: second.result.uploadedBytes,
    });
    expect(second.result.uploadedBytes).toBeGreaterThan(0);
    expect(second.result.uploadedBytes).toBeLessThan(first.result.uploadedBytes / 4);
  });
});
