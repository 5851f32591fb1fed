import { lstat, mkdir, realpath, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fsyncDirectory, renameWithRetry } from './atomic-file.js';
import { PatchError } from './errors.js';
import { hashFile } from './hash.js';
import { resolveInside } from './paths.js';
import type { ApplyJournal, StateLayout } from './state.js';
import { removeJournal, writeInstallState } from './state.js';

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

const stagingLost = new WeakSet<PatchError>();

/** True for the `APPLY_FAILED` error {@link applyJournal} throws when a staged file has vanished. */
export function isStagingLost(error: unknown): boolean {
  return error instanceof PatchError && stagingLost.has(error);
}

/** What {@link applyJournal} did. */
export interface ApplyResult {
  written: number;
  deleted: number;
  /** Files the journal said to delete that the player had changed: left in place. */
  kept: string[];
}

async function exists(path: string): Promise<'file' | 'directory' | 'other' | undefined> {
  try {
    const info = await lstat(path);
    return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
  } catch {
    return undefined;
  }
}

/** Throws unless `path`'s real parent folder (after symbolic links) is inside the install folder. */
async function assertRealParentInside(layout: StateLayout, realRoot: string, path: string): Promise<void> {
  const parent = await realpath(dirname(path));
  const fromRoot = relative(realRoot, parent);
  if (fromRoot.startsWith('..') || fromRoot.startsWith(sep) || /^[A-Za-z]:/.test(fromRoot)) {
    throw new PatchError('UNSAFE_PATH', `${path} leads outside ${layout.root} through a symbolic link.`, {
      path,
    });
  }
}

/** Removes now-empty folders from `path`'s parent up to (not including) the install root. */
async function pruneEmptyParents(root: string, path: string): Promise<void> {
  let folder = dirname(path);
  while (folder.length > root.length && folder.startsWith(root)) {
    try {
      await rmdir(folder);
    } catch {
      return;
    }
    folder = dirname(folder);
  }
}

/**
 * Rolls a committed journal forward: moves each staged file into place (rename within one volume, retried while
 * antivirus scanners hold files), deletes the files the release dropped (only those still as installed), writes
 * the state file, removes the journal and the staging folder. Every step is idempotent, so running it again after
 * a crash at any point finishes the same update.
 *
 * A write whose staged file is gone and whose target does not hold the new content cannot be redone: then it
 * throws `APPLY_FAILED` (the caller drops the journal; the state still names the old release, so the next
 * check downloads what is missing).
 *
 * @throws {PatchError} `APPLY_FAILED`, `UNSAFE_PATH`
 */
export async function applyJournal(
  layout: StateLayout,
  journal: ApplyJournal,
  onStep: (step: UpdateStep) => Promise<void>,
): Promise<ApplyResult> {
  const realRoot = await realpath(layout.root);
  const deletesDone = new Set<string>();
  const kept: string[] = [];
  let deleted = 0;

  const deleteOne = async (index: number): Promise<void> => {
    const entry = journal.deletes[index];
    if (!entry || deletesDone.has(entry.path)) return;
    deletesDone.add(entry.path);
    const target = resolveInside(layout.root, entry.path);
    const kind = await exists(target);
    if (kind === 'file') {
      await assertRealParentInside(layout, realRoot, target);
      const { sha256 } = await hashFile(target);
      if (sha256 === entry.sha256) {
        await unlink(target);
        await pruneEmptyParents(layout.root, target);
        deleted += 1;
      } else {
        kept.push(entry.path);
      }
    }
    await onStep({ name: 'deleted', index, path: entry.path });
  };

  for (const [index, write] of journal.writes.entries()) {
    const target = resolveInside(layout.root, write.path);
    const source = join(layout.stagingDir, ...write.source.split('/'));
    const sourceKind = await exists(source);
    if (sourceKind !== 'file') {
      const present = (await exists(target)) === 'file' ? await hashFile(target) : undefined;
      if (present?.sha256 === write.sha256) continue; // Done before the crash.
      const error = new PatchError(
        'APPLY_FAILED',
        `The staged copy of ${write.path} is missing; the update will be downloaded again.`,
        { path: write.path },
      );
      stagingLost.add(error);
      throw error;
    }
    await clearWay(layout, journal, write.path, deleteOne);
    await mkdir(dirname(target), { recursive: true });
    await assertRealParentInside(layout, realRoot, target);
    try {
      await renameWithRetry(source, target);
    } catch (error) {
      throw new PatchError(
        'APPLY_FAILED',
        `Cannot replace ${target} (${(error as NodeJS.ErrnoException).code ?? String(error)}): close the game and run the update again.`,
        { cause: error, path: write.path },
      );
    }
    await onStep({ name: 'written', index, path: write.path });
  }
  const touchedFolders = new Set(
    journal.writes.map((write) => dirname(resolveInside(layout.root, write.path))),
  );
  for (const folder of touchedFolders) await fsyncDirectory(folder);

  for (let index = 0; index < journal.deletes.length; index++) await deleteOne(index);

  await writeInstallState(layout, journal.state);
  await onStep({ name: 'state-written' });
  await removeJournal(layout);
  await rm(layout.stagingDir, { recursive: true, force: true });
  return { written: journal.writes.length, deleted, kept };
}

/**
 * Makes room for a new file at `path`: a folder where the file goes is emptied of the files this update deletes
 * (and removed), a file where a folder goes is deleted first when this update deletes it.
 */
async function clearWay(
  layout: StateLayout,
  journal: ApplyJournal,
  path: string,
  deleteOne: (index: number) => Promise<void>,
): Promise<void> {
  const target = resolveInside(layout.root, path);
  if ((await exists(target)) === 'directory') {
    for (const [index, entry] of journal.deletes.entries()) {
      if (entry.path.startsWith(`${path}/`)) await deleteOne(index);
    }
    try {
      await rm(target, { recursive: false });
    } catch {
      try {
        await rmdir(target);
      } catch (error) {
        throw new PatchError(
          'APPLY_FAILED',
          `${target} is a folder with files this release does not own, where the release puts a file.`,
          { cause: error, path },
        );
      }
    }
  }
  const segments = path.split('/');
  for (let length = 1; length < segments.length; length++) {
    const ancestor = segments.slice(0, length).join('/');
    if ((await exists(resolveInside(layout.root, ancestor))) === 'file') {
      const index = journal.deletes.findIndex((entry) => entry.path === ancestor);
      if (index >= 0) await deleteOne(index);
      if ((await exists(resolveInside(layout.root, ancestor))) === 'file') {
        throw new PatchError(
          'APPLY_FAILED',
          `${ancestor} is a file this release does not own, where the release needs a folder.`,
          { path },
        );
      }
    }
  }
}
