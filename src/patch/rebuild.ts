import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FetchLike } from '../core/client/request-json.js';
import { renameWithRetry } from './atomic-file.js';
import { runBoundedTasks } from './bounded-tasks.js';
import { type ChunkingParameters, chunkFile } from './chunker.js';
import { decodeStored } from './compression.js';
import { downloadVerified } from './download.js';
import { PatchError, throwIfAborted } from './errors.js';
import { sha256Hex } from './hash.js';
import { type ChunkRef, chunkEncoding } from './release-format.js';

/** A file to rebuild from chunks. */
export interface ChunkedTarget {
  path: string;
  size: number;
  sha256: string;
  chunks: ChunkRef[];
}

/** Where a chunk's raw bytes are in a local file. */
interface LocalChunk {
  file: string;
  offset: number;
  size: number;
}

/**
 * Chunks already on the player's disk, by raw SHA-256: found by cutting local files with the release's chunking
 * parameters (an old version of an archive shares every chunk outside the edited regions).
 */
export class LocalChunkIndex {
  private readonly chunks = new Map<string, LocalChunk>();

  /** Cuts `file` and remembers its chunks that `wanted` lists. Unreadable files are skipped. */
  async add(
    file: string,
    parameters: ChunkingParameters,
    wanted: Set<string>,
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      if (!(await lstat(file)).isFile()) return;
      const { chunks } = await chunkFile(file, { parameters, ...(signal ? { signal } : {}) });
      for (const chunk of chunks) {
        if (wanted.has(chunk.sha256) && !this.chunks.has(chunk.sha256)) {
          this.chunks.set(chunk.sha256, { file, offset: chunk.offset, size: chunk.size });
        }
      }
    } catch (error) {
      throwIfAborted(signal);
      void error; // a file that vanished or cannot be read only means less reuse
    }
  }

  has(sha256: string): boolean {
    return this.chunks.has(sha256);
  }

  /** The chunk's bytes when the local file still holds them, otherwise `undefined`. */
  async read(sha256: string): Promise<Buffer | undefined> {
    const local = this.chunks.get(sha256);
    if (!local) return undefined;
    try {
      const handle = await open(local.file, 'r');
      try {
        const buffer = Buffer.allocUnsafe(local.size);
        const { bytesRead } = await handle.read(buffer, 0, local.size, local.offset);
        if (bytesRead === local.size && sha256Hex(buffer) === sha256) return buffer;
      } finally {
        await handle.close();
      }
    } catch {
      // fall through: the file changed or vanished
    }
    this.chunks.delete(sha256);
    return undefined;
  }
}

/** Network settings of chunk downloads. */
export interface ChunkFetchOptions {
  fetch: FetchLike;
  /** The URL of a stored chunk. */
  urlOf: (ref: ChunkRef) => string;
  /** Folder of downloaded chunks (kept across runs: an interrupted update resumes from them). */
  chunkDir: string;
  concurrency: number;
  stallTimeoutMs: number;
  attempts: number;
  baseDelayMs: number;
  signal?: AbortSignal;
  /** Network bytes received (negative when a download starts over). */
  onBytes?: (delta: number) => void;
}

function stagedName(ref: ChunkRef): string {
  return `${ref[0]}${chunkEncoding(ref) === 'br' ? '.br' : ''}`;
}

/** Chunks an update still has to download, see {@link planChunkDownloads}. */
export interface ChunkDownloadPlan {
  toFetch: ChunkRef[];
  /** Stored (compressed) bytes of `toFetch`. */
  bytes: number;
  /** Of `bytes`, what `.part` files of an interrupted run hold already: those downloads resume with `Range`. */
  resumedBytes: number;
  /** Distinct chunks found on disk (local files or earlier downloads). */
  reusedChunks: number;
}

/** Every distinct chunk of `targets`, by its name in the download folder. */
function neededChunks(targets: ChunkedTarget[]): Map<string, ChunkRef> {
  const needed = new Map<string, ChunkRef>();
  for (const target of targets) for (const ref of target.chunks) needed.set(stagedName(ref), ref);
  return needed;
}

/**
 * Lists the distinct chunks of `targets` that are neither in `local` nor already downloaded into `chunkDir`
 * (whose downloads of other updates are removed; `.part` files of this one are kept for resume).
 */
export async function planChunkDownloads(
  targets: ChunkedTarget[],
  local: LocalChunkIndex,
  chunkDir: string,
): Promise<ChunkDownloadPlan> {
  await mkdir(chunkDir, { recursive: true });
  const needed = neededChunks(targets);
  for (const name of await readdir(chunkDir)) {
    if (!needed.has(name.replace(/\.part$/, ''))) await rm(join(chunkDir, name), { force: true });
  }
  return listChunkDownloads(targets, local, chunkDir);
}

/**
 * What {@link planChunkDownloads} would return, without touching `chunkDir` (which may not exist yet): the
 * chunks to fetch and the bytes that will cost.
 */
export async function listChunkDownloads(
  targets: ChunkedTarget[],
  local: LocalChunkIndex,
  chunkDir: string,
): Promise<ChunkDownloadPlan> {
  const needed = neededChunks(targets);
  const names = await readdir(chunkDir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  const present = new Set(names.filter((name) => needed.has(name)));
  const toFetch: ChunkRef[] = [];
  let bytes = 0;
  let resumedBytes = 0;
  let reusedChunks = 0;
  for (const [name, ref] of needed) {
    if (present.has(name) || local.has(ref[0])) reusedChunks += 1;
    else {
      toFetch.push(ref);
      bytes += storedSize(ref);
      resumedBytes += await resumableBytes(join(chunkDir, `${name}.part`), storedSize(ref));
    }
  }
  return { toFetch, bytes, resumedBytes, reusedChunks };
}

/**
 * Bytes a `.part` file holds that a resumed download keeps (`downloadVerified` asks for the rest with `Range`);
 * 0 when there is none or it is longer than the object (then the download starts over).
 *
 * @example
 * ```ts
 * const remaining = size - (await resumableBytes('staging/blobs/ab12….part', size));
 * ```
 */
export async function resumableBytes(partPath: string, size: number): Promise<number> {
  const info = await stat(partPath).catch(() => undefined);
  return info?.isFile() && info.size <= size ? info.size : 0;
}

function storedSize(ref: ChunkRef): number {
  return ref.length === 4 ? ref[2] : ref[1];
}

/** What {@link downloadChunks} did. */
export interface ChunkFetchResult {
  downloadedChunks: number;
  bytesFetched: number;
}

/**
 * Downloads chunks into `chunkDir`, verified while streaming against their stored SHA-256, with `Range` resume
 * of `.part` files, retries and a stall timeout (see `downloadVerified`). On the first failure the other downloads
 * stop (keeping their `.part` files for the next run) before the error is thrown.
 *
 * @throws {PatchError} `INTEGRITY_MISMATCH`, `HTTP_ERROR`, `NETWORK_ERROR`, `STALLED`, `ABORTED`
 */
export async function downloadChunks(
  refs: ChunkRef[],
  options: ChunkFetchOptions,
): Promise<ChunkFetchResult> {
  let downloadedChunks = 0;
  let bytesFetched = 0;
  await runBoundedTasks(refs, options.concurrency, options.signal, async (ref, signal) => {
    const finalPath = join(options.chunkDir, stagedName(ref));
    const result = await downloadVerified({
      url: options.urlOf(ref),
      partPath: `${finalPath}.part`,
      finalPath,
      size: storedSize(ref),
      sha256: ref.length === 4 ? ref[3] : ref[0],
      fetch: options.fetch,
      stallTimeoutMs: options.stallTimeoutMs,
      attempts: options.attempts,
      baseDelayMs: options.baseDelayMs,
      signal,
      ...(options.onBytes ? { onBytes: options.onBytes } : {}),
    });
    downloadedChunks += 1;
    bytesFetched += result.bytesFetched;
  });
  return { downloadedChunks, bytesFetched };
}

/**
 * Writes `target` to `finalPath` from its chunks, in order, one chunk in memory at a time: each from a local
 * file (re-verified) or a downloaded chunk (decompressed, raw SHA-256 verified), then checks the whole file's
 * size and SHA-256 before renaming the `.part` into place.
 *
 * @throws {PatchError} `INTEGRITY_MISMATCH` (a chunk or the result does not match), `ABORTED`
 */
export async function assembleFile(
  target: ChunkedTarget,
  finalPath: string,
  local: LocalChunkIndex,
  chunkDir: string,
  signal?: AbortSignal,
): Promise<void> {
  const partPath = `${finalPath}.part`;
  const handle = await open(partPath, 'w');
  const whole = createHash('sha256');
  let written = 0;
  try {
    for (const ref of target.chunks) {
      throwIfAborted(signal);
      const raw = (await local.read(ref[0])) ?? (await readStagedChunk(ref, chunkDir));
      whole.update(raw);
      let offset = 0;
      while (offset < raw.length) {
        const { bytesWritten } = await handle.write(raw, offset, raw.length - offset, written + offset);
        offset += bytesWritten;
      }
      written += raw.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (written !== target.size || whole.digest('hex') !== target.sha256) {
    await rm(partPath, { force: true });
    throw new PatchError(
      'INTEGRITY_MISMATCH',
      `${target.path} rebuilt from its chunks does not match the release (size or SHA-256).`,
      { path: target.path },
    );
  }
  await renameWithRetry(partPath, finalPath);
}

async function readStagedChunk(ref: ChunkRef, chunkDir: string): Promise<Uint8Array> {
  const path = join(chunkDir, stagedName(ref));
  let stored: Buffer;
  try {
    stored = await readFile(path);
  } catch (error) {
    throw new PatchError('INTEGRITY_MISMATCH', `Chunk ${ref[0]} is neither on disk nor downloaded.`, {
      cause: error,
    });
  }
  const raw = decodeStored(stored, chunkEncoding(ref), ref[1]);
  if (sha256Hex(raw) !== ref[0]) {
    await rm(path, { force: true });
    throw new PatchError('INTEGRITY_MISMATCH', `Chunk ${ref[0]} decodes to other bytes than its SHA-256.`);
  }
  return raw;
}
