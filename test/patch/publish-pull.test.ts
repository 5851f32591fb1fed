import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blobKey,
  isPatchError,
  releaseManifestKey,
  serializeDocument,
  sha256Hex,
} from '../../src/patch/index.js';
import {
  type TreeSpec,
  countS3Commands,
  hashSpec,
  hashTree,
  seededBytes,
  startPatchSuite,
  temporaryFolder,
  writeTree,
} from './support.js';

// This suite pins the format-1 layout (one blob per file, a JSON manifest), which the updater must keep
// reading; chunked.test.ts covers the default format 2.
const env = startPatchSuite('patch-e2e', { publisher: { format: 1 }, updater: { retryBaseDelayMs: 10 } });

/** A fresh release line, and a count of the S3 commands the suite's client sends from now on. */
async function setup(initial: TreeSpec) {
  const counts = countS3Commands(env.s3);
  return { ...(await env.release(initial)), counts };
}

function hundredFiles(): TreeSpec {
  const files: TreeSpec = {};
  for (let index = 0; index < 100; index++) {
    files[`assets/${String(index).padStart(3, '0')}.dat`] = seededBytes(index + 1, 1000 + index * 37);
  }
  return files;
}

describe('publishing and pulling through the local CDN', () => {
  it('installs the first release into an empty folder', async () => {
    const files = hundredFiles();
    const { install, updater, publish } = await setup(files);
    const published = await publish();

    const result = await updater.update();

    expect(result.release).toBe(published.release);
    expect(await hashTree(install)).toEqual(hashSpec(files));
    expect((await updater.readState())?.release).toBe(published.release);
  });

  it('uploads exactly the one changed file of 100, and the updater downloads exactly that file', async () => {
    const files = hundredFiles();
    const { install, updater, publish, network, counts } = await setup(files);
    await publish();
    await updater.update();
    const changed = seededBytes(999, 4321);
    counts.reset();
    network.requests.length = 0;
    const before = network.bodyBytes();

    const second = await publish({ 'assets/042.dat': changed });
    const pulled = await updater.update();

    expect(second.plan.changed).toEqual(['assets/042.dat']);
    expect(second.uploadedFiles).toBe(1);
    expect(second.uploadedBytes).toBe(changed.length);
    // One blob + the release manifest + the pointer.
    expect(counts.calls.PutObjectCommand).toBe(3);
    expect(pulled.downloadedFiles).toBe(1);
    expect(pulled.bytesFetched).toBe(changed.length);
    const blobRequests = network.requests.filter((request) => request.url.includes('/blobs/'));
    expect(blobRequests.map((request) => request.url)).toEqual([
      `${env.cdn}/${second.manifestKey.split('/')[0]}/${blobKey(sha256Hex(changed))}`,
    ]);
    const manifestAndPointer = network.bodyBytes() - before - changed.length;
    expect(manifestAndPointer).toBeGreaterThan(0);
    expect(await hashTree(install)).toEqual(hashSpec({ ...files, 'assets/042.dat': changed }));
  });

  it('deletes removed files and moves a renamed file without uploading or downloading it', async () => {
    const files: TreeSpec = { 'a.txt': 'alpha', 'dir/b.txt': 'bravo', 'dir/c.txt': 'charlie' };
    const { install, updater, publish } = await setup(files);
    await publish();
    await updater.update();

    const second = await publish({ 'dir/b.txt': null, 'dir/c.txt': null, 'renamed/c.txt': 'charlie' });
    const pulled = await updater.update();

    expect(second.plan.removed).toEqual(['dir/b.txt', 'dir/c.txt']);
    expect(second.plan.added).toEqual(['renamed/c.txt']);
    expect(second.uploadedFiles).toBe(0);
    expect(pulled.bytesFetched).toBe(0);
    expect(pulled.copiedLocally).toBe(1);
    expect(pulled.deleted).toBe(2);
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'alpha', 'renamed/c.txt': 'charlie' }));
    expect(existsSync(join(install, 'dir'))).toBe(false);
  });

  it('stores identical files once and downloads their content once', async () => {
    const same = seededBytes(7, 5000);
    const { prefix, install, updater, publish } = await setup({
      'x/one.bin': same,
      'y/two.bin': same,
      'z/three.bin': same,
      'other.txt': 'o',
    });

    const published = await publish();
    const pulled = await updater.update();

    expect(published.uploadedFiles).toBe(2);
    const blobs = (await env.listKeys(prefix)).filter((key) => key.includes('/blobs/'));
    expect(blobs).toEqual(
      [`${prefix}/${blobKey(sha256Hex('o'))}`, `${prefix}/${blobKey(sha256Hex(same))}`].sort(),
    );
    expect(pulled.downloadedFiles).toBe(2);
    expect(pulled.bytesFetched).toBe(same.length + 1);
    expect(await hashTree(install)).toEqual(
      hashSpec({ 'x/one.bin': same, 'y/two.bin': same, 'z/three.bin': same, 'other.txt': 'o' }),
    );
  });

  it('serves blobs with an immutable Cache-Control and the pointer with a short one', async () => {
    const { prefix, publish } = await setup({ 'a.txt': 'a' });
    await publish();

    const blob = await fetch(`${env.cdn}/${prefix}/${blobKey(sha256Hex('a'))}`);
    const pointer = await fetch(`${env.cdn}/${prefix}/version.json`);

    expect(blob.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(pointer.headers.get('cache-control')).toBe('public, max-age=60');
    await blob.arrayBuffer();
    await pointer.arrayBuffer();
  });

  it('maps a Korean name written in NFD (as macOS does) and in NFC to one manifest entry', async () => {
    const nfd = '패치/캐릭터.png'.normalize('NFD');
    const nfc = '패치/캐릭터.png'.normalize('NFC');
    const { install, source, updater, publish, publisher } = await setup({ [nfd]: 'png' });
    const first = await publish();
    await updater.update();

    await writeTree(source, { [nfd]: null, [nfc]: 'png' });
    await publisher.scan(source);
    const plan = await publisher.plan();

    expect(Object.keys(first.manifest.files)).toEqual([nfc]);
    expect(plan.unchanged).toEqual([nfc]);
    expect(plan.uploads).toHaveLength(0);
    expect(await hashTree(install)).toEqual(hashSpec({ [nfc]: 'png' }));
  });

  it('reports NFD and NFC spellings of one name present together as a collision and refuses to publish', async () => {
    const { publish } = await setup({
      ['가.txt'.normalize('NFD')]: 'nfd',
      ['가.txt'.normalize('NFC')]: 'nfc',
    });

    const error = await publish().catch((caught: unknown) => caught);

    expect(isPatchError(error, 'PATH_COLLISION')).toBe(true);
  });

  it('reports names that differ only in case and refuses to publish them', async () => {
    const { publish, publisher, source } = await setup({ 'Data/Level.pak': '1', 'data/level.pak': '2' });

    const error = await publish().catch((caught: unknown) => caught);
    const scan = await publisher.scan(source);

    expect(isPatchError(error, 'PATH_COLLISION')).toBe(true);
    expect(scan.collisions).toEqual([['Data/Level.pak', 'data/level.pak']]);
  });

  it('never deletes files the player added to the install folder', async () => {
    const { install, updater, publish } = await setup({ 'game.dat': 'v1', 'old.dat': 'old' });
    await publish();
    await updater.update();
    await writeTree(install, { 'saves/slot1.sav': 'my progress', 'screenshot.png': 'pixels' });

    await publish({ 'old.dat': null, 'game.dat': 'v2' });
    await updater.update();

    expect(await hashTree(install)).toEqual(
      hashSpec({ 'game.dat': 'v2', 'saves/slot1.sav': 'my progress', 'screenshot.png': 'pixels' }),
    );
  });

  it('keeps an installed file the player changed when the release drops it', async () => {
    const { install, updater, publish } = await setup({ 'game.dat': 'v1', 'config.ini': 'defaults' });
    await publish();
    await updater.update();
    await writeTree(install, { 'config.ini': 'my settings' });

    await publish({ 'config.ini': null });
    const result = await updater.update();

    expect(result.kept).toEqual(['config.ini']);
    expect(await readFile(join(install, 'config.ini'), 'utf8')).toBe('my settings');
  });

  it('detects a blob corrupted on the server and applies nothing', async () => {
    const { install, updater, publish, put } = await setup({ 'a.txt': 'first', 'b.txt': 'bee' });
    await publish();
    await updater.update();
    const second = await publish({ 'a.txt': 'second version', 'c.txt': 'new file' });
    await put(blobKey(sha256Hex('second version')), 'second versioN');

    const error = await updater.update().catch((caught: unknown) => caught);

    expect(isPatchError(error, 'INTEGRITY_MISMATCH')).toBe(true);
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'first', 'b.txt': 'bee' }));
    expect((await updater.readState())?.release).not.toBe(second.release);
    expect(existsSync(join(install, '.sgk-patch', 'journal.json'))).toBe(false);
  });

  it('rejects a manifest with a path-traversal entry and writes nothing', async () => {
    const { install, updater, publish, put } = await setup({ 'a.txt': 'a' });
    const published = await publish();
    const outside = await temporaryFolder('sgk-outside-');
    for (const evil of [
      '../escape.txt',
      '/etc/evil',
      'C:/evil.txt',
      'a\\..\\..\\evil',
      'nul.txt',
      'ok/../../evil',
    ]) {
      const manifest = {
        ...published.manifest,
        release: 'evil',
        files: { [evil]: { size: 1, sha256: sha256Hex('x'), key: blobKey(sha256Hex('x')) } },
      };
      const bytes = Buffer.from(serializeDocument(manifest));
      await put(releaseManifestKey('evil'), bytes);
      const pointer = {
        ...published.pointer,
        release: 'evil',
        sequence: 99,
        manifest: { key: releaseManifestKey('evil'), sha256: sha256Hex(bytes), size: bytes.length },
      };
      await put('version.json', serializeDocument(pointer));

      const error = await updater.update().catch((caught: unknown) => caught);

      expect({ evil, code: (error as { code?: string }).code }).toEqual({ evil, code: 'UNSAFE_PATH' });
      expect(isPatchError(error)).toBe(true);
    }
    expect(await hashTree(install)).toEqual({});
    expect(await hashTree(outside)).toEqual({});
  });

  it('plans against the manifest published in the bucket, not against local files', async () => {
    const { source, publish, publisherWith } = await setup({ 'a.txt': 'a', 'b.txt': 'b' });
    await publish();
    // A second build machine with its own checkout (and no local state) publishes one change.
    const otherSource = await temporaryFolder('sgk-src2-');
    await writeTree(otherSource, { 'a.txt': 'a', 'b.txt': 'b2' });
    const other = publisherWith({});
    await other.scan(otherSource);

    const plan = await other.plan();

    expect(plan.changed).toEqual(['b.txt']);
    expect(plan.unchanged).toEqual(['a.txt']);
    expect(plan.uploadBytes).toBe(2);
    expect(source).not.toBe(otherSource);
  });

  it('refuses to reuse a published release id', async () => {
    const { publisher, source } = await setup({ 'a.txt': 'a' });
    await publisher.scan(source);
    await publisher.publish({ release: 'v1.0.0' });
    await writeFile(join(source, 'a.txt'), 'b');
    await publisher.scan(source);

    const error = await publisher.publish({ release: 'v1.0.0' }).catch((caught: unknown) => caught);

    expect(isPatchError(error, 'RELEASE_EXISTS')).toBe(true);
  });

  it('uploads nothing on a dry run', async () => {
    const { prefix, publisher, source } = await setup({ 'a.txt': 'a' });
    await publisher.scan(source);

    const result = await publisher.publish({ dryRun: true });

    expect(result.plan.uploads).toHaveLength(1);
    expect(result.uploadedFiles).toBe(0);
    expect(await env.listKeys(prefix)).toEqual([]);
  });

  it('reports an install that is already up to date', async () => {
    const { updater, publish } = await setup({ 'a.txt': 'a' });
    await publish();
    await updater.update();

    const plan = await updater.check();
    const result = await updater.update({ plan });

    expect(plan.upToDate).toBe(true);
    expect(result.updated).toBe(false);
  });

  it('uploads a large file in parts and installs it intact', async () => {
    const large = seededBytes(3, 6 * 1024 * 1024 + 123);
    const { install, updater, source, publisherWith } = await setup({ 'big.pak': large });
    const publisher = publisherWith({
      multipartThresholdBytes: 5 * 1024 * 1024,
      partSizeBytes: 5 * 1024 * 1024,
    });
    const counts = countS3Commands(env.s3);
    await publisher.scan(source);

    await publisher.publish();
    await updater.update();

    expect(counts.calls.UploadPartCommand).toBe(2);
    expect(await hashTree(install)).toEqual(hashSpec({ 'big.pak': large }));
  });
});
