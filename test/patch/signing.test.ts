import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SIGNED_POINTER_TTL_MS,
  PatchPublisher,
  PatchUpdater,
  type PatchUpdaterOptions,
  generateSigningKeyPair,
  isPatchError,
  releaseManifestKey,
  serializeDocument,
  sha256Hex,
} from '../../src/patch/index.js';
import {
  type PatchStack,
  hashSpec,
  hashTree,
  startPatchStack,
  temporaryFolder,
  writeTree,
} from './support.js';

let env: PatchStack;
let s3: S3Client;
let counter = 0;
const keys = generateSigningKeyPair();
const otherKeys = generateSigningKeyPair();

beforeAll(async () => {
  env = await startPatchStack('patch-sign');
  s3 = env.stack.clients.s3;
});

afterAll(async () => {
  await env.stack.stop();
});

/**
 * A signing publisher; its pointers expire after an hour unless `pointerTtlMs` says otherwise (`false`: no expiry,
 * `undefined`: the publisher's default for signed pointers).
 */
async function setup(options: { pointerTtlMs?: number | false | undefined; now?: () => Date } = {}) {
  const prefix = `signed-${++counter}`;
  const source = await temporaryFolder('sgk-src-');
  const install = await temporaryFolder('sgk-install-');
  const publisher = new PatchPublisher({
    s3,
    bucket: env.bucket,
    prefix,
    // These tests tamper with format-1 documents; chunked.test.ts signs and tampers with format 2.
    format: 1,
    signingKey: keys.privateKeyPem,
    keyId: 'test-key',
    ...('pointerTtlMs' in options ? {} : { pointerTtlMs: 3_600_000 }),
    ...options,
  });
  const updater = (
    publicKey = keys.publicKeyPem,
    now?: () => Date,
    extra: Partial<PatchUpdaterOptions> = {},
  ) =>
    new PatchUpdater({
      cdnUrl: env.cdn,
      prefix,
      installDir: install,
      publicKey,
      retryBaseDelayMs: 10,
      ...(now ? { now } : {}),
      ...extra,
    });
  const publish = async (files: Record<string, string | null>) => {
    await writeTree(source, files);
    await publisher.scan(source);
    return publisher.publish();
  };
  const putText = (key: string, body: string) =>
    s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: `${prefix}/${key}`, Body: body }));
  return { prefix, install, publisher, updater, publish, putText };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
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
    const { updater, publish, putText } = await setup();
    const published = await publish({ 'a.txt': 'a' });
    const { signature: _dropped, ...unsigned } = published.pointer;
    await putText('version.json', serializeDocument(unsigned));

    expect(isPatchError(await failure(updater().check()), 'SIGNATURE_INVALID')).toBe(true);
  });

  it('rejects a manifest tampered with after signing, and installs nothing', async () => {
    const { install, updater, publish, putText } = await setup();
    const published = await publish({ 'a.txt': 'a' });
    const tampered = {
      ...published.manifest,
      files: { ...published.manifest.files, 'evil.exe': published.manifest.files['a.txt']! },
    };
    await putText(releaseManifestKey(published.release), serializeDocument(tampered));

    const error = await failure(updater().update());

    expect(isPatchError(error, 'SIGNATURE_INVALID')).toBe(true);
    expect(await hashTree(install)).toEqual({});
  });

  it('rejects a pointer whose release was swapped after signing', async () => {
    const { updater, publish, putText } = await setup();
    await publish({ 'a.txt': 'a' });
    const second = await publish({ 'a.txt': 'b' });
    await putText('version.json', serializeDocument({ ...second.pointer, sequence: 7 }));

    expect(isPatchError(await failure(updater().check()), 'SIGNATURE_INVALID')).toBe(true);
  });

  it('rejects manifest bytes that differ from the hash the signed pointer pins', async () => {
    const { updater, publish, putText } = await setup();
    const published = await publish({ 'a.txt': 'a' });
    await putText(
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
    const { updater, publish, putText } = await setup();
    const first = await publish({ 'a.txt': 'a' });
    await publish({ 'a.txt': 'b' });
    await updater().update();
    await putText('version.json', serializeDocument(first.pointer));

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
    const { updater, publish, putText } = await setup({ pointerTtlMs: 60 * 60_000, now: () => clock });
    const old = await publish({ 'a.txt': 'vulnerable' });
    clock = new Date('2026-03-02T00:00:00Z');
    await publish({ 'a.txt': 'fixed' });
    const later = () => new Date('2026-03-02T00:10:00Z');
    await putText('version.json', serializeDocument(old.pointer));

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
    const prefix = `unsigned-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    await writeTree(source, { 'a.txt': 'a' });
    const unsigned = new PatchPublisher({ s3, bucket: env.bucket, prefix });
    await unsigned.scan(source);

    const published = await unsigned.publish();

    expect(published.pointer.expiresAt).toBeUndefined();
    expect(() => new PatchPublisher({ s3, bucket: env.bucket, pointerTtlMs: 0 })).toThrow(/pointerTtlMs/);
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
    const { install, updater, publish, putText } = await setup({ pointerTtlMs: false });
    const old = await publish({ 'a.txt': 'old' });
    const current = await publish({ 'a.txt': 'current' });
    await putText('version.json', serializeDocument(old.pointer));
    const shipped = { minSequence: current.sequence, requirePointerExpiry: 'never' as const };

    const replayed = await failure(updater(keys.publicKeyPem, undefined, shipped).update());

    expect(isPatchError(replayed, 'ROLLBACK_REJECTED')).toBe(true);
    expect(await hashTree(install)).toEqual({});
    await putText('version.json', serializeDocument(current.pointer));
    await updater(keys.publicKeyPem, undefined, shipped).update();
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'current' }));
  });
});
