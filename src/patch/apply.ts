import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDirectory, renameWithRetry } from './atomic-file.js';
import { PatchError, isPatchError } from './errors.js';
import { type PatchFileSystem, errorCode, lstatOrUndefined, nodeFileSystem } from './file-system.js';
import { hashFile } from './hash.js';
import { ensureFolders, parentOf } from './install-paths.js';
import { resolveInside } from './paths.js';
import type { ApplyJournal, StateLayout } from './state.js';
import { writeInstallState, writeJournal } from './state.js';

/** A point an update passes; `PatchUpdater`'s `onStep` hook sees each (tests kill the process at one). */
export type UpdateStep =
  | { name: 'checked' }
  | { name: 'downloaded'; index: number; sha256: string }
  | { name: 'staged' }
  | { name: 'journal-committed' }
  | { name: 'written'; index: number; path: string }
  | { name: 'deleted'; index: number; path: string }
  | { name: 'state-written' }
  | { name: 'done' };

/** What {@link applyJournal} did. */
export interface ApplyResult {
  written: number;
  deleted: number;
  /** Files the journal said to delete that the player had changed (or that sit behind a link): left in place. */
  kept: string[];
}

/** Options of {@link applyJournal} and {@link undoJournal}. */
export interface ApplyOptions {
  /** The file system calls (default `node:fs/promises`); tests inject failures through it. */
  fs?: PatchFileSystem;
}

const rolledBack = new WeakSet<PatchError>();

/**
 * True for an error {@link applyJournal} threw after restoring the previous release: the install is whole and the
 * journal is gone, so the next update can start afresh.
 */
export function isRolledBack(error: unknown): boolean {
  return error instanceof PatchError && rolledBack.has(error);
}

/**
 * Rolls a committed journal forward, and if that fails for any reason, back:
 *
 * - Forward: for each write, create the missing folders one at a time (never through a link), move whatever is at
 *   the target to `backup/w<i>`, rename the staged file over it (same volume: atomic; retried while scanners hold
 *   files); then move each file the release drops to `backup/d<i>` (only while it still holds the installed bytes);
 *   write the state file; remove the journal, the staging and the backup folders. Every step looks at the disk
 *   first, so running it again after a crash at any point finishes the same update.
 * - Back ({@link undoJournal}), when any step throws (`EACCES`, `ENOSPC`, `EBUSY` on a file the game holds, a
 *   folder in the way, a link, a staged file gone): each new file goes back to the staging folder, each backup back
 *   to its place, folders the update created and left empty are removed, the journal is dropped; the state file
 *   still names the previous release. Then it throws a typed error that {@link isRolledBack} recognises. If
 *   restoring fails too, the journal stays, marked `rollback`, and the next run finishes restoring first.
 *
 * Sources are paths relative to the staging folder, so a file staged by any means (a download, a local copy, a
 * file rebuilt from chunks) is applied the same way.
 *
 * @throws {PatchError} `APPLY_FAILED` (the file system error in `cause`), `UNSAFE_PATH`, `PATH_CONFLICT`.
 * @example
 * ```ts
 * import { applyJournal, stateLayout } from 'serverless-game-kit/patch';
 *
 * // `journal` names files already staged under `<installDir>/.sgk-patch/staging/`.
 * await applyJournal(stateLayout('./game'), journal, async (step) => console.log(step.name));
 * ```
 */
export async function applyJournal(
  layout: StateLayout,
  journal: ApplyJournal,
  onStep: (step: UpdateStep) => Promise<void>,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const run = new JournalRun(layout, journal, options.fs ?? nodeFileSystem);
  if (journal.direction === 'rollback') {
    await run.undo();
    const error = new PatchError('APPLY_FAILED', `The update to ${journal.release} was undone.`);
    rolledBack.add(error);
    throw error;
  }
  try {
    return await run.forward(onStep);
  } catch (failure) {
    const error = asApplyError(failure, run.current);
    await writeJournal(layout, { ...journal, direction: 'rollback' }, run.fs).catch(() => undefined);
    try {
      await run.undo();
    } catch (undoFailure) {
      throw new PatchError(
        'APPLY_FAILED',
        `${error.message} Restoring the previous release failed too (${describe(undoFailure)}); the next run finishes restoring it.`,
        { cause: error, ...(error.path === undefined ? {} : { path: error.path }) },
      );
    }
    rolledBack.add(error);
    throw error;
  }
}

/**
 * Undoes a journal (see {@link applyJournal}): afterwards the install holds the previous release, and the journal
 * and backups are gone. Idempotent: safe to run again after a crash at any point.
 *
 * @throws file system errors as they are (the journal then stays).
 * @example
 * ```ts
 * import { stateLayout, undoJournal } from 'serverless-game-kit/patch';
 *
 * await undoJournal(stateLayout('./game'), journal);
 * ```
 */
export async function undoJournal(
  layout: StateLayout,
  journal: ApplyJournal,
  options: ApplyOptions = {},
): Promise<void> {
  await new JournalRun(layout, journal, options.fs ?? nodeFileSystem).undo();
}

function describe(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.message : String(error));
}

function asApplyError(error: unknown, path: string | undefined): PatchError {
  if (isPatchError(error)) return error;
  const code = errorCode(error);
  const hint =
    code === 'EBUSY' || code === 'EPERM' || code === 'EACCES'
      ? ': close the game (or whatever holds the file), check permissions, and update again'
      : code === 'ENOSPC'
        ? ': free some disk space and update again'
        : '';
  return new PatchError(
    'APPLY_FAILED',
    `Cannot update ${path === undefined ? 'the install' : JSON.stringify(path)} (${describe(error)})${hint}. The previous release was restored.`,
    { cause: error, ...(path === undefined ? {} : { path }) },
  );
}

/** One forward or backward pass over a journal. */
class JournalRun {
  /** The manifest path being worked on, for error messages. */
  current: string | undefined;
  private readonly deletesDone = new Set<number>();
  private readonly kept: string[] = [];
  private deleted = 0;

  constructor(
    private readonly layout: StateLayout,
    private readonly journal: ApplyJournal,
    readonly fs: PatchFileSystem,
  ) {}

  async forward(onStep: (step: UpdateStep) => Promise<void>): Promise<ApplyResult> {
    const { layout, journal, fs } = this;
    for (const [index, write] of journal.writes.entries()) {
      this.current = write.path;
      const target = resolveInside(layout.root, write.path);
      const source = this.sourcePath(index);
      if (!(await lstatOrUndefined(fs, source))?.isFile()) {
        if (await this.holds(target, write.sha256)) continue; // Done before a crash.
        throw new PatchError(
          'APPLY_FAILED',
          `The staged copy of ${write.path} is missing; the update will be downloaded again.`,
          { path: write.path },
        );
      }
      const folder = parentOf(write.path);
      const fileInWay = (path: string): Promise<void> => this.deleteListed(path, onStep);
      await ensureFolders(fs, layout.root, folder, fileInWay);
      let existing = await lstatOrUndefined(fs, target);
      if (existing?.isDirectory()) {
        await this.clearFolder(write.path, target, onStep);
        // Clearing it may have removed its now-empty parent folders too.
        await ensureFolders(fs, layout.root, folder, fileInWay);
        existing = await lstatOrUndefined(fs, target);
      }
      if (existing?.isSymbolicLink()) {
        throw new PatchError(
          'UNSAFE_PATH',
          `${write.path} is a symbolic link; the update does not replace it.`,
          {
            path: write.path,
          },
        );
      }
      if (existing && !(await lstatOrUndefined(fs, this.backupPath('w', index)))) {
        await this.moveAside(target, this.backupPath('w', index));
      }
      await renameWithRetry(source, target, { rename: (from, to) => fs.rename(from, to) });
      await onStep({ name: 'written', index, path: write.path });
    }
    this.current = undefined;
    const touchedFolders = new Set(
      journal.writes.map((write) => dirname(resolveInside(layout.root, write.path))),
    );
    for (const folder of touchedFolders) await fsyncDirectory(folder);

    for (let index = 0; index < journal.deletes.length; index++) await this.deleteOne(index, onStep);

    await writeInstallState(layout, journal.state, fs);
    await onStep({ name: 'state-written' });
    // The new release is installed: a failure to clean up must not undo it (the next run cleans up).
    await this.close(true).catch(() => undefined);
    return { written: journal.writes.length, deleted: this.deleted, kept: this.kept };
  }

  async undo(): Promise<void> {
    const { layout, journal, fs } = this;
    for (let index = journal.writes.length - 1; index >= 0; index--) {
      const write = journal.writes[index];
      if (!write) continue;
      this.current = write.path;
      const target = resolveInside(layout.root, write.path);
      const source = this.sourcePath(index);
      if (!(await lstatOrUndefined(fs, source)) && (await this.holds(target, write.sha256))) {
        await mkdir(dirname(source), { recursive: true });
        await fs.rename(target, source);
      }
      await this.restore(write.path, this.backupPath('w', index));
      await this.pruneEmptyParents(target);
    }
    for (let index = journal.deletes.length - 1; index >= 0; index--) {
      const entry = journal.deletes[index];
      if (entry) await this.restore(entry.path, this.backupPath('d', index));
    }
    this.current = undefined;
    await this.close(false);
  }

  private sourcePath(index: number): string {
    const write = this.journal.writes[index];
    return join(this.layout.stagingDir, ...(write?.source ?? '').split('/'));
  }

  private backupPath(kind: 'w' | 'd', index: number): string {
    return join(this.layout.backupDir, `${kind}${index}`);
  }

  /** Removes the journal, then the backups, and (after success) the staging folder or (after undo) its copies. */
  private async close(succeeded: boolean): Promise<void> {
    await this.fs.removeTree(this.layout.journalPath);
    await this.fs.removeTree(this.layout.backupDir);
    // After an undo the downloaded blobs stay: the next try applies them without downloading again.
    await this.fs.removeTree(succeeded ? this.layout.stagingDir : join(this.layout.stagingDir, 'copies'));
  }

  private async holds(path: string, sha256: string): Promise<boolean> {
    if (!(await lstatOrUndefined(this.fs, path))?.isFile()) return false;
    return (await hashFile(path)).sha256 === sha256;
  }

  private async moveAside(path: string, backup: string): Promise<void> {
    await mkdir(this.layout.backupDir, { recursive: true });
    await renameWithRetry(path, backup, { rename: (from, to) => this.fs.rename(from, to) });
  }

  /** Puts a backup back at manifest path `path`, recreating its folders (never through a link). */
  private async restore(path: string, backup: string): Promise<void> {
    if (!(await lstatOrUndefined(this.fs, backup))) return;
    await ensureFolders(this.fs, this.layout.root, parentOf(path), async () => undefined);
    await renameWithRetry(backup, resolveInside(this.layout.root, path), {
      rename: (from, to) => this.fs.rename(from, to),
    });
  }

  /** True when a folder on the way to manifest path `path` is a link: the update never deletes through one. */
  private async linkOnTheWay(path: string): Promise<boolean> {
    const segments = path.split('/');
    for (let length = 1; length < segments.length; length++) {
      const info = await lstatOrUndefined(
        this.fs,
        resolveInside(this.layout.root, segments.slice(0, length).join('/')),
      );
      if (info === undefined) return false;
      if (!info.isDirectory()) return true;
    }
    return false;
  }

  /** Moves aside the file the release drops at journal delete `index`, if it still holds the installed bytes. */
  private async deleteOne(index: number, onStep: (step: UpdateStep) => Promise<void>): Promise<void> {
    const entry = this.journal.deletes[index];
    if (!entry || this.deletesDone.has(index)) return;
    this.deletesDone.add(index);
    this.current = entry.path;
    const target = resolveInside(this.layout.root, entry.path);
    const info = await lstatOrUndefined(this.fs, target);
    if (info?.isFile()) {
      if (!(await this.linkOnTheWay(entry.path)) && (await this.holds(target, entry.sha256))) {
        await this.moveAside(target, this.backupPath('d', index));
        await this.pruneEmptyParents(target);
        this.deleted += 1;
      } else {
        this.kept.push(entry.path);
      }
    }
    await onStep({ name: 'deleted', index, path: entry.path });
  }

  /** A file stands where a folder must go: moves it aside when the journal deletes it. */
  private async deleteListed(path: string, onStep: (step: UpdateStep) => Promise<void>): Promise<void> {
    const index = this.journal.deletes.findIndex((entry) => entry.path === path);
    if (index >= 0) await this.deleteOne(index, onStep);
  }

  /** A folder stands where a file goes: moves aside the files the journal deletes in it, then removes it. */
  private async clearFolder(
    path: string,
    target: string,
    onStep: (step: UpdateStep) => Promise<void>,
  ): Promise<void> {
    for (const [index, entry] of this.journal.deletes.entries()) {
      if (entry.path.startsWith(`${path}/`)) await this.deleteOne(index, onStep);
    }
    this.current = path;
    if (!(await lstatOrUndefined(this.fs, target))) return; // Pruned with its last file.
    try {
      await this.removeEmptyFolders(target);
    } catch (error) {
      throw new PatchError(
        'PATH_CONFLICT',
        `${JSON.stringify(path)} is a folder with files this release does not own, where the release puts a file.`,
        { cause: error, path },
      );
    }
  }

  /** Removes folder `absolute` and the empty folders in it; fails (ENOTEMPTY) where a file or link remains. */
  private async removeEmptyFolders(absolute: string): Promise<void> {
    for (const name of await readdir(absolute)) {
      const child = join(absolute, name);
      if ((await this.fs.lstat(child)).isDirectory()) await this.removeEmptyFolders(child);
    }
    await this.fs.rmdir(absolute);
  }

  /** Removes now-empty folders from `path`'s parent up to (not including) the install root. */
  private async pruneEmptyParents(path: string): Promise<void> {
    let folder = dirname(path);
    while (folder.length > this.layout.root.length && folder.startsWith(this.layout.root)) {
      try {
        await this.fs.rmdir(folder);
      } catch {
        return;
      }
      folder = dirname(folder);
    }
  }
}
