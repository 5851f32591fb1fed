import { stat } from 'node:fs/promises';
import pLimit from 'p-limit';
import {
  type InstallState,
  StatCache,
  hashFile,
  resolveInside,
  stateLayout,
  unsafePathReason,
} from '../patch/index.js';
import { CliError } from './cli-error.js';

/**
 * Refuses an install folder that is not there: `sgk patch status` must not report "nothing installed" for a
 * typo in the path.
 *
 * @throws {CliError} `INSTALL_DIR_NOT_FOUND`
 * @example
 * ```ts
 * await assertInstallFolder('./game');
 * ```
 */
export async function assertInstallFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!info) {
    throw new CliError(
      'INSTALL_DIR_NOT_FOUND',
      `There is no folder ${dir}: check the path (sgk patch pull creates it on the first install).`,
    );
  }
  if (!info.isDirectory()) {
    throw new CliError('INSTALL_DIR_NOT_FOUND', `${dir} is a file, not an install folder.`);
  }
}

/** Installed files that no longer hold what the release put there. */
export interface InstallDamage {
  /** Files whose content (SHA-256) differs from the release's, or that are no longer regular files. */
  changed: string[];
  /** Files of the release that are gone. */
  missing: string[];
}

/**
 * Compares every file the installed release wrote with its SHA-256 in the install state. The updater's stat cache
 * answers for files unchanged since they were last hashed (one `stat` each); the others are read and hashed, so
 * the cost is O(files) stats plus O(bytes of the files changed since). Reads only: nothing is written.
 *
 * @example
 * ```ts
 * const damage = await findDamagedFiles('./game', state);
 * if (damage.changed.length + damage.missing.length > 0) console.log('needs a repair');
 * ```
 */
export async function findDamagedFiles(dir: string, state: InstallState): Promise<InstallDamage> {
  const layout = stateLayout(dir);
  const cache = await StatCache.load(layout.statCachePath);
  const limit = pLimit(4);
  const changed: string[] = [];
  const missing: string[] = [];
  await Promise.all(
    Object.entries(state.files).map(([path, file]) =>
      limit(async () => {
        if (unsafePathReason(path) !== undefined) return;
        const absolute = resolveInside(layout.root, path);
        // `stat`, as the updater's check does, so status and pull agree on what needs fetching.
        const info = await stat(absolute).catch(() => undefined);
        if (!info) missing.push(path);
        else if (!info.isFile()) changed.push(path);
        else {
          const sha256 = cache.lookup(path, info) ?? (await hashFile(absolute)).sha256;
          if (sha256 !== file.sha256) changed.push(path);
        }
      }),
    ),
  );
  return { changed: changed.sort(), missing: missing.sort() };
}
