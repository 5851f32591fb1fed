import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { backoffDelay, sleep } from '../core/backoff.js';
import { type PatchFileSystem, nodeFileSystem } from './file-system.js';
import { dirname } from 'node:path';

/**
 * Writes `data` to `path` so that readers see either the old content or the new, never a torn file, even after
 * a crash or power loss: write a temporary file beside it, fsync it, rename it over `path`, fsync the folder. A
 * failed write leaves `path` as it was and no temporary file.
 *
 * @example
 * ```ts
 * await writeFileAtomic('/games/x/.sgk-patch/state.json', JSON.stringify(state));
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  fs: PatchFileSystem = nodeFileSystem,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFileSynced(temporary, data);
    await renameWithRetry(temporary, path, { rename: (from, to) => fs.rename(from, to) });
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await fsyncDirectory(dirname(path));
}

/**
 * Flushes a folder's entries (new names from renames) to disk. Windows cannot open folders for fsync: there it
 * does nothing, and NTFS journals renames itself.
 */
export async function fsyncDirectory(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems (network shares) refuse fsync on folders; the rename itself was still atomic.
  }
}

/** Errors a rename may hit only for a moment: a scanner or indexer holding the file (Windows reports EPERM/EACCES). */
const TRANSIENT_RENAME_ERRORS: ReadonlySet<string> =
  process.platform === 'win32' ? new Set(['EBUSY', 'EPERM', 'EACCES']) : new Set(['EBUSY']);

/**
 * `rename`, retried with backoff for a few seconds on EBUSY (and EPERM/EACCES on Windows): antivirus scanners and
 * indexers briefly lock files that were just written.
 *
 * @param options.attempts - total tries (default 8: up to about 5 s of waits in all, full jitter).
 * @param options.baseDelayMs - ceiling of the first wait (default 50 ms), doubled per try up to 2 s.
 * @param options.rename - the rename function (tests inject failures).
 */
export async function renameWithRetry(
  from: string,
  to: string,
  options: {
    attempts?: number;
    baseDelayMs?: number;
    rename?: (from: string, to: string) => Promise<void>;
    transientCodes?: ReadonlySet<string>;
  } = {},
): Promise<void> {
  const attempts = options.attempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const renameFile = options.rename ?? rename;
  const transient = options.transientCodes ?? TRANSIENT_RENAME_ERRORS;
  for (let attempt = 1; ; attempt++) {
    try {
      await renameFile(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (attempt >= attempts || !transient.has(code)) throw error;
      await sleep(backoffDelay(attempt, { initialDelayMs: baseDelayMs, maxDelayMs: 2_000 }));
    }
  }
}
