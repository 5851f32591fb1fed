import { Command } from 'commander';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerPatchCommand } from '../../src/cli/commands/patch.js';
import { isPatchError } from '../../src/patch/index.js';
import {
  hashSpec,
  hashTree,
  seededBigBytes,
  sgk,
  startPatchSuite,
  temporaryFolder,
  writeTree,
} from './support.js';

const env = startPatchSuite('patch-cli', { cliEnvironment: true });
const bucketArgs = env.bucketArgs;

/** `sgk patch pull` of a prefix's releases into a folder. */
const pull = (prefix: string, install: string, ...extra: string[]) =>
  sgk('patch', 'pull', `${env.cdn}/${prefix}`, install, ...extra);

describe('sgk patch', () => {
  it('publishes a folder and pulls it through the CDN', async () => {
    const { prefix, source, install } = await env.folders({ 'a.txt': 'a', 'data/b.bin': 'b' });

    const published = await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--release', 'v1');
    const pulled = await pull(prefix, install);

    expect(published).toMatch(/objects to upload.*2/);
    expect(published).toContain('Published v1.');
    expect(pulled).toContain('Updated to v1.');
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'a', 'data/b.bin': 'b' }));
  });

  it('uploads nothing with --dry-run', async () => {
    const { prefix, source } = await env.folders({ 'a.txt': 'a' });

    const output = await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--dry-run');

    expect(output).toContain('Dry run: nothing was uploaded.');
    expect(await env.listKeys(prefix)).toEqual([]);
  });

  it('shows the installed release and whether an update is available', async () => {
    const { prefix, source, install } = await env.folders({ 'a.txt': 'a' });
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
    const archive = seededBigBytes(6, 6 * 1024 * 1024);
    const { prefix, source, install } = await env.folders({ 'world.pak': archive });
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
    const { prefix, source, install } = await env.folders({ 'a.txt': 'first' });
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--release', 'v1');
    await writeTree(source, { 'a.txt': 'second' });
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), '--release', 'v2');
    await pull(prefix, install);

    const output = await sgk('patch', 'rollback', 'v1', ...bucketArgs(prefix));
    await pull(prefix, install);

    expect(output).toContain('version.json now points at v1.');
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'first' }));
  });

  it('signs with a key from keygen and refuses a release signed with another key', async () => {
    const { prefix, source, install } = await env.folders({ 'a.txt': 'a' });
    const keys = await temporaryFolder('sgk-keys-');
    const otherKeys = await temporaryFolder('sgk-keys-');
    await sgk('patch', 'keygen', '--out', keys);
    await sgk('patch', 'keygen', '--out', otherKeys);
    const signing = ['--signing-key', join(keys, 'private.pem')];
    await sgk('patch', 'publish', source, ...bucketArgs(prefix), ...signing, '--pointer-ttl', '3600');

    const refused = await pull(prefix, install, '--public-key', join(otherKeys, 'public.pem')).catch(
      (error: unknown) => error,
    );
    const accepted = await pull(prefix, install, '--public-key', join(keys, 'public.pem'));

    expect(isPatchError(refused, 'SIGNATURE_INVALID')).toBe(true);
    expect(accepted).toContain('Updated to');
  });

  it('refuses a pointer signed with --no-pointer-ttl on a fresh install unless a minimum sequence is given', async () => {
    const { prefix, source, install } = await env.folders({ 'a.txt': 'a' });
    const keys = await temporaryFolder('sgk-keys-');
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
    const pullWithKey = (...extra: string[]) =>
      pull(prefix, install, '--public-key', join(keys, 'public.pem'), ...extra);

    const refused = await pullWithKey().catch((error: unknown) => error);
    const accepted = await pullWithKey('--min-sequence', '1', '--require-pointer-expiry', 'never');

    expect(isPatchError(refused, 'FRESHNESS_REQUIRED')).toBe(true);
    expect(accepted).toContain('Updated to');
  });

  it('publishes format 1 or format 2 with the chunk sizes and compression given on the command line', async () => {
    const text = Buffer.from('{"tile":7,"walkable":true}\n'.repeat(60_000));
    const { prefix, source, install } = await env.folders({ 'map.json': text, 'a.txt': 'a' });
    const keys = () => env.listKeys(prefix);

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
    await pull(prefix, install);

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
