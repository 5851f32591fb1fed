import type { Dirent, Stats } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { runBoundedTasks } from './bounded-tasks.js';
import { PatchError, throwIfAborted } from './errors.js';
import { type ChunkingParameters, type FileChunk, assertChunkingParameters, chunkFile } from './chunker.js';
import { hashFile } from './hash.js';
import { STATE_DIR_NAME, findPathCollisions, toManifestPath, unsafeSegmentReason } from './paths.js';
import { StatCache } from './stat-cache.js';

/** One file found by {@link scanDirectory}. */
export interface ScannedFile {
  /** Manifest path: relative, POSIX separators, NFC. */
  path: string;
  /** Where it is on disk (its own spelling, e.g. NFD on macOS). */
  absolutePath: string;
  size: number;
  /** Lower-case hex SHA-256. */
  sha256: string;
  /** mtime (ms, sub-microsecond precision) when hashed, to notice a change before upload. */
  mtimeMs: number;
  /**
   * Set when `sha256` came from the stat cache (the file was not read by this scan): the rest of the stat
   * identity it was trusted by (see `statKey`). A publish that must read the file checks it is unchanged.
   */
  cachedStat?: { ctimeMs: number; ino: number };
  /**
   * Content-defined chunks, cut in the same read as `sha256` (a scan with `chunking`, files at or above its
   * threshold that were read): a format-2 publish uses them instead of reading the file once more.
   */
  chunks?: FileChunk[];
}

/** What {@link scanDirectory} found. */
export interface ScanResult {
  /** The scanned folder, absolute. */
  root: string;
  /** By manifest path, sorted. */
  files: Map<string, ScannedFile>;
  totalBytes: number;
  /** Files whose content was read and hashed (the rest came from the stat cache). */
  hashedFiles: number;
  hashedBytes: number;
  cachedFiles: number;
  /** The chunking the scan cut files with (see `ScanOptions.chunking`), if any. */
  chunking?: ScanChunking;
  /** Groups of paths that differ only in case or normalisation (see `findPathCollisions`). */
  collisions: string[][];
  /** Entries left out and why: ignored symlinked folders, sockets, unsafe names. */
  skipped: Array<{ path: string; reason: string }>;
}

/** Files at or above `threshold` bytes are cut into chunks with `parameters` while they are hashed. */
export interface ScanChunking {
  parameters: ChunkingParameters;
  threshold: number;
}

/** Options of {@link scanDirectory}. */
export interface ScanOptions {
  /** Glob patterns (picomatch, matched against manifest paths, dot files included) to leave out. */
  ignore?: string[];
  /**
   * Where to keep the stat cache; `false` for none. Default `<dir>/.sgk-patch/scan-cache.json` (the `.sgk-patch`
   * folder is never scanned or published).
   */
  statCachePath?: string | false;
  /**
   * Cut the files read at or above a size into content-defined chunks in the same read that hashes them (gear
   * hash and chunk digests on top of the SHA-256), so a format-2 publish does not read them once more to cut
   * them. `PatchPublisher.scan` sets it to the publisher's layout in format 2; `false` or absent: hash only.
   */
  chunking?: ScanChunking | false;
  /** Files hashed at once; default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after each file: files and bytes done so far. */
  onProgress?: (progress: { files: number; totalFiles: number; bytes: number }) => void;
}

/** Default location of the stat cache of folder `dir`. */
export function defaultStatCachePath(dir: string): string {
  return join(resolve(dir), STATE_DIR_NAME, 'scan-cache.json');
}

/** A file of the walk whose stat data did not match the cache: it is hashed. */
interface Candidate {
  relative: string;
  path: string;
  absolutePath: string;
  info: Stats;
}

/** ASCII names without upper case letters nor a trailing dot or space are their own collision key. */
const OWN_COLLISION_KEY = /^[\x20-\x40\x5b-\x7e]*[\x21-\x2d\x2f-\x40\x5b-\x7e]$/;

/** One segment of `collisionKey` (see `paths.ts`): NFC, lower case, trailing dots and spaces removed. */
function segmentCollisionKey(name: string): string {
  if (OWN_COLLISION_KEY.test(name)) return name;
  return name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[. ]+$/, '');
}

/**
 * `findPathCollisions(relatives)` without its cost on the common tree that has no collision: the keys were built
 * during the walk, and paths can only collide when two keys are equal or a folder's key is also a file's key.
 * Only then is the full check run (same result, same order).
 */
function collisionsOf(relatives: string[], fileKeys: string[], folderKeys: string[]): string[][] {
  const seen = new Set<string>(fileKeys);
  const suspect = seen.size !== fileKeys.length || folderKeys.some((key) => seen.has(key));
  return suspect ? findPathCollisions(relatives) : [];
}

/**
 * Walks `dir`, hashes every file with SHA-256 and returns them by manifest path. A stat cache makes a re-scan of
 * an unchanged tree read no file contents (see `StatCache`). The `.sgk-patch` folder is always left out.
 *
 * @throws {PatchError} `ABORTED`; file system errors as they are.
 * @example
 * ```ts
 * import { scanDirectory } from 'serverless-game-kit/patch';
 *
 * const scan = await scanDirectory('build/win64', { ignore: ['**\/*.pdb'] });
 * console.log(scan.files.size, scan.totalBytes);
 * ```
 */
export async function scanDirectory(dir: string, options: ScanOptions = {}): Promise<ScanResult> {
  const root = resolve(dir);
  const ignore = picomatch([`${STATE_DIR_NAME}/**`, STATE_DIR_NAME, ...(options.ignore ?? [])], {
    dot: true,
  });
  const cachePath = options.statCachePath === undefined ? defaultStatCachePath(root) : options.statCachePath;
  const cache = cachePath === false ? StatCache.memory() : await StatCache.load(cachePath);
  const skipped: ScanResult['skipped'] = [];
  const chunking = options.chunking === false ? undefined : options.chunking;
  if (chunking) assertScanChunking(chunking);

  const folderKeys: string[] = [];
  // Per file found, in walk order: its relative path and collision key (kept apart from the results, so that
  // the walk retains no `Stats` object of an unchanged file: they die young and cost the garbage collector
  // nothing).
  const relatives: string[] = [];
  const fileKeys: string[] = [];
  const scanned: ScannedFile[] = [];
  const toHash: Candidate[] = [];

  // The walk uses synchronous readdir/stat: a few microseconds each, where the promise versions cost a
  // thread-pool round trip per call. A re-scan of an unchanged tree is little more than these calls (one
  // `readdir` per folder, one `stat` per file); cache hits are settled right here, without a task per file.
  const walk = (relativeDir: string, folderKey: string): void => {
    throwIfAborted(options.signal);
    const absoluteDir = relativeDir === '' ? root : join(root, relativeDir);
    const dirPrefix = absoluteDir.endsWith(sep) ? absoluteDir : absoluteDir + sep;
    const relativePrefix = relativeDir === '' ? '' : `${relativeDir}/`;
    const keyPrefix = relativeDir === '' ? '' : `${folderKey}/`;
    let entries: Dirent[];
    try {
      entries = readdirSync(absoluteDir, { withFileTypes: true });
    } catch (error) {
      if (relativeDir === '') {
        throw new PatchError('INVALID_OPTIONS', `Cannot read folder ${root}.`, { cause: error });
      }
      throw error;
    }
    const subfolders: Array<[relative: string, key: string]> = [];
    for (const entry of entries) {
      const relative = relativePrefix + entry.name;
      const path = toManifestPath(relative);
      if (ignore(path)) continue;
      const reason = unsafeSegmentReason(entry.name.normalize('NFC'));
      if (reason !== undefined) {
        skipped.push({ path, reason: `unsafe name: it ${reason}` });
        continue;
      }
      const collisionKey = keyPrefix + segmentCollisionKey(entry.name);
      if (entry.isDirectory()) {
        subfolders.push([relative, collisionKey]);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) {
        skipped.push({ path, reason: 'not a regular file' });
        continue;
      }
      const absolutePath = dirPrefix + entry.name;
      const info = statSync(absolutePath);
      if (info.isDirectory()) {
        skipped.push({ path, reason: 'symbolic link to a folder (not followed)' });
        continue;
      }
      if (!info.isFile()) {
        skipped.push({ path, reason: 'not a regular file' });
        continue;
      }
      relatives.push(relative);
      fileKeys.push(collisionKey);
      const sha256 = cache.lookup(relative, info);
      if (sha256 === undefined) toHash.push({ relative, path, absolutePath, info });
      else {
        const cachedStat = { ctimeMs: info.ctimeMs, ino: info.ino };
        scanned.push({ path, absolutePath, size: info.size, sha256, mtimeMs: info.mtimeMs, cachedStat });
      }
    }
    for (const [subfolder, key] of subfolders) {
      folderKeys.push(key);
      walk(subfolder, key);
    }
  };
  walk('', '');

  const collisions = collisionsOf(relatives, fileKeys, folderKeys);
  const cachedFiles = scanned.length;
  let done = 0;
  let doneBytes = 0;
  const report = (size: number): void => {
    done += 1;
    doneBytes += size;
    options.onProgress?.({ files: done, totalFiles: relatives.length, bytes: doneBytes });
  };
  if (options.onProgress) for (const file of scanned) report(file.size);

  let hashedFiles = 0;
  let hashedBytes = 0;
  // A file that cannot be read stops the scan: no further file starts, the reads under way stop, and the error
  // is thrown once none is running. Results keep the walk's order (NFC/NFD twins: the first one walked wins).
  const hashed: ScannedFile[] = [];
  const tasks = [...toHash.entries()];
  await runBoundedTasks(
    tasks,
    options.concurrency ?? 4,
    options.signal,
    async ([index, candidate], signal) => {
      const result = await hashCandidate(candidate, cache, chunking, signal);
      hashedFiles += result.reads;
      hashedBytes += result.bytesRead;
      report(result.file.size);
      hashed[index] = result.file;
    },
  );
  scanned.push(...hashed);
  scanned.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files = new Map<string, ScannedFile>();
  let totalBytes = 0;
  for (const file of scanned) {
    // NFC and NFD spellings of one name map to one entry; the duplicate is reported in `collisions`.
    if (files.has(file.path)) continue;
    files.set(file.path, file);
    totalBytes += file.size;
  }
  await cache.save();
  return {
    root,
    files,
    totalBytes,
    hashedFiles,
    hashedBytes,
    cachedFiles,
    ...(chunking ? { chunking } : {}),
    collisions,
    skipped,
  };
}

/**
 * Hashes (and cuts, with `chunking`) one file whose stat data did not match the cache. A file that changes while
 * it is read is read again (twice at most); only a stable read is cached.
 */
async function hashCandidate(
  candidate: Candidate,
  cache: StatCache,
  chunking: ScanChunking | undefined,
  signal: AbortSignal,
): Promise<{ file: ScannedFile; reads: number; bytesRead: number }> {
  let { info } = candidate;
  let reads = 0;
  let bytesRead = 0;
  for (;;) {
    const result = await readFileHash(candidate.absolutePath, info.size, chunking, signal);
    const after = await stat(candidate.absolutePath);
    const stable = after.size === info.size && after.mtimeMs === info.mtimeMs && result.size === info.size;
    reads += 1;
    bytesRead += result.size;
    if (stable) cache.set(candidate.relative, info, result.sha256);
    info = after;
    if (stable || reads >= 3) {
      const { path, absolutePath } = candidate;
      const file: ScannedFile = {
        path,
        absolutePath,
        size: info.size,
        sha256: result.sha256,
        mtimeMs: info.mtimeMs,
      };
      if (result.chunks) file.chunks = result.chunks;
      return { file, reads, bytesRead };
    }
  }
}

/** One read of a file: its SHA-256, and its chunks too when `chunking` asks for files of this size. */
async function readFileHash(
  path: string,
  size: number,
  chunking: ScanChunking | undefined,
  signal: AbortSignal,
): Promise<{ sha256: string; size: number; chunks?: FileChunk[] }> {
  if (!chunking || size < chunking.threshold) return hashFile(path, { signal });
  const {
    sha256,
    size: bytes,
    chunks,
  } = await chunkFile(path, {
    parameters: chunking.parameters,
    wholeFileHash: true,
    signal,
  });
  if (sha256 === undefined)
    throw new TypeError(`chunkFile gave no SHA-256 of ${path} although asked for one.`);
  return { sha256, size: bytes, chunks };
}

function assertScanChunking(chunking: ScanChunking): void {
  assertChunkingParameters(chunking.parameters);
  if (!Number.isInteger(chunking.threshold) || chunking.threshold < 1) {
    throw new PatchError('INVALID_OPTIONS', 'chunking.threshold must be a positive integer.');
  }
}
