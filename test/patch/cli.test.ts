import type { S3Client } from '@aws-sdk/client-s3';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerPatchCommand } from '../../src/cli/commands/patch.js';
import { LOCAL_CREDENTIALS } from '../../src/local/client-config.js';
import { isPatchError } from '../../src/patch/index.js';
import {
  type PatchStack,
  hashSpec,
  hashTree,
  seededBigBytes,
  startPatchStack,
  temporaryFolder,
  writeTree,
} from './support.js';

let env: PatchStack;
let s3: S3Client;
let counter = 0;

beforeAll(async () => {
  env = await startPatchStack('patch-cli');
  s3 = env.stack.clients.s3;
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REGION', 'ap-northeast-2');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await env.stack.stop();
});

/** Runs `sgk patch …` on a fresh program and returns what it printed. */
async function sgk(...args: string[]): Promise<string> {
  let output = '';
  const program = new Command('sgk')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerPatchCommand(program, { stdout: { write: (text: string) => (output += text) } });
  await program.parseAsync(['node', 'sgk', ...args]);
  return output;
}

function bucketArgs(prefix: string): string[] {
  return ['--bucket', env.bucket, '--prefix', prefix, '--endpoint', env.stack.endpoints.s3];
}

describe('sgk patch', () => {
  it('publishes a folder and pulls it through the CDN', async () => {
    const prefix = `cli-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, { 'a.txt': 'a', 'data/b.bin': 'b' });

    const published = await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--release', 'v1');
    const pulled = await sgk('patch', 'pull', `${env.cdn}/${prefix}`, install);

    expect(published).toMatch(/objects to upload.*2/);
    expect(published).toContain('Published v1.');
    expect(pulled).toContain('Updated to v1.');
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'a', 'data/b.bin': 'b' }));
  });

  it('uploads nothing with --dry-run', async () => {
    const prefix = `cli-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    await writeTree(source, { 'a.txt': 'a' });

    const output = await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--dry-run');

    expect(output).toContain('Dry run: nothing was uploaded.');
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${prefix}/` }));
    expect(listing.KeyCount ?? 0).toBe(0);
  });

  it('shows the installed release and whether an update is available', async () => {
    const prefix = `cli-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, { 'a.txt': 'a' });
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--release', 'v1');
    await sgk('patch', 'pull', env.cdn, install, '--prefix', prefix);
    await writeTree(source, { 'a.txt': 'changed' });
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--release', 'v2');

    const status = JSON.parse(
      await sgk('patch', 'status', install, '--cdn', env.cdn, '--prefix', prefix, '--json'),
    ) as Record<string, unknown>;

    expect(status).toMatchObject({
      installed: 'v1',
      published: 'v2',
      download: 1,
      downloadBytes: 7,
      fetchBytes: 7,
      upToDate: false,
    });
  });

  it('pull --check reports the chunk bytes a chunked update fetches, not the whole archive', async () => {
    const prefix = `cli-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    const archive = seededBigBytes(6, 6 * 1024 * 1024);
    await writeTree(source, { 'world.pak': archive });
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--release', 'v1');
    await sgk('patch', 'pull', env.cdn, install, '--prefix', prefix);
    archive.set(seededBigBytes(7, 64 * 1024), 3 * 1024 * 1024);
    await writeTree(source, { 'world.pak': archive });
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--release', 'v2');

    const summary = JSON.parse(
      await sgk('patch', 'pull', env.cdn, install, '--prefix', prefix, '--check', '--json'),
    ) as { downloadBytes: number; fetchBytes: number };
    expect(summary.downloadBytes).toBe(archive.length);
    expect(summary.fetchBytes).toBeGreaterThan(0);
    expect(summary.fetchBytes).toBeLessThan(archive.length / 2);
    const text = await sgk('patch', 'pull', env.cdn, install, '--prefix', prefix, '--check');
    expect(text).toContain('to fetch (6.0 MiB of files)');
  });

  it('rolls version.json back to an earlier release', async () => {
    const prefix = `cli-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, { 'a.txt': 'first' });
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--release', 'v1');
    await writeTree(source, { 'a.txt': 'second' });
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--release', 'v2');
    await sgk('patch', 'pull', `${env.cdn}/${prefix}`, install);

    const output = await sgk('patch', 'rollback', 'v1', ...bucketArgs(prefix));
    await sgk('patch', 'pull', `${env.cdn}/${prefix}`, install);

    expect(output).toContain('version.json now points at v1.');
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'first' }));
  });

  it('signs with a key from keygen and refuses a release signed with another key', async () => {
    const prefix = `cli-${++counter}`;
    const keys = await temporaryFolder('sgk-keys-');
    const otherKeys = await temporaryFolder('sgk-keys-');
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, { 'a.txt': 'a' });
    await sgk('patch', 'keygen', '--out', keys);
    await sgk('patch', 'keygen', '--out', otherKeys);
    const signing = ['--signing-key', join(keys, 'private.pem')];
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), ...signing, '--pointer-ttl', '3600');

    const refused = await sgk(
      'patch',
      'pull',
      `${env.cdn}/${prefix}`,
      install,
      '--public-key',
      join(otherKeys, 'public.pem'),
    ).catch((error: unknown) => error);
    const accepted = await sgk(
      'patch',
      'pull',
      `${env.cdn}/${prefix}`,
      install,
      '--public-key',
      join(keys, 'public.pem'),
    );

    expect(isPatchError(refused, 'SIGNATURE_INVALID')).toBe(true);
    expect(accepted).toContain('Updated to');
  });

  it('refuses a pointer signed with --no-pointer-ttl on a fresh install unless a minimum sequence is given', async () => {
    const prefix = `cli-${++counter}`;
    const keys = await temporaryFolder('sgk-keys-');
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, { 'a.txt': 'a' });
    await sgk('patch', 'keygen', '--out', keys);
    await sgk(
      'patch',
      'publish',
      source,
      ...bucketArgs(prefix),
      '--signing-key',
      join(keys, 'private.pem'),
      '--no-pointer-ttl',
    );
    const pull = (...extra: string[]) =>
      sgk(
        'patch',
        'pull',
        `${env.cdn}/${prefix}`,
        install,
        '--public-key',
        join(keys, 'public.pem'),
        ...extra,
      );

    const refused = await pull().catch((error: unknown) => error);
    const accepted = await pull('--min-sequence', '1', '--require-pointer-expiry', 'never');

    expect(isPatchError(refused, 'FRESHNESS_REQUIRED')).toBe(true);
    expect(accepted).toContain('Updated to');
  });

  it('publishes format 1 or format 2 with the chunk sizes and compression given on the command line', async () => {
    const prefix = `cli-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    const text = Buffer.from('{"tile":7,"walkable":true}\n'.repeat(60_000));
    await writeTree(source, { 'map.json': text, 'a.txt': 'a' });
    const keys = async () => {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${prefix}/` }));
      return (listed.Contents ?? []).map((object) => object.Key ?? '');
    };

    const first = await sgk(
      'patch',
      'publish',
      source,
      ...bucketArgs(prefix),
      '--format',
      '1',
      '--release',
      'v1',
    );
    expect(first).toMatch(/format\s*│?\s*1/);
    expect((await keys()).some((key) => key.includes('/blobs/sha256/'))).toBe(true);

    await writeTree(source, { 'a.txt': 'b' });
    const args = [
      '--format',
      '2',
      '--chunk-avg',
      '256KiB',
      '--chunk-threshold',
      '256K',
      '--no-compression',
      '--json',
    ];
    const second = JSON.parse(
      await sgk('patch', 'publish', source, ...bucketArgs(prefix), ...args, '--release', 'v2'),
    ) as {
      pointer: { formatVersion: number };
      chunked: { record: { chunking: unknown; chunkThreshold: number } };
    };
    await sgk('patch', 'pull', `${env.cdn}/${prefix}`, install);

    expect(second.pointer.formatVersion).toBe(2);
    expect(second.chunked.record.chunking).toEqual({
      minSize: 64 * 1024,
      avgSize: 256 * 1024,
      maxSize: 1024 * 1024,
    });
    expect(second.chunked.record.chunkThreshold).toBe(256 * 1024);
    const chunks = (await keys()).filter((key) => key.includes('/chunks/'));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.filter((key) => key.endsWith('.br'))).toEqual([]);
    expect(await hashTree(install)).toEqual(hashSpec({ 'map.json': text, 'a.txt': 'b' }));
  });

  it('documents the format, chunk and compression flags in --help, and refuses a bad size', async () => {
    const program = new Command('sgk');
    registerPatchCommand(program, { stdout: { write: () => true } });
    const publish = program.commands
      .find((command) => command.name() === 'patch')
      ?.commands.find((command) => command.name() === 'publish');

    const help = publish?.helpInformation() ?? '';
    const source = await temporaryFolder('sgk-src-');
    const error = await sgk('patch', 'publish', source, ...bucketArgs('x'), '--chunk-avg', '1XB').catch(
      (caught: unknown) => caught,
    );

    for (const flag of [
      '--format <n>',
      '--chunk-min <size>',
      '--chunk-avg <size>',
      '--chunk-max <size>',
      '--chunk-threshold <size>',
      '--no-compression',
      '--no-pointer-ttl',
    ]) {
      expect(help).toContain(flag);
    }
    expect((error as { code?: string }).code).toBe('commander.invalidArgument');
  });

  it('rejects an unknown addressing mode', async () => {
    const source = await temporaryFolder('sgk-src-');

    const error = await sgk('patch', 'publish', source, ...bucketArgs('x'), '--mode', 'magic').catch(
      (caught: unknown) => caught,
    );

    expect((error as { code?: string }).code).toBe('commander.invalidArgument');
  });
});
