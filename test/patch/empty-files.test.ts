/**
 * 0-byte files (`.gitkeep`, an empty config) through publish, update, rollback, status and the CLI, against the
 * local S3 server and CDN route.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadVerified, isPatchError } from '../../src/patch/index.js';
import {
  type TreeSpec,
  hashSpec,
  hashTree,
  recordingFetch,
  sgk,
  startPatchSuite,
  temporaryFolder,
  writeTree,
} from './support.js';

const env = startPatchSuite('patch-empty', { cliEnvironment: true });

const first: TreeSpec = { '.gitkeep': '', 'config/empty.ini': '', 'a.txt': 'a', 'logs/.gitkeep': '' };

describe('0-byte files', () => {
  it('publish, update, change, roll back and report status with empty files', async () => {
    const { source, install, publisher, updater, network } = await env.release(first);
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
    const { prefix, source, install } = await env.folders(first);

    await sgk('patch', 'publish', source, ...env.bucketArgs(prefix), '--release', 'v1');
    const pulled = await sgk('patch', 'pull', `${env.cdn}/${prefix}`, install);
    const status = JSON.parse(
      await sgk('patch', 'status', install, '--cdn', env.cdn, '--prefix', prefix, '--json'),
    ) as Record<string, unknown>;

    expect(pulled).toContain('Updated to v1.');
    expect(await hashTree(install)).toEqual(hashSpec(first));
    expect(status).toMatchObject({ installed: 'v1', published: 'v1', download: 0, upToDate: true });
  });
});
