import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { writeFileAtomic } from './atomic-file.js';
import { PatchError } from './errors.js';
import { type PatchFileSystem, nodeFileSystem } from './file-system.js';
import { STATE_DIR_NAME } from './paths.js';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const installedFile = z.object({ size: z.int().min(0), sha256: sha256Hex });

const stateSchema = z.object({
  formatVersion: z.literal(1),
  release: z.string().min(1),
  /** The pointer sequence installed: a lower one is refused (rollback protection). */
  sequence: z.int().min(0),
  installedAt: z.string(),
  files: z.record(z.string(), installedFile),
});

const journalSchema = z.object({
  formatVersion: z.literal(1),
  release: z.string().min(1),
  createdAt: z.string(),
  /** Staged file (relative to the staging folder) → install path, in order. */
  writes: z.array(
    z.object({ path: z.string(), source: z.string(), sha256: sha256Hex, size: z.int().min(0) }),
  ),
  /** Files the previous release installed and this one drops; removed only while they still hold `sha256`. */
  deletes: z.array(z.object({ path: z.string(), sha256: sha256Hex })),
  state: stateSchema,
  /**
   * `forward` (default): the update is being applied; the next run finishes it, or undoes it if it cannot.
   * `rollback`: applying failed and the previous release is being restored; the next run finishes restoring.
   */
  direction: z.enum(['forward', 'rollback']).optional(),
});

/**
 * What is installed, `<installDir>/.sgk-patch/state.json`: the release, the pointer sequence, and every file the
 * release installed (so an update deletes only those, never the player's own files). Written last.
 */
export type InstallState = z.infer<typeof stateSchema>;

/**
 * The apply journal, `<installDir>/.sgk-patch/journal.json`: written (fsynced) once every new file is verified
 * and staged, removed after the state file (or once the previous release is restored). While it exists, an update
 * is half applied, and the next run rolls it forward, or back when it cannot go forward (every step of both is
 * idempotent), before doing anything else.
 *
 * - `writes[i]`: move `<staging>/<source>` to `<installDir>/<path>` (it must hold `sha256`, `size` bytes). Any
 *   file in the staging folder can be a source: a downloaded blob, a local copy, or a file rebuilt by another
 *   transfer method; whatever was at `path` is first moved to `<stateDir>/backup/w<i>`.
 * - `deletes[i]`: move `<installDir>/<path>` to `<stateDir>/backup/d<i>` while it still holds `sha256`.
 * - `state`: written as `state.json` last.
 */
export type ApplyJournal = z.infer<typeof journalSchema>;

/** Where the patch module keeps its files inside an install folder. */
export interface StateLayout {
  root: string;
  stateDir: string;
  statePath: string;
  journalPath: string;
  lockPath: string;
  stagingDir: string;
  /** What an apply replaced or deleted (`w<i>`, `d<i>`), kept until the journal is finished or undone. */
  backupDir: string;
  statCachePath: string;
}

/**
 * The state paths of install folder `installDir`.
 *
 * @example
 * ```ts
 * import { stateLayout } from 'serverless-game-kit/patch';
 *
 * stateLayout('./game').journalPath; // '<abs>/game/.sgk-patch/journal.json'
 * ```
 */
export function stateLayout(installDir: string): StateLayout {
  const root = resolve(installDir);
  const stateDir = join(root, STATE_DIR_NAME);
  return {
    root,
    stateDir,
    statePath: join(stateDir, 'state.json'),
    journalPath: join(stateDir, 'journal.json'),
    lockPath: join(stateDir, 'lock'),
    stagingDir: join(stateDir, 'staging'),
    backupDir: join(stateDir, 'backup'),
    statCachePath: join(stateDir, 'stat-cache.json'),
  };
}

async function readJson<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PatchError('STATE_INVALID', `Cannot read the ${what} ${path}.`, { cause: error });
  }
  try {
    return schema.parse(JSON.parse(text));
  } catch (error) {
    throw new PatchError('STATE_INVALID', `The ${what} ${path} is damaged; delete it to start over.`, {
      cause: error,
    });
  }
}

/** The installed state, or `undefined` for a folder never updated. @throws {PatchError} `STATE_INVALID` */
export function readInstallState(layout: StateLayout): Promise<InstallState | undefined> {
  return readJson(layout.statePath, stateSchema, 'install state');
}

/** Writes the state atomically (temporary file, fsync, rename). */
export function writeInstallState(
  layout: StateLayout,
  state: InstallState,
  fs: PatchFileSystem = nodeFileSystem,
): Promise<void> {
  return writeFileAtomic(layout.statePath, `${JSON.stringify(state)}\n`, fs);
}

/** The pending journal, if an apply was interrupted. @throws {PatchError} `STATE_INVALID` */
export function readJournal(layout: StateLayout): Promise<ApplyJournal | undefined> {
  return readJson(layout.journalPath, journalSchema, 'apply journal');
}

/** Commits the journal atomically: from here on, the update will be completed or undone. */
export function writeJournal(
  layout: StateLayout,
  journal: ApplyJournal,
  fs: PatchFileSystem = nodeFileSystem,
): Promise<void> {
  return writeFileAtomic(layout.journalPath, `${JSON.stringify(journal)}\n`, fs);
}

/** Removes the journal once the state is written. */
export async function removeJournal(layout: StateLayout): Promise<void> {
  await rm(layout.journalPath, { force: true });
}

/**
 * Takes the install folder's lock file (`.sgk-patch/lock`, holding the owner's pid). A lock whose process is
 * gone (killed, crashed) is taken over.
 *
 * @returns a function that releases the lock.
 * @throws {PatchError} `INSTALL_LOCKED` when a live process holds it.
 */
export async function acquireInstallLock(layout: StateLayout): Promise<() => Promise<void>> {
  await mkdir(layout.stateDir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(layout.lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await rm(layout.lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(layout.lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new PatchError('INSTALL_LOCKED', `Process ${owner} is updating ${layout.root} right now.`);
      }
      await rm(layout.lockPath, { force: true });
    }
  }
  throw new PatchError('INSTALL_LOCKED', `Could not lock ${layout.root}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
