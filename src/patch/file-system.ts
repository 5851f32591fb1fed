import type { Stats } from 'node:fs';
import { copyFile, lstat, mkdir, open, rename, rm, rmdir, unlink } from 'node:fs/promises';

/**
 * The file system calls an update makes in the install folder, as one object the updater takes as an option
 * (`PatchUpdaterOptions.fileSystem`). The default is `node:fs/promises`; tests pass a wrapper that fails chosen
 * calls (EACCES, ENOSPC, EBUSY…) to prove that an update always ends with the whole previous or the whole new
 * release. Every method behaves like its `node:fs/promises` namesake.
 *
 * @example
 * ```ts
 * import { PatchUpdater, nodeFileSystem, type PatchFileSystem } from 'serverless-game-kit/patch';
 *
 * const logging: PatchFileSystem = {
 *   ...nodeFileSystem,
 *   rename: async (from, to) => {
 *     console.log('rename', from, to);
 *     await nodeFileSystem.rename(from, to);
 *   },
 * };
 * new PatchUpdater({ cdnUrl: 'https://cdn.example.com', installDir: './game', fileSystem: logging });
 * ```
 */
export interface PatchFileSystem {
  /** Never follows a symbolic link (or Windows junction): reports the link itself. */
  lstat: (path: string) => Promise<Stats>;
  /** Creates one folder (never recursive, so it never creates folders through a link). */
  mkdir: (path: string) => Promise<void>;
  rename: (from: string, to: string) => Promise<void>;
  unlink: (path: string) => Promise<void>;
  /** Removes an empty folder. */
  rmdir: (path: string) => Promise<void>;
  /** Removes a folder of the patch module's own (staging, backups) and everything in it; no error if missing. */
  removeTree: (path: string) => Promise<void>;
  /** Creates or truncates `path`, writes `data` and fsyncs it. */
  writeFileSynced: (path: string, data: string | Uint8Array) => Promise<void>;
  copyFile: (from: string, to: string) => Promise<void>;
}

/**
 * {@link PatchFileSystem} on `node:fs/promises`: what the updater uses unless told otherwise.
 *
 * @example
 * ```ts
 * import { nodeFileSystem } from 'serverless-game-kit/patch';
 *
 * const info = await nodeFileSystem.lstat('./game/data');
 * ```
 */
export const nodeFileSystem: PatchFileSystem = {
  lstat: (path) => lstat(path),
  mkdir: async (path) => {
    await mkdir(path);
  },
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
  rmdir: (path) => rmdir(path),
  removeTree: (path) => rm(path, { recursive: true, force: true }),
  writeFileSynced: async (path, data) => {
    const handle = await open(path, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  copyFile: (from, to) => copyFile(from, to),
};

/** The `code` of a Node.js system error (`'ENOENT'`, `'EACCES'`…), or `undefined`. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `lstat`, or `undefined` when nothing is there (other errors are thrown). */
export async function lstatOrUndefined(fs: PatchFileSystem, path: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}
