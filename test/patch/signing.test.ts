import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIGNED_POINTER_TTL_MS,
  PatchPublisher,
  type PatchUpdaterOptions,
  generateSigningKeyPair,
  isPatchError,
  releaseManifestKey,
  serializeDocument,
  sha256Hex,
  signDocument,
} from '../../src/patch/index.js';
import type { ReleaseFileList } from '../../src/patch/release-format.js';
import { failure, hashSpec, hashTree, seededBytes, startPatchSuite } from './support.js';

const env = startPatchSuite('patch-sign', { updater: { retryBaseDelayMs: 10 } });
const keys = generateSigningKeyPair();
const otherKeys = generateSigningKeyPair();

/**
 * A signing publisher (format 1 unless `format` says otherwise); its pointers expire after an hour unless
 * `pointerTtlMs` says otherwise (`false`: no expiry, `undefined`: the publisher's default for signed pointers).
 * `updater(publicKey, now, extra)` builds an updater of the same install that checks signatures.
 */
async function setup(
  options: { pointerTtlMs?: number | false | undefined; now?: () => Date; format?: 1 | 2 } = {},
) {
  const release = await env.release(
    {},
    {
      publisher: {
        // Most tests here tamper with format-1 documents; 'signed chunked releases' signs and tampers with format 2.
        format: 1,
        signingKey: keys.privateKeyPem,
        keyId: 'test-key',
        ...('pointerTtlMs' in options ? {} : { pointerTtlMs: 3_600_000 }),
        ...options,
      },
    },
  );
  const updater = (
    publicKey = keys.publicKeyPem,
    now?: () => Date,
    extra: Partial<PatchUpdaterOptions> = {},
  ) => release.updaterWith({ publicKey, ...(now ? { now } : {}), ...extra });
  return { ...release, updater };
}

describe('signed releases', () => {
  it('installs a release signed with the matching key', async () => {
    const { install, updater, publish } = await setup();
    const published = await publish({ 'a.txt': 'a' });

    await updater().update();

    expect(published.manifest.signature?.keyId).toBe('test-key');
    expect(published.pointer.signature?.algorithm).toBe('ed25519');
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'a' }));
  });

  it('rejects a release signed with another key', async () => {
    const { updater, publish } = await setup();
    await publish({ 'a.txt': 'a' });

    expect(isPatchError(await failure(updater(otherKeys.publicKeyPem).check()), 'SIGNATURE_INVALID')).toBe(
      true,
    );
  });

  it('rejects an unsigned pointer when a public key is configured', async () => {
    const { updater, publish, put } = await setup();
    const published = await publish({ 'a.txt': 'a' });
    const { signature: _dropped, ...unsigned } = published.pointer;
    await put('version.json', serializeDocument(unsigned));

    expect(isPatchError(await failure(updater().check()), 'SIGNATURE_INVALID')).toBe(true);
  });

  it('rejects a manifest tampered with after signing, and installs nothing', async () => {
    const { install, updater, publish, put } = await setup();
    const published = await publish({ 'a.txt': 'a' });
    const tampered = {
      ...published.manifest,
      files: { ...published.manifest.files, 'evil.exe': published.manifest.files['a.txt']! },
    };
    await put(releaseManifestKey(published.release), serializeDocument(tampered));

    const error = await failure(updater().update());

    expect(isPatchError(error, 'SIGNATURE_INVALID')).toBe(true);
    expect(await hashTree(install)).toEqual({});
  });

  it('rejects a pointer whose release was swapped after signing', async () => {
    const { updater, publish, put } = await setup();
    await publish({ 'a.txt': 'a' });
    const second = await publish({ 'a.txt': 'b' });
    await put('version.json', serializeDocument({ ...second.pointer, sequence: 7 }));

    expect(isPatchError(await failure(updater().check()), 'SIGNATURE_INVALID')).toBe(true);
  });

  it('rejects manifest bytes that differ from the hash the signed pointer pins', async () => {
    const { updater, publish, put } = await setup();
    const published = await publish({ 'a.txt': 'a' });
    await put(
      releaseManifestKey(published.release),
      serializeDocument(published.manifest).replace('\n', ' \n'),
    );

    expect(isPatchError(await failure(updater().check()), 'INTEGRITY_MISMATCH')).toBe(true);
  });

  it('rejects an expired pointer (freeze attack) and accepts it before expiry', async () => {
    const published = new Date('2026-01-01T00:00:00Z');
    const { updater, publish } = await setup({ pointerTtlMs: 60_000, now: () => published });
    await publish({ 'a.txt': 'a' });

    const late = await failure(updater(keys.publicKeyPem, () => new Date('2026-01-01T00:01:00Z')).check());
    const early = await updater(keys.publicKeyPem, () => new Date('2026-01-01T00:00:59Z')).check();

    expect(isPatchError(late, 'MANIFEST_EXPIRED')).toBe(true);
    expect(early.upToDate).toBe(false);
  });

  it('rejects an older signed pointer replayed after a newer one was installed (rollback attack)', async () => {
    const { updater, publish, put } = await setup();
    const first = await publish({ 'a.txt': 'a' });
    await publish({ 'a.txt': 'b' });
    await updater().update();
    await put('version.json', serializeDocument(first.pointer));

    expect(isPatchError(await failure(updater().check()), 'ROLLBACK_REJECTED')).toBe(true);
  });

  it('accepts a rollback by the publisher: an earlier release under a higher, newly signed sequence', async () => {
    const { install, publisher, updater, publish } = await setup();
    const first = await publish({ 'a.txt': 'a', 'b.txt': 'b' });
    await publish({ 'a.txt': 'changed', 'b.txt': null, 'c.txt': 'c' });
    await updater().update();

    const rolledBack = await publisher.rollback(first.release);
    const result = await updater().update();

    expect(rolledBack.sequence).toBe(3);
    expect(rolledBack.pointer.manifest.sha256).toBe(first.pointer.manifest.sha256);
    expect(result.release).toBe(first.release);
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'a', 'b.txt': 'b' }));
    expect((await updater().readState())?.sequence).toBe(3);
  });

  it('fails a rollback to a release that was never published', async () => {
    const { publisher, publish } = await setup();
    await publish({ 'a.txt': 'a' });

    expect(isPatchError(await failure(publisher.rollback('r404')), 'MANIFEST_NOT_FOUND')).toBe(true);
  });

  it('keeps manifest bytes pinned: the pointer names the manifest hash', async () => {
    const { publish } = await setup();
    const published = await publish({ 'a.txt': 'a' });

    const served = await fetch(`${env.cdn}/${published.manifestKey}`);

    expect(sha256Hex(new Uint8Array(await served.arrayBuffer()))).toBe(published.pointer.manifest.sha256);
  });
});

describe('a fresh install (no local state) and replayed signed pointers', () => {
  it('refuses a replayed old signed pointer once it has expired, and accepts the current one', async () => {
    let clock = new Date('2026-03-01T00:00:00Z');
    const { updater, publish, put } = await setup({ pointerTtlMs: 60 * 60_000, now: () => clock });
    const old = await publish({ 'a.txt': 'vulnerable' });
    clock = new Date('2026-03-02T00:00:00Z');
    await publish({ 'a.txt': 'fixed' });
    const later = () => new Date('2026-03-02T00:10:00Z');
    await put('version.json', serializeDocument(old.pointer));

    const replayed = await failure(updater(keys.publicKeyPem, later).update());

    expect(isPatchError(replayed, 'MANIFEST_EXPIRED')).toBe(true);
    expect(await updater(keys.publicKeyPem, later).readState()).toBeUndefined();
  });

  it('signs pointers with a 30-day expiry by default, so a fresh install accepts them', async () => {
    const clock = new Date('2026-03-01T00:00:00Z');
    const { install, publisher, updater, publish } = await setup({
      pointerTtlMs: undefined,
      now: () => clock,
    });

    const published = await publish({ 'a.txt': 'a' });
    await updater(keys.publicKeyPem, () => clock).update();
    const rolledBack = await publisher.rollback(published.release);

    const thirtyDays = new Date(clock.getTime() + DEFAULT_SIGNED_POINTER_TTL_MS).toISOString();
    expect(DEFAULT_SIGNED_POINTER_TTL_MS).toBe(30 * 24 * 60 * 60 * 1000);
    expect(published.pointer.expiresAt).toBe(thirtyDays);
    expect(rolledBack.pointer.expiresAt).toBe(thirtyDays);
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'a' }));
    const afterExpiry = () => new Date(clock.getTime() + DEFAULT_SIGNED_POINTER_TTL_MS + 1);
    const expired = await failure(updater(keys.publicKeyPem, afterExpiry).check());
    expect(isPatchError(expired, 'MANIFEST_EXPIRED')).toBe(true);
  });

  it('leaves unsigned pointers without expiry unless pointerTtlMs is set', async () => {
    const { publish } = await env.release();

    const published = await publish({ 'a.txt': 'a' });

    expect(published.pointer.expiresAt).toBeUndefined();
    expect(() => new PatchPublisher({ s3: env.s3, bucket: env.bucket, pointerTtlMs: 0 })).toThrow(
      /pointerTtlMs/,
    );
  });

  it('refuses a signed pointer without expiresAt on a fresh install (FRESHNESS_REQUIRED), not on an installed one', async () => {
    const { install, updater, publish } = await setup({ pointerTtlMs: false });
    await publish({ 'a.txt': 'a' });

    const fresh = await failure(updater().update());
    expect(isPatchError(fresh, 'FRESHNESS_REQUIRED')).toBe(true);
    expect(await hashTree(install)).toEqual({});

    // The same install, given a floor instead: installs, and from then on its installed sequence protects it.
    await updater(keys.publicKeyPem, undefined, { minSequence: 1, requirePointerExpiry: 'never' }).update();
    await publish({ 'a.txt': 'b' });
    await updater().update();
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'b' }));

    // 'always' also refuses it on an installed folder.
    await publish({ 'a.txt': 'c' });
    const always = await failure(
      updater(keys.publicKeyPem, undefined, { requirePointerExpiry: 'always' }).check(),
    );
    expect(isPatchError(always, 'FRESHNESS_REQUIRED')).toBe(true);
  });

  it('refuses a replayed signed pointer below minSequence on a fresh install', async () => {
    const { install, updater, publish, put } = await setup({ pointerTtlMs: false });
    const old = await publish({ 'a.txt': 'old' });
    const current = await publish({ 'a.txt': 'current' });
    await put('version.json', serializeDocument(old.pointer));
    const shipped = { minSequence: current.sequence, requirePointerExpiry: 'never' as const };

    const replayed = await failure(updater(keys.publicKeyPem, undefined, shipped).update());

    expect(isPatchError(replayed, 'ROLLBACK_REJECTED')).toBe(true);
    expect(await hashTree(install)).toEqual({});
    await put('version.json', serializeDocument(current.pointer));
    await updater(keys.publicKeyPem, undefined, shipped).update();
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'current' }));
  });
});

describe('signed chunked releases (format 2)', () => {
  const files = { 'a.txt': 'a', 'data/level.pak': seededBytes(12, 300_000) };

  it('installs a signed chunked release: the pointer and the release record are both signed', async () => {
    const { install, updater, publish } = await setup({ format: 2 });

    const published = await publish(files);
    const result = await updater().update();

    expect(published.pointer.formatVersion).toBe(2);
    expect(published.pointer.signature?.keyId).toBe('test-key');
    expect(published.chunked?.record.signature?.algorithm).toBe('ed25519');
    expect(result.release).toBe(published.release);
    expect(await hashTree(install)).toEqual(hashSpec(files));
    expect(isPatchError(await failure(updater(otherKeys.publicKeyPem).check()), 'SIGNATURE_INVALID')).toBe(
      true,
    );
  });

  it('refuses a file list replaced after signing (it no longer matches the signed record), installing nothing', async () => {
    const { prefix, install, updater, publish, put } = await setup({ format: 2 });
    const published = await publish(files);
    const pin = published.chunked!.record.files;
    const stored = await fetch(`${env.cdn}/${prefix}/${pin.key}`);
    const list = JSON.parse(
      brotliDecompressSync(new Uint8Array(await stored.arrayBuffer())).toString('utf8'),
    ) as ReleaseFileList;
    const tampered = { ...list, files: { ...list.files, 'evil.exe': list.files['a.txt']! } };
    await put(pin.key, brotliCompressSync(Buffer.from(JSON.stringify(tampered))));

    const error = await failure(updater().update());

    expect(isPatchError(error, 'INTEGRITY_MISMATCH')).toBe(true);
    expect(await hashTree(install)).toEqual({});
  });

  it('refuses a release record tampered with after signing, however the pointer is re-pinned', async () => {
    const { install, updater, publish, put } = await setup({ format: 2 });
    const published = await publish(files);
    const record = published.chunked!.record;
    const tamperedText = serializeDocument({ ...record, fileCount: record.fileCount + 1 });
    const pin = { ...published.pointer.manifest, sha256: sha256Hex(tamperedText), size: tamperedText.length };
    await put(published.pointer.manifest.key, tamperedText);

    // The signed pointer still pins the original record's bytes.
    const unpinned = await failure(updater().update());
    // A pointer re-pinned to the tampered record no longer matches its own signature.
    await put('version.json', serializeDocument({ ...published.pointer, manifest: pin }));
    const repinned = await failure(updater().update());
    // Even a pointer signed with the key does not vouch for a record whose own signature fails.
    const { signature: _old, ...unsigned } = { ...published.pointer, manifest: pin };
    await put('version.json', serializeDocument(signDocument(unsigned, 'pointer', keys.privateKeyPem)));
    const resigned = await failure(updater().update());

    expect(isPatchError(unpinned, 'INTEGRITY_MISMATCH')).toBe(true);
    expect(isPatchError(repinned, 'SIGNATURE_INVALID')).toBe(true);
    expect((repinned as Error).message).toMatch(/pointer/);
    expect(isPatchError(resigned, 'SIGNATURE_INVALID')).toBe(true);
    expect((resigned as Error).message).toMatch(/manifest/);
    expect(await hashTree(install)).toEqual({});
  });
});
