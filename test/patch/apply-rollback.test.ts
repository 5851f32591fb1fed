/**
 * The releases that used to brick an install, through the local S3 server and CDN route: each ends with a typed
 * error and the whole previous release (or success), nothing outside the install, and the next good release
 * installing.
 */
import { existsSync } from 'node:fs';
import { chmod, open, rename, rm, symlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type PatchFileSystem,
  isPatchError,
  nodeFileSystem,
  releaseManifestKey,
  serializeDocument,
  sha256Hex,
  stateLayout,
} from '../../src/patch/index.js';
import {
  type TreeSpec,
  failure,
  hashSpec,
  hashTree,
  startPatchSuite,
  temporaryFolder,
  writeTree,
} from './support.js';

// Format 1: these tests write hostile format-1 manifests by hand (format 2 file lists run the same path checks).
const env = startPatchSuite('patch-rollback', {
  publisher: { format: 1 },
  updater: { retryBaseDelayMs: 10 },
});
const v1: TreeSpec = { 'a.txt': 'a1', 'old.txt': 'old', 'data/level.pak': 'level 1' };

describe('releases that used to brick an install', () => {
  it('refuses a manifest with both x and x/y before staging anything; the next release installs', async () => {
    const { install, updater, publish, put } = await env.release(v1);
    const first = await publish();
    await updater.update();
    const hostile = {
      ...first.manifest,
      release: 'hostile',
      sequence: 2,
      files: {
        'a.txt': first.manifest.files['a.txt']!,
        x: first.manifest.files['old.txt']!,
        'x/y': first.manifest.files['old.txt']!,
      },
    };
    const manifestText = serializeDocument(hostile);
    await put(releaseManifestKey('hostile'), manifestText);
    const pointer = {
      ...first.pointer,
      release: 'hostile',
      sequence: 2,
      manifest: {
        key: releaseManifestKey('hostile'),
        sha256: sha256Hex(manifestText),
        size: manifestText.length,
      },
    };
    await put('version.json', serializeDocument(pointer));

    const error = await failure(updater.update());

    expect(isPatchError(error, 'PATH_COLLISION')).toBe(true);
    expect((error as Error).message).toContain('"x/y"');
    expect(await hashTree(install)).toEqual(hashSpec(v1));
    expect(existsSync(stateLayout(install).journalPath)).toBe(false);
    // The publisher's fix: the pointer names the good release again, then a new release.
    await put('version.json', serializeDocument(first.pointer));
    await expect(publish({ 'a.txt': 'a2' })).resolves.toMatchObject({ sequence: 2 });
    await updater.update();
    expect(await hashTree(install)).toEqual(hashSpec({ ...v1, 'a.txt': 'a2' }));
  });

  it('refuses a subfolder that is a symbolic link at check time, writing nothing anywhere', async () => {
    const { install, updater, publish } = await env.release(v1);
    await publish();
    await updater.update();
    // The player moves data/ to another disk and links it back.
    const otherDisk = await temporaryFolder('sgk-other-disk-');
    await rename(join(install, 'data'), join(otherDisk, 'data'));
    await symlink(join(otherDisk, 'data'), join(install, 'data'), 'junction');
    await publish({ 'a.txt': 'a2', 'data/level.pak': 'level 2', 'data/new/deep.pak': 'deep' });

    const error = await failure(updater.update());

    expect(isPatchError(error, 'UNSAFE_PATH')).toBe(true);
    expect((error as { path?: string }).path).toMatch(/^data\//);
    expect(await hashTree(join(otherDisk, 'data'))).toEqual(hashSpec({ 'level.pak': 'level 1' }));
    await rm(join(install, 'data'));
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'a1', 'old.txt': 'old' }));
    expect(existsSync(stateLayout(install).journalPath)).toBe(false);
    // The player moves the folder back: the release installs.
    await rename(join(otherDisk, 'data'), join(install, 'data'));
    await updater.update();
    expect(await hashTree(install)).toEqual(
      hashSpec({ ...v1, 'a.txt': 'a2', 'data/level.pak': 'level 2', 'data/new/deep.pak': 'deep' }),
    );
  });

  it('refuses a folder of the player where the release puts a file (PATH_CONFLICT)', async () => {
    const { install, updater, publish } = await env.release(v1);
    await publish();
    await updater.update();
    await writeTree(install, { 'notes/mine.txt': 'player' });
    await publish({ notes: 'a release file' });

    const error = await failure(updater.update());

    expect(isPatchError(error, 'PATH_CONFLICT')).toBe(true);
    expect(await hashTree(install)).toEqual(hashSpec({ ...v1, 'notes/mine.txt': 'player' }));
    await rm(join(install, 'notes'), { recursive: true });
    await updater.update();
    expect(await hashTree(install)).toEqual(hashSpec({ ...v1, notes: 'a release file' }));
  });
});

/** The node file system, with `guard(...paths)` called before each of `operations` (it throws to refuse). */
function guardedFileSystem(
  guard: (...paths: string[]) => void,
  operations: Array<'rename' | 'unlink' | 'mkdir'>,
): PatchFileSystem {
  const guarded: PatchFileSystem = { ...nodeFileSystem };
  if (operations.includes('rename'))
    guarded.rename = async (from, to) => {
      guard(from, to);
      await nodeFileSystem.rename(from, to);
    };
  if (operations.includes('unlink'))
    guarded.unlink = async (path) => {
      guard(path);
      await nodeFileSystem.unlink(path);
    };
  if (operations.includes('mkdir'))
    guarded.mkdir = async (path) => {
      guard(path);
      await nodeFileSystem.mkdir(path);
    };
  return guarded;
}

/**
 * Permission checks as the kernel makes them for a user without write access to `folder`: renaming or removing
 * entries in it, or creating entries, fails with EACCES. Used on top of a real `chmod 0555`, which root ignores.
 */
function readOnlyFolder(folder: string): { fs: PatchFileSystem; lift: () => void } {
  let active = true;
  const inside = (path: string): boolean => {
    const fromFolder = relative(folder, path);
    return !fromFolder.startsWith('..') && fromFolder !== '' && !fromFolder.includes(sep);
  };
  const guard = (...paths: string[]): void => {
    if (active && paths.some(inside)) {
      throw Object.assign(new Error(`EACCES: permission denied, ${paths.join(' -> ')}`), { code: 'EACCES' });
    }
  };
  return {
    fs: guardedFileSystem(guard, ['rename', 'unlink', 'mkdir']),
    lift: () => {
      active = false;
    },
  };
}

/**
 * A file held open by the running game, as Windows treats it: while held, renaming or deleting it fails with
 * EBUSY (Linux and macOS allow both, so the sharing rule is applied here on top of a real open handle).
 */
function heldFile(path: string): {
  fs: PatchFileSystem;
  release: () => Promise<void>;
  hold: () => Promise<void>;
} {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  const guard = (...paths: string[]): void => {
    if (handle && paths.includes(path)) {
      throw Object.assign(new Error(`EBUSY: resource busy or locked, ${paths.join(' -> ')}`), {
        code: 'EBUSY',
      });
    }
  };
  return {
    fs: guardedFileSystem(guard, ['rename', 'unlink']),
    hold: async () => {
      handle = await open(path, 'r');
    },
    release: async () => {
      await handle?.close();
      handle = undefined;
    },
  };
}

describe('a file the update cannot touch', () => {
  it('a read-only folder: APPLY_FAILED (EACCES), the previous release whole, success once writable', async () => {
    const { install, updater, updaterWith, publish } = await env.release(v1);
    await publish();
    await updater.update();
    const guarded = readOnlyFolder(join(install, 'data'));
    const guardedUpdater = updaterWith({ fileSystem: guarded.fs });
    await chmod(join(install, 'data'), 0o555);
    await publish({ 'a.txt': 'a2', 'data/level.pak': 'level 2', 'old.txt': null });

    const error = await failure(guardedUpdater.update());

    expect(isPatchError(error, 'APPLY_FAILED')).toBe(true);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('EACCES');
    expect(await hashTree(install)).toEqual(hashSpec(v1));
    expect(existsSync(stateLayout(install).journalPath)).toBe(false);
    expect((await guardedUpdater.readState())?.sequence).toBe(1);

    await chmod(join(install, 'data'), 0o755);
    guarded.lift();
    await guardedUpdater.update();
    expect(await hashTree(install)).toEqual(hashSpec({ 'a.txt': 'a2', 'data/level.pak': 'level 2' }));
  });

  it('a file held open by the game: APPLY_FAILED (EBUSY), the previous release whole, success once closed', async () => {
    const { install, updater, updaterWith, publish } = await env.release(v1);
    await publish();
    await updater.update();
    const held = heldFile(join(install, 'data', 'level.pak'));
    const gameRunning = updaterWith({ fileSystem: held.fs });
    await held.hold();
    await publish({ 'a.txt': 'a2', 'data/level.pak': 'level 2', 'data/more.pak': 'more' });

    const error = await failure(gameRunning.update());

    expect(isPatchError(error, 'APPLY_FAILED')).toBe(true);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('EBUSY');
    expect((error as { path?: string }).path).toBe('data/level.pak');
    expect(await hashTree(install)).toEqual(hashSpec(v1));

    await held.release();
    const result = await gameRunning.update();
    expect(result.updated).toBe(true);
    expect(await hashTree(install)).toEqual(
      hashSpec({ ...v1, 'a.txt': 'a2', 'data/level.pak': 'level 2', 'data/more.pak': 'more' }),
    );
  });

  it('a read-only file in a writable folder is replaced (as POSIX allows)', async () => {
    const { install, updater, publish } = await env.release(v1);
    await publish();
    await updater.update();
    await chmod(join(install, 'a.txt'), 0o444);
    await publish({ 'a.txt': 'a2' });

    await updater.update();

    expect(await hashTree(install)).toEqual(hashSpec({ ...v1, 'a.txt': 'a2' }));
  });
});
