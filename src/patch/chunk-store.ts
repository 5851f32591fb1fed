import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { open, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants } from 'node:zlib';
import { runBoundedTasks } from './bounded-tasks.js';
import { type ChunkingParameters, type FileChunk, chunkFile } from './chunker.js';
import { type CompressionOptions, type StoredEncoding, encodeForStorage } from './compression.js';
import { PatchError, isPatchError, throwIfAborted } from './errors.js';
import { hexToBase64, sha256Hex } from './hash.js';
import {
  CHUNKED_FORMAT_VERSION,
  type ChunkRef,
  type ChunkedFileEntry,
  type MetaPin,
  type ReleaseDelta,
  chunkEncoding,
  chunkKey,
  chunkRefsOf,
  metaKey,
} from './release-format.js';
import { withRetries } from './retry.js';
import { IMMUTABLE_CACHE_CONTROL, headObjectSize, isRetryableS3Error } from './s3-objects.js';
import type { ScanChunking, ScanResult, ScannedFile } from './scan.js';
import { statKey } from './stat-cache.js';

const brotliCompressAsync = promisify(brotliCompress);

/** Where chunk and metadata objects go, and how to talk to S3. */
export interface ChunkStoreTarget {
  s3: S3Client;
  bucket: string;
  /** Full S3 key of a key relative to the prefix. */
  s3Key: (key: string) => string;
  retries: number;
  signal?: AbortSignal;
}

/** How a format-2 release cuts and stores its files. */
export interface ChunkedLayoutOptions {
  chunking: ChunkingParameters;
  /** Files at or above this size are chunked; smaller ones are one chunk. */
  chunkThreshold: number;
  /** `false` stores every object raw. */
  compression: CompressionOptions | false;
  /** Objects uploaded at once. */
  concurrency: number;
}

/** A file of the published release the new one is built on, as far as reuse needs it. */
export interface BaseFile {
  size: number;
  sha256: string;
  /** Format-2 entries only: the chunk list, reusable when the chunking settings did not change. */
  chunks?: ChunkRef[];
}

/** Progress of {@link storeReleaseFiles}, in objects and bytes actually sent. */
export interface StoreProgress {
  /** Every file is cut: `chunks` new chunks holding `rawBytes` raw bytes are to be stored (an upper bound). */
  planned: (chunks: number, rawBytes: number) => void;
  /** One chunk is stored: `sentBytes` went over the network (0 when it was in the bucket already). */
  chunkDone: (rawBytes: number, sentBytes: number, path: string) => void;
}

/** What {@link storeReleaseFiles} did. */
export interface StoredFiles {
  files: Record<string, ChunkedFileEntry>;
  /** Chunk objects written, their stored bytes, and the raw bytes they hold. */
  uploadedChunks: number;
  uploadedBytes: number;
  uploadedRawBytes: number;
  /** New chunks found already in the bucket (an interrupted publish, an older release) and not sent again. */
  reusedChunks: number;
}

interface PendingChunk {
  source: ScannedFile;
  offset: number;
  size: number;
  sha256: string;
}

/**
 * Cuts every scanned file into chunks (files below the threshold are one chunk), reuses the chunk lists of
 * files the base release already has, and uploads each chunk the base release does not reference, once however
 * many files and offsets share it, compressed when that helps.
 *
 * @throws {PatchError} `FILE_CHANGED`, `UPLOAD_FAILED`, `ABORTED`
 */
export async function storeReleaseFiles(
  scan: ScanResult,
  base: { files: Record<string, BaseFile>; sameLayout: boolean } | undefined,
  layout: ChunkedLayoutOptions,
  target: ChunkStoreTarget,
  progress: StoreProgress,
): Promise<StoredFiles> {
  const known = new Map<string, ChunkRef>();
  const reusableBySha = new Map<string, ChunkRef[]>();
  for (const file of Object.values(base?.files ?? {})) {
    if (!file.chunks) continue;
    for (const ref of file.chunks) known.set(ref[0], ref);
    if (base?.sameLayout) reusableBySha.set(`${file.sha256}:${file.size}`, file.chunks);
  }
  const files: Record<string, ChunkedFileEntry> = {};
  const pending = new Map<string, PendingChunk>();
  for (const [path, file] of scan.files) {
    throwIfAborted(target.signal);
    const reused = reusableBySha.get(`${file.sha256}:${file.size}`);
    if (reused && reused.every((ref) => known.has(ref[0]))) {
      files[path] = entryFor(file, reused);
      continue;
    }
    const cuts =
      file.size === 0
        ? []
        : file.size < layout.chunkThreshold
          ? [{ offset: 0, size: file.size, sha256: file.sha256 }]
          : await cutFile(file, layout.chunking, scan.chunking, target.signal);
    const refs: ChunkRef[] = [];
    for (const cut of cuts) {
      const existing = known.get(cut.sha256);
      if (existing) refs.push(existing);
      else {
        refs.push([cut.sha256, cut.size]);
        if (!pending.has(cut.sha256)) pending.set(cut.sha256, { source: file, ...cut });
      }
    }
    files[path] = entryFor(file, refs);
  }

  progress.planned(
    pending.size,
    [...pending.values()].reduce((sum, chunk) => sum + chunk.size, 0),
  );
  const stored = new Map<string, ChunkRef>();
  let uploadedChunks = 0;
  let uploadedBytes = 0;
  let uploadedRawBytes = 0;
  let reusedChunks = 0;
  // On the first failed upload no further chunk starts and the ones under way are aborted; the error is thrown
  // only once none is running, so nothing reaches the bucket after the publish has failed.
  await runBoundedTasks([...pending.values()], layout.concurrency, target.signal, async (chunk, signal) => {
    const taskTarget = { ...target, signal };
    const raw = await readChunk(chunk);
    const encoded =
      layout.compression === false
        ? { encoding: 'identity' as StoredEncoding, bytes: raw }
        : await encodeChunk(raw, layout.compression);
    throwIfAborted(signal);
    const storedSha256 = encoded.encoding === 'br' ? sha256Hex(encoded.bytes) : chunk.sha256;
    const ref: ChunkRef =
      encoded.encoding === 'br'
        ? [chunk.sha256, chunk.size, encoded.bytes.length, storedSha256]
        : [chunk.sha256, chunk.size];
    const key = target.s3Key(chunkKey(chunk.sha256, encoded.encoding));
    const existing = await headObjectSize(target.s3, target.bucket, key, signal);
    let sent = 0;
    if (existing === encoded.bytes.length) reusedChunks += 1;
    else {
      await putImmutable(taskTarget, key, encoded.bytes, storedSha256, chunk.source.path);
      uploadedChunks += 1;
      sent = encoded.bytes.length;
      uploadedBytes += sent;
      uploadedRawBytes += chunk.size;
    }
    stored.set(chunk.sha256, ref);
    progress.chunkDone(chunk.size, sent, chunk.source.path);
  });
  for (const entry of Object.values(files)) {
    if (entry.chunks) entry.chunks = entry.chunks.map((ref) => stored.get(ref[0]) ?? ref);
    else if (entry.size > 0) {
      const ref = stored.get(entry.sha256);
      if (ref && ref.length === 4) entry.chunks = [ref];
    }
  }
  return { files, uploadedChunks, uploadedBytes, uploadedRawBytes, reusedChunks };
}

/** A file entry: the chunk list is left out when the file is a single raw chunk of itself. */
function entryFor(file: { size: number; sha256: string }, refs: ChunkRef[]): ChunkedFileEntry {
  const single = refs.length === 1 && refs[0]?.[0] === file.sha256 && chunkEncoding(refs[0]) === 'identity';
  return single || (refs.length === 0 && file.size === 0)
    ? { size: file.size, sha256: file.sha256, ...(file.size === 0 ? { chunks: [] } : {}) }
    : { size: file.size, sha256: file.sha256, chunks: refs };
}

/**
 * The chunks of a file whose whole-file SHA-256 the scan gave, read as few times as correctness allows. The
 * chunk list must describe the very content `file.sha256` names (the release pins both), so:
 * - chunks the scan cut in the read that produced `sha256` describe that content by construction: no read;
 * - a `sha256` from the stat cache was trusted because the file's stat identity (size, mtime, ctime, inode) was
 *   unchanged since it was hashed, and the cache's racy-entry rule makes any later write change that identity.
 *   So when the identity is still the same right before and right after cutting, the bytes cut are those
 *   hashed: one read, without the whole-file SHA-256;
 * - otherwise (a scan without chunking) the file is cut and hashed whole in one read, and must match.
 * Whatever was trusted here, every chunk read for upload is hashed again (see `readChunk`), so a file that
 * changes later ends in `FILE_CHANGED`, never in a release whose chunks disagree with its file hash.
 */
async function cutFile(
  file: ScannedFile,
  chunking: ChunkingParameters,
  scanChunking: ScanChunking | undefined,
  signal: AbortSignal | undefined,
): Promise<FileChunk[]> {
  if (file.chunks && scanChunking && sameChunking(scanChunking.parameters, chunking)) return file.chunks;
  if (file.cachedStat) {
    const identity = statKey({ size: file.size, mtimeMs: file.mtimeMs, ...file.cachedStat });
    const unchanged = async (): Promise<boolean> => statKey(await stat(file.absolutePath)) === identity;
    if (!(await unchanged())) throw fileChanged(file.path);
    const result = await chunkFile(file.absolutePath, { parameters: chunking, signal });
    if (result.size !== file.size || !(await unchanged())) throw fileChanged(file.path);
    return result.chunks;
  }
  const result = await chunkFile(file.absolutePath, { parameters: chunking, wholeFileHash: true, signal });
  if (result.size !== file.size || result.sha256 !== file.sha256) throw fileChanged(file.path);
  return result.chunks;
}

function sameChunking(a: ChunkingParameters, b: ChunkingParameters): boolean {
  return a.minSize === b.minSize && a.avgSize === b.avgSize && a.maxSize === b.maxSize;
}

/**
 * A pending chunk's bytes, read for upload and hashed again: this verification is what keeps a release correct
 * when the file changed after it was scanned or cut (`FILE_CHANGED`), so it is never skipped.
 */
async function readChunk(chunk: PendingChunk): Promise<Buffer> {
  const handle = await open(chunk.source.absolutePath, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunk.size);
    let filled = 0;
    while (filled < chunk.size) {
      const { bytesRead } = await handle.read(buffer, filled, chunk.size - filled, chunk.offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled !== chunk.size || sha256Hex(buffer) !== chunk.sha256) throw fileChanged(chunk.source.path);
    return buffer;
  } finally {
    await handle.close();
  }
}

/** {@link encodeForStorage} with the full compression on the thread pool, so uploads and compression overlap. */
async function encodeChunk(
  raw: Buffer,
  options: CompressionOptions,
): Promise<{ encoding: StoredEncoding; bytes: Uint8Array }> {
  const keepBelow = options.keepBelowRatio ?? 0.9;
  const probe = encodeForStorage(raw.subarray(0, Math.min(raw.length, 128 * 1024)), {
    quality: 1,
    keepBelowRatio: Math.min(1, keepBelow + 0.05),
  });
  if (probe.encoding === 'identity') return { encoding: 'identity', bytes: raw };
  const compressed = await brotliCompressAsync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: options.quality ?? 5,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_LGWIN]: 24,
    },
  });
  return compressed.length <= raw.length * keepBelow
    ? { encoding: 'br', bytes: compressed }
    : { encoding: 'identity', bytes: raw };
}

function fileChanged(path: string): PatchError {
  return new PatchError('FILE_CHANGED', `${path} changed since it was scanned: scan and publish again.`, {
    path,
  });
}

async function putImmutable(
  target: ChunkStoreTarget,
  key: string,
  body: Uint8Array,
  sha256: string,
  path: string,
): Promise<void> {
  await withRetries(
    () =>
      target.s3.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: 'application/octet-stream',
          CacheControl: IMMUTABLE_CACHE_CONTROL,
          ChecksumSHA256: hexToBase64(sha256),
        }),
        { abortSignal: target.signal },
      ),
    { attempts: target.retries, signal: target.signal, retryable: isRetryableS3Error },
  ).catch((error: unknown) => {
    if (isPatchError(error) || target.signal?.aborted) throw error;
    throw new PatchError('UPLOAD_FAILED', `Uploading s3://${target.bucket}/${key} failed: ${String(error)}`, {
      cause: error,
      path,
    });
  });
}

/**
 * Stores a JSON document Brotli-compressed under `meta/`, addressed by the SHA-256 of the stored bytes, and
 * returns its pin for the release record.
 */
export async function putMetaObject(target: ChunkStoreTarget, value: unknown): Promise<MetaPin> {
  const raw = Buffer.from(JSON.stringify(value), 'utf8');
  const bytes = await brotliCompressAsync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 9,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  });
  const sha256 = sha256Hex(bytes);
  const key = metaKey(sha256);
  const full = target.s3Key(key);
  if ((await headObjectSize(target.s3, target.bucket, full, target.signal)) !== bytes.length) {
    await putImmutable(target, full, bytes, sha256, key);
  }
  return { key, sha256, size: bytes.length };
}

/** The delta from `base` to `files`: entries whose content changed or appeared, and paths that went away. */
export function releaseDelta(
  release: string,
  from: string,
  baseFiles: Record<string, { size: number; sha256: string }>,
  files: Record<string, ChunkedFileEntry>,
): ReleaseDelta {
  const changed: Record<string, ChunkedFileEntry> = {};
  for (const [path, entry] of Object.entries(files)) {
    const before = baseFiles[path];
    if (!before || before.sha256 !== entry.sha256 || before.size !== entry.size) changed[path] = entry;
  }
  const removed = Object.keys(baseFiles)
    .filter((path) => !(path in files))
    .sort();
  return { formatVersion: CHUNKED_FORMAT_VERSION, release, from, changed, removed };
}

/** Every chunk a file list references (for tests and tools). */
export function chunksOf(files: Record<string, ChunkedFileEntry>): ChunkRef[] {
  return Object.values(files).flatMap(chunkRefsOf);
}
