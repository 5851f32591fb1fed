/**
 * versionId mode (each file at its own path, S3 versioning keeping every copy). The local S3 server has no bucket
 * versioning, so these tests run the real PatchPublisher and PatchUpdater against a mocked S3 client
 * (aws-sdk-client-mock) for exactly what the local server cannot answer: `GetBucketVersioning` (answered
 * `Enabled`) and the `VersionId` in `PutObject` responses. Every other call, and every upload, goes through to the
 * real local S3 server; players download through the local stack's CDN route.
 */
import {
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { localClientConfig } from '../../src/local/client-config.js';
import { isPatchError } from '../../src/patch/index.js';
import { hashSpec, hashTree, startPatchSuite, writeTree } from './support.js';

const env = startPatchSuite('patch-vid', { updater: { retryBaseDelayMs: 10 } });

/** An S3 client whose versioning calls are mocked and whose other calls reach the real local S3 server. */
function versionedS3(): { client: S3Client; versions: string[] } {
  const real = env.s3;
  const client = new S3Client(localClientConfig(env.stack.endpoints.s3));
  const versions: string[] = [];
  const mock = mockClient(client);
  mock.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  mock.on(PutObjectCommand).callsFake(async (input: PutObjectCommand['input']) => {
    const output = await real.send(new PutObjectCommand(input));
    const versionId = `v${versions.length + 1}-${String(input.Key).length}`;
    versions.push(versionId);
    return { ...output, VersionId: versionId };
  });
  mock
    .on(GetObjectCommand)
    .callsFake((input: GetObjectCommand['input']) => real.send(new GetObjectCommand(input)));
  mock
    .on(HeadObjectCommand)
    .callsFake((input: HeadObjectCommand['input']) => real.send(new HeadObjectCommand(input)));
  return { client, versions };
}

/** A fresh release line published in versionId mode through the versioned client. */
async function setup(files: Record<string, string>) {
  const { client, versions } = versionedS3();
  const release = await env.release(files, { publisher: { s3: client, mode: 'versionId' } });
  return { ...release, versions };
}

describe('versionId mode (mocked S3 versioning, real local S3 and CDN otherwise)', () => {
  it('stores files at <prefix>/<path>, records each VersionId, and has clients fetch ?versionId=', async () => {
    const { prefix, source, install, publisher, updater, network } = await setup({
      'test1.txt': 'one',
      'test/test2.txt': 'two',
    });
    await publisher.scan(source);

    const published = await publisher.publish();
    await updater.update();

    expect(published.manifest.mode).toBe('versionId');
    expect(published.manifest.files['test/test2.txt']?.key).toBe('test/test2.txt');
    const versionId = published.manifest.files['test/test2.txt']?.versionId;
    expect(versionId).toMatch(/^v\d+-/);
    expect(network.requests.map((request) => request.url)).toContain(
      `${env.cdn}/${prefix}/test/test2.txt?versionId=${versionId}`,
    );
    expect(await hashTree(install)).toEqual(hashSpec({ 'test1.txt': 'one', 'test/test2.txt': 'two' }));
  });

  it('uploads only the changed file and keeps the VersionId of the others', async () => {
    const { source, publisher, updater, versions, network } = await setup({ 'a.txt': 'a', 'b.txt': 'b' });
    await publisher.scan(source);
    const first = await publisher.publish();
    await updater.update();
    const uploadsBefore = versions.length;
    network.requests.length = 0;

    await writeTree(source, { 'b.txt': 'b2' });
    await publisher.scan(source);
    const second = await publisher.publish();
    const pulled = await updater.update();

    // The changed file, the release manifest and the pointer.
    expect(versions.length - uploadsBefore).toBe(3);
    expect(second.manifest.files['a.txt']?.versionId).toBe(first.manifest.files['a.txt']?.versionId);
    expect(second.manifest.files['b.txt']?.versionId).not.toBe(first.manifest.files['b.txt']?.versionId);
    expect(pulled.bytesFetched).toBe(2);
  });

  it('publishes and installs 0-byte files', async () => {
    const files = { '.gitkeep': '', 'config/empty.ini': '', 'a.txt': 'a' };
    const { source, install, publisher, updater, network } = await setup(files);
    await publisher.scan(source);

    const published = await publisher.publish();
    await updater.update();

    expect(published.manifest.files['.gitkeep']?.size).toBe(0);
    expect(await hashTree(install)).toEqual(hashSpec(files));
    expect(network.requests.filter((request) => request.url.includes('versionId='))).toHaveLength(1);
  });

  it('refuses a top-level file that would clash with version.json in versionId mode', async () => {
    const { source, publisher } = await setup({ 'version.json': '{}' });
    await publisher.scan(source);

    const error = await publisher.plan().catch((caught: unknown) => caught);

    expect(isPatchError(error, 'UNSAFE_PATH')).toBe(true);
  });
});

describe('versionId mode against the real local S3 server', () => {
  it('says clearly that bucket versioning is disabled', async () => {
    const { source, publisher } = await env.release({ 'a.txt': 'a' }, { publisher: { mode: 'versionId' } });
    await publisher.scan(source);

    const error = await publisher.publish().catch((caught: unknown) => caught);

    expect(isPatchError(error, 'VERSIONING_DISABLED')).toBe(true);
    expect((error as Error).message).toMatch(/put-bucket-versioning/);
  });
});
