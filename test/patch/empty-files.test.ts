/**
 * 0-byte files (`.gitkeep`, an empty config) through publish, update, rollback, status and the CLI, against the
 * local S3 server and CDN route.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerPatchCommand } from '../../src/cli/commands/patch.js';
import { LOCAL_CREDENTIALS } from '../../src/local/client-config.js';
import { PatchPublisher, PatchUpdater, downloadVerified, isPatchError } from '../../src/patch/index.js';
import {
  type PatchStack,
  type TreeSpec,
  hashSpec,
  hashTree,
  recordingFetch,
  startPatchStack,
  temporaryFolder,
  writeTree,
} from './support.js';

let env: PatchStack;
let s3: S3Client;
let counter = 0;

beforeAll(async () => {
  env = await startPatchStack('patch-empty');
  s3 = env.stack.clients.s3;
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REGION', 'ap-northeast-2');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await env.stack.stop();
});

const first: TreeSpec = { '.gitkeep': '', 'config/empty.ini': '', 'a.txt': 'a', 'logs/.gitkeep': '' };

describe('0-byte files', () => {
  it('publish, update, change, roll back and report status with empty files', async () => {
    const prefix = `empty-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    const publisher = new PatchPublisher({ s3, bucket: env.bucket, prefix });
    const network = recordingFetch();
    const updater = new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install, fetch: network.fetch });
    await writeTree(source, first);
    await publisher.scan(source);
    const v1 = await publisher.publish({ release: 'v1' });

    const installed = await updater.update();

    expect(installed.updated).toBe(true);
    expect(await hashTree(install)).toEqual(hashSpec(first));
    // An empty file needs no request: only the pointer, the release metadata and a.txt's content were fetched.
    const contentRequests = network.requests.filter((request) => /\/(blobs|chunks)\//.test(request.url));
    expect(contentRequests).toHaveLength(1);

    // Release 2: a.txt becomes empty, one empty file goes, a new empty file comes in a new folder.
    const changes: TreeSpec = { 'a.txt': '', 'logs/.gitkeep': null, 'new/dir/.keep': '' };
    await writeTree(source, changes);
    await publisher.scan(source);
    await publisher.publish({ release: 'v2' });
    const second: TreeSpec = { '.gitkeep': '', 'config/empty.ini': '', 'a.txt': '', 'new/dir/.keep': '' };
    expect((await updater.check()).upToDate).toBe(false);

    await updater.update();

    expect(await hashTree(install)).toEqual(hashSpec(second));
    expect(existsSync(join(install, 'logs'))).toBe(false);
    expect((await updater.check()).upToDate).toBe(true);

    await publisher.rollback(v1.release);
    await updater.update();

    expect(await hashTree(install)).toEqual(hashSpec(first));
    expect((await updater.readState())?.release).toBe('v1');
  });

  it('refuses a 0-byte entry whose SHA-256 is not the empty one, without a request', async () => {
    const folder = await temporaryFolder();
    const network = recordingFetch();

    const error = await downloadVerified({
      url: `${env.cdn}/nothing`,
      partPath: join(folder, 'x.part'),
      finalPath: join(folder, 'x'),
      size: 0,
      sha256: 'a'.repeat(64),
      fetch: network.fetch,
    }).catch((caught: unknown) => caught);

    expect(isPatchError(error, 'INTEGRITY_MISMATCH')).toBe(true);
    expect(network.requests).toHaveLength(0);
    expect(existsSync(join(folder, 'x'))).toBe(false);
  });

  it('works through sgk patch publish, pull and status', async () => {
    const prefix = `empty-cli-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, first);
    let output = '';
    const sgk = async (...args: string[]): Promise<string> => {
      output = '';
      const program = new Command('sgk')
        .exitOverride()
        .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
      registerPatchCommand(program, { stdout: { write: (text: string) => (output += text) } });
      await program.parseAsync(['node', 'sgk', ...args]);
      return output;
    };
    const bucket = ['--bucket', env.bucket, '--prefix', prefix, '--endpoint', env.stack.endpoints.s3];

    await sgk('patch', 'publish', source, ...bucket, '--release', 'v1');
    const pulled = await sgk('patch', 'pull', `${env.cdn}/${prefix}`, install);
    const status = JSON.parse(
      await sgk('patch', 'status', install, '--cdn', env.cdn, '--prefix', prefix, '--json'),
    ) as Record<string, unknown>;

    expect(pulled).toContain('Updated to v1.');
    expect(await hashTree(install)).toEqual(hashSpec(first));
    expect(status).toMatchObject({ installed: 'v1', published: 'v1', download: 0, upToDate: true });
  });
});
