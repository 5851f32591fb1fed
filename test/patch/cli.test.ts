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
      upToDate: false,
    });
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

  it('refuses a signed pointer without expiry on a fresh install unless a minimum sequence is given', async () => {
    const prefix = `cli-${++counter}`;
    const keys = await temporaryFolder('sgk-keys-');
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, { 'a.txt': 'a' });
    await sgk('patch', 'keygen', '--out', keys);
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--signing-key', join(keys, 'private.pem'));
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

  it('rejects an unknown addressing mode', async () => {
    const source = await temporaryFolder('sgk-src-');

    const error = await sgk('patch', 'publish', source, ...bucketArgs('x'), '--mode', 'magic').catch(
      (caught: unknown) => caught,
    );

    expect((error as { code?: string }).code).toBe('commander.invalidArgument');
  });
});
