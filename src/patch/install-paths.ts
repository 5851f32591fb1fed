import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchError } from './errors.js';
import { type PatchFileSystem, lstatOrUndefined } from './file-system.js';
import { resolveInside } from './paths.js';

function linkError(root: string, path: string, at: string): PatchError {
  return new PatchError(
    'UNSAFE_PATH',
    `${JSON.stringify(at)} in ${root} is a symbolic link or junction, on the way to ${JSON.stringify(path)}: the update never writes through links (move the folder back, or install elsewhere).`,
    { path },
  );
}

function conflictError(root: string, path: string, detail: string): PatchError {
  return new PatchError('PATH_CONFLICT', `Cannot install ${JSON.stringify(path)} in ${root}: ${detail}.`, {
    path,
  });
}

/**
 * Throws unless the release could put a file at manifest path `path`, looking at the install as it is, never
 * following links: no symbolic link or junction on the way (`UNSAFE_PATH`), no file where a folder is needed and
 * no folder where the file goes (`PATH_CONFLICT`), unless `removable(path)` says this update deletes it (an
 * installed file the release drops, still as installed). Called at check time, before anything is staged, for
 * every file an update writes.
 *
 * @throws {PatchError} `UNSAFE_PATH`, `PATH_CONFLICT`
 * @example
 * ```ts
 * import { assertInstallable, nodeFileSystem } from 'serverless-game-kit/patch';
 *
 * await assertInstallable(nodeFileSystem, '/games/mygame', 'data/level1.pak', () => false);
 * ```
 */
export async function assertInstallable(
  fs: PatchFileSystem,
  root: string,
  path: string,
  removable: (path: string) => boolean,
): Promise<void> {
  const segments = path.split('/');
  for (let length = 1; length < segments.length; length++) {
    const ancestor = segments.slice(0, length).join('/');
    const info = await lstatOrUndefined(fs, resolveInside(root, ancestor));
    if (info === undefined) return;
    if (info.isSymbolicLink()) throw linkError(root, path, ancestor);
    if (info.isDirectory()) continue;
    if (info.isFile() && removable(ancestor)) return;
    throw conflictError(root, path, `${JSON.stringify(ancestor)} is a file the release does not own`);
  }
  const target = resolveInside(root, path);
  const info = await lstatOrUndefined(fs, target);
  if (info === undefined || info.isFile()) return;
  if (info.isSymbolicLink()) throw linkError(root, path, path);
  if (!info.isDirectory()) throw conflictError(root, path, 'something other than a file is there');
  const foreign = await firstForeignEntry(fs, target, path, removable);
  if (foreign !== undefined) {
    throw conflictError(
      root,
      path,
      `it is a folder holding ${JSON.stringify(foreign)}, which the release does not own`,
    );
  }
}

/** The first entry under folder `path` that is not a file this update removes, or `undefined`. */
async function firstForeignEntry(
  fs: PatchFileSystem,
  absolute: string,
  path: string,
  removable: (path: string) => boolean,
): Promise<string | undefined> {
  for (const name of await readdir(absolute)) {
    const child = `${path}/${name}`;
    const info = await fs.lstat(join(absolute, name));
    if (info.isDirectory()) {
      const foreign = await firstForeignEntry(fs, join(absolute, name), child, removable);
      if (foreign !== undefined) return foreign;
    } else if (!info.isFile() || !removable(child)) {
      return child;
    }
  }
  return undefined;
}

/**
 * Creates the folders of manifest folder path `folder` (`''` is the install root) one at a time, never through a
 * link: an existing link on the way throws `UNSAFE_PATH`, a file on the way is handed to `fileInWay` (which may
 * move it aside) and throws `PATH_CONFLICT` if it is still there.
 *
 * @throws {PatchError} `UNSAFE_PATH`, `PATH_CONFLICT`; file system errors as they are.
 */
export async function ensureFolders(
  fs: PatchFileSystem,
  root: string,
  folder: string,
  fileInWay: (path: string) => Promise<void>,
): Promise<void> {
  if (folder === '') return;
  const segments = folder.split('/');
  const handed = new Set<string>();
  for (let length = 1; length <= segments.length; length++) {
    const path = segments.slice(0, length).join('/');
    const absolute = resolveInside(root, path);
    const info = await lstatOrUndefined(fs, absolute);
    if (info?.isFile() && !handed.has(path)) {
      handed.add(path);
      await fileInWay(path);
      // Moving the file aside may have removed its now-empty parent folders: walk again from the root.
      length = 0;
      continue;
    }
    if (info === undefined) {
      await fs.mkdir(absolute);
      continue;
    }
    if (info.isSymbolicLink()) throw linkError(root, folder, path);
    if (!info.isDirectory()) {
      throw conflictError(root, folder, `${JSON.stringify(path)} is a file the release does not own`);
    }
  }
}

/** The manifest folder path of manifest path `path` (`''` for a top-level file). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
