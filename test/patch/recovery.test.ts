import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renameWithRetry } from '../../src/patch/atomic-file.js';
import { PatchPublisher, PatchUpdater, isPatchError } from '../../src/patch/index.js';
import { type ApplyJournal, stateLayout, writeInstallState, writeJournal } from '../../src/patch/state.js';
import { hashSpec, hashTree, temporaryFolder, writeTree } from './support.js';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const offline = (installDir: string) =>
  new PatchUpdater({ cdnUrl: 'http://127.0.0.1:9', installDir, attempts: 1 });

/** An install of release `old` ({a.txt: 'old a', gone.txt: 'gone'}) with a committed journal towards `new`. */
async function interruptedInstall(): Promise<{ install: string; journal: ApplyJournal }> {
  const install = await temporaryFolder('sgk-install-');
  const layout = stateLayout(install);
  await writeTree(install, { 'a.txt': 'old a', 'gone.txt': 'gone' });
  await writeInstallState(layout, {
    formatVersion: 1,
    release: 'old',
    sequence: 1,
    installedAt: '2026-01-01T00:00:00Z',
    files: { 'a.txt': { size: 5, sha256: sha('old a') }, 'gone.txt': { size: 4, sha256: sha('gone') } },
  });
  await mkdir(join(layout.stagingDir, 'blobs'), { recursive: true });
  await writeFile(join(layout.stagingDir, 'blobs', sha('new a')), 'new a');
  await writeFile(join(layout.stagingDir, 'blobs', sha('b')), 'b');
  const journal: ApplyJournal = {
    formatVersion: 1,
    release: 'new',
    createdAt: '2026-01-02T00:00:00Z',
    writes: [
      { path: 'a.txt', source: `blobs/${sha('new a')}`, sha256: sha('new a'), size: 5 },
      { path: 'dir/b.txt', source: `blobs/${sha('b')}`, sha256: sha('b'), size: 1 },
    ],
    deletes: [{ path: 'gone.txt', sha256: sha('gone') }],
    state: {
      formatVersion: 1,
      release: 'new',
      sequence: 2,
      installedAt: '2026-01-02T00:00:00Z',
      files: { 'a.txt': { size: 5, sha256: sha('new a') }, 'dir/b.txt': { size: 1, sha256: sha('b') } },
    },
  };
  await writeJournal(layout, journal);
  return { install, journal };
}

describe('crash recovery', () => {
  it('finishes a committed journal on the next run, without the network', async () => {
    const { install } = await interruptedInstall();

    const recovered = await offline(install).recover();

    expect(recovered).toBe(true);
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'new a', 'dir/b.txt': 'b' }));
    expect((await offline(install).readState())?.release).toBe('new');
    expect(existsSync(stateLayout(install).journalPath)).toBe(false);
    expect(existsSync(stateLayout(install).stagingDir)).toBe(false);
  });

  it('finishes a journal that was already half applied', async () => {
    const { install } = await interruptedInstall();
    const layout = stateLayout(install);
    // The crash came after the first rename: a.txt is new and its staged file is gone.
    await rename(join(layout.stagingDir, 'blobs', sha('new a')), join(install, 'a.txt'));

    await offline(install).recover();

    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'new a', 'dir/b.txt': 'b' }));
  });

  it('forgets a journal whose staged files vanished and keeps the old state', async () => {
    const { install } = await interruptedInstall();
    await rm(stateLayout(install).stagingDir, { recursive: true });

    await offline(install).recover();

    expect((await offline(install).readState())?.release).toBe('old');
    expect(existsSync(stateLayout(install).journalPath)).toBe(false);
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'old a', 'gone.txt': 'gone' }));
  });

  it('never writes through a symbolic link: restores the previous release instead', async () => {
    const { install } = await interruptedInstall();
    const outside = await temporaryFolder('sgk-outside-');
    await symlink(outside, join(install, 'dir'));

    const recovered = await offline(install).recover();

    expect(recovered).toBe(true);
    expect(await hashTree(outside)).toEqual({});
    // a.txt had already been replaced when the link was met: it is back to the previous release. (The link is the
    // player's: it stays.)
    await rm(join(install, 'dir'));
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'old a', 'gone.txt': 'gone' }));
    expect((await offline(install).readState())?.release).toBe('old');
    expect(existsSync(stateLayout(install).journalPath)).toBe(false);
  });

  it('reports a damaged state file as STATE_INVALID', async () => {
    const install = await temporaryFolder('sgk-install-');
    await writeTree(install, { '.sgk-patch/state.json': '{"formatVersion":1' });

    const error = await offline(install)
      .readState()
      .catch((caught: unknown) => caught);

    expect(isPatchError(error, 'STATE_INVALID')).toBe(true);
  });
});

describe('the install lock', () => {
  it('refuses a second updater while a live process holds the lock', async () => {
    const install = await temporaryFolder('sgk-install-');
    await writeTree(install, { '.sgk-patch/lock': String(process.ppid) });

    const error = await offline(install)
      .recover()
      .catch((caught: unknown) => caught);

    expect(isPatchError(error, 'INSTALL_LOCKED')).toBe(true);
  });

  it('takes over a lock left by a process that died', async () => {
    const install = await temporaryFolder('sgk-install-');
    await writeTree(install, { '.sgk-patch/lock': '4194300' });

    const recovered = await offline(install).recover();

    expect(recovered).toBe(false);
    expect(existsSync(join(install, '.sgk-patch', 'lock'))).toBe(false);
  });
});

describe('renameWithRetry', () => {
  it('retries while the file is busy (antivirus, indexers) and then succeeds', async () => {
    const folder = await temporaryFolder();
    await writeFile(join(folder, 'from'), 'x');
    let failures = 2;
    const flakyRename = async (from: string, to: string): Promise<void> => {
      if (failures-- > 0) throw Object.assign(new Error('busy'), { code: 'EBUSY' });
      await rename(from, to);
    };

    await renameWithRetry(join(folder, 'from'), join(folder, 'to'), { rename: flakyRename, baseDelayMs: 1 });

    expect(await readFile(join(folder, 'to'), 'utf8')).toBe('x');
  });

  it('gives up on errors that are not transient', async () => {
    const folder = await temporaryFolder();

    const error = await renameWithRetry(join(folder, 'missing'), join(folder, 'to'), {
      baseDelayMs: 1,
    }).catch((caught: unknown) => caught);

    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});

describe('option validation (before any I/O)', () => {
  it.each([
    [{ cdnUrl: 'not a url', installDir: '/tmp/x' }],
    [{ cdnUrl: 'ftp://example.com', installDir: '/tmp/x' }],
    [{ cdnUrl: 'https://cdn.example.com', installDir: '' }],
    [{ cdnUrl: 'https://cdn.example.com', installDir: '/tmp/x', prefix: '../up' }],
    [{ cdnUrl: 'https://cdn.example.com', installDir: '/tmp/x', concurrency: 0 }],
    [{ cdnUrl: 'https://cdn.example.com', installDir: '/tmp/x', publicKey: 'not a key' }],
  ])('PatchUpdater refuses %j', (options) => {
    expect(() => new PatchUpdater(options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });

  it.each([
    [{ bucket: '' }],
    [{ bucket: 'b', mode: 'magic' as never }],
    [{ bucket: 'b', prefix: 'a/../b' }],
    [{ bucket: 'b', partSizeBytes: 1024 }],
    [{ bucket: 'b', concurrency: 0 }],
    [{ bucket: 'b', keyId: 'k' }],
  ])('PatchPublisher refuses %j', (options) => {
    expect(() => new PatchPublisher(options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });

  it('asks for a scan before planning', async () => {
    const error = await new PatchPublisher({ bucket: 'b', s3: {} as never })
      .plan()
      .catch((caught: unknown) => caught);

    expect(isPatchError(error, 'INVALID_OPTIONS')).toBe(true);
  });

  it('stops an update with ABORTED when the signal has fired', async () => {
    const install = await temporaryFolder('sgk-install-');

    const error = await offline(install)
      .update({ signal: AbortSignal.abort() })
      .catch((caught: unknown) => caught);

    expect(isPatchError(error, 'ABORTED')).toBe(true);
  });
});
