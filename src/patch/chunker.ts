import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { PatchError, throwIfAborted } from './errors.js';

/**
 * Content-defined chunking parameters (bytes). A cut is placed where a rolling gear hash of the last 32 bytes
 * has enough zero bits, so an insertion or deletion moves the cuts only around the edit: every chunk after it
 * is found again, shifted. Chunks are never shorter than `minSize` (except a file's last) nor longer than
 * `maxSize`; on random data their mean is close to `avgSize`.
 */
export interface ChunkingParameters {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

/** 256 KiB / 1 MiB / 4 MiB: about one request per MiB changed, and ~2,000 chunk entries per 2 GiB archive. */
export const DEFAULT_CHUNKING: Readonly<ChunkingParameters> = Object.freeze({
  minSize: 256 * 1024,
  avgSize: 1024 * 1024,
  maxSize: 4 * 1024 * 1024,
});

/** One chunk of a file: where it is, how long, and the lower-case hex SHA-256 of its bytes. */
export interface FileChunk {
  offset: number;
  size: number;
  sha256: string;
}

/**
 * The gear table: 256 fixed pseudo-random 32-bit words (SHA-256 of `sgk-gear-<byte>`). Part of the format:
 * changing it moves every cut, so chunks stop matching those of earlier releases (never a wrong file, only
 * less reuse).
 */
const GEAR: Int32Array = (() => {
  const table = new Int32Array(256);
  for (let index = 0; index < 256; index++) {
    table[index] = createHash('sha256').update(`sgk-gear-${index}`).digest().readInt32LE(0);
  }
  return table;
})();

/** A mask of the `bits` highest bits of a 32-bit word: those depend on all of the last 32 bytes hashed. */
function highBitsMask(bits: number): number {
  const clamped = Math.max(1, Math.min(31, bits));
  return (0xffffffff << (32 - clamped)) | 0;
}

interface Masks {
  /** Stricter mask before `avgSize` (fewer early cuts), looser after it (FastCDC normalised chunking, level 2). */
  small: number;
  large: number;
}

const masksByAverage = new Map<number, Masks>();

function masksFor(avgSize: number): Masks {
  let masks = masksByAverage.get(avgSize);
  if (!masks) {
    const bits = Math.round(Math.log2(avgSize));
    masks = { small: highBitsMask(bits + 2), large: highBitsMask(bits - 2) };
    masksByAverage.set(avgSize, masks);
  }
  return masks;
}

/**
 * Throws `INVALID_OPTIONS` unless `1 ≤ minSize ≤ avgSize ≤ maxSize ≤ 1 GiB`, all integers.
 *
 * @example
 * ```ts
 * import { assertChunkingParameters } from 'serverless-game-kit/patch';
 *
 * assertChunkingParameters({ minSize: 64 * 1024, avgSize: 256 * 1024, maxSize: 1024 * 1024 });
 * ```
 */
export function assertChunkingParameters(parameters: ChunkingParameters): void {
  const { minSize, avgSize, maxSize } = parameters;
  const valid =
    [minSize, avgSize, maxSize].every((value) => Number.isInteger(value) && value >= 1) &&
    minSize <= avgSize &&
    avgSize <= maxSize &&
    maxSize <= 1024 * 1024 * 1024;
  if (!valid) {
    throw new PatchError(
      'INVALID_OPTIONS',
      `Chunk sizes must be integers with 1 ≤ minSize ≤ avgSize ≤ maxSize ≤ 1 GiB (got ${minSize}/${avgSize}/${maxSize}).`,
    );
  }
}

/**
 * Length of the chunk that starts at `start` in `data[start, end)`, FastCDC style: no hashing below `minSize`,
 * the strict mask up to `avgSize`, the loose mask up to `maxSize`. When the data ends before a cut, the rest is
 * one chunk (the caller passes the end of the file only once it has read it).
 */
export function nextCut(
  data: Uint8Array,
  start: number,
  end: number,
  parameters: ChunkingParameters,
): number {
  const available = end - start;
  if (available <= parameters.minSize) return available;
  const limit = Math.min(available, parameters.maxSize);
  const normal = Math.min(limit, parameters.avgSize);
  const { small, large } = masksFor(parameters.avgSize);
  const gear = GEAR;
  let hash = 0;
  let index = start + parameters.minSize;
  const normalEnd = start + normal;
  for (; index < normalEnd; index++) {
    hash = ((hash << 1) + (gear[data[index] as number] as number)) | 0;
    if ((hash & small) === 0) return index - start + 1;
  }
  const limitEnd = start + limit;
  for (; index < limitEnd; index++) {
    hash = ((hash << 1) + (gear[data[index] as number] as number)) | 0;
    if ((hash & large) === 0) return index - start + 1;
  }
  return limit;
}

/**
 * Cuts bytes in memory into content-defined chunks (see {@link ChunkingParameters}) and hashes each.
 *
 * @example
 * ```ts
 * import { chunkBytes } from 'serverless-game-kit/patch';
 *
 * const chunks = chunkBytes(bytes); // [{ offset: 0, size: 1048123, sha256: '…' }, …]
 * ```
 */
export function chunkBytes(data: Uint8Array, parameters: ChunkingParameters = DEFAULT_CHUNKING): FileChunk[] {
  assertChunkingParameters(parameters);
  const chunks: FileChunk[] = [];
  let offset = 0;
  while (offset < data.length) {
    const size = nextCut(data, offset, data.length, parameters);
    const sha256 = createHash('sha256')
      .update(data.subarray(offset, offset + size))
      .digest('hex');
    chunks.push({ offset, size, sha256 });
    offset += size;
  }
  return chunks;
}

/** What {@link chunkFile} found. */
export interface ChunkedFile {
  size: number;
  chunks: FileChunk[];
  /** SHA-256 of the whole file, when asked for with `wholeFileHash`. */
  sha256?: string;
}

/** Bytes read at once by {@link chunkFile} (on top of one `maxSize` of carried-over bytes). */
const CHUNK_READ_BYTES = 4 * 1024 * 1024;

/**
 * Cuts a file into content-defined chunks while streaming it (memory: `maxSize` + 4 MiB), hashing each chunk
 * with SHA-256, and optionally the whole file as well.
 *
 * @param options.wholeFileHash - also compute the file's SHA-256 (one more hashing pass over the bytes).
 * @throws {PatchError} `INVALID_OPTIONS`, `ABORTED`; file system errors as they are.
 * @example
 * ```ts
 * import { chunkFile } from 'serverless-game-kit/patch';
 *
 * const { chunks } = await chunkFile('data/world.pak');
 * console.log(chunks.length);
 * ```
 */
export async function chunkFile(
  path: string,
  options: {
    parameters?: ChunkingParameters;
    wholeFileHash?: boolean;
    signal?: AbortSignal;
    onBytes?: (bytes: number) => void;
  } = {},
): Promise<ChunkedFile> {
  const parameters = options.parameters ?? DEFAULT_CHUNKING;
  assertChunkingParameters(parameters);
  const whole = options.wholeFileHash ? createHash('sha256') : undefined;
  const buffer = Buffer.allocUnsafe(parameters.maxSize + CHUNK_READ_BYTES);
  const handle = await open(path, 'r');
  const chunks: FileChunk[] = [];
  let fileOffset = 0; // file offset of buffer[0]
  let length = 0; // valid bytes in the buffer
  let position = 0; // start of the next chunk in the buffer
  let eof = false;
  try {
    for (;;) {
      if (!eof && length - position < parameters.maxSize) {
        buffer.copyWithin(0, position, length);
        fileOffset += position;
        length -= position;
        position = 0;
        while (!eof && length < buffer.length) {
          const { bytesRead } = await handle.read(
            buffer,
            length,
            buffer.length - length,
            fileOffset + length,
          );
          if (bytesRead === 0) eof = true;
          else {
            whole?.update(buffer.subarray(length, length + bytesRead));
            length += bytesRead;
          }
        }
        throwIfAborted(options.signal);
      }
      if (position >= length) break;
      const size = nextCut(buffer, position, length, parameters);
      const sha256 = createHash('sha256')
        .update(buffer.subarray(position, position + size))
        .digest('hex');
      chunks.push({ offset: fileOffset + position, size, sha256 });
      position += size;
      options.onBytes?.(size);
    }
  } finally {
    await handle.close();
  }
  const size = fileOffset + length;
  return whole ? { size, chunks, sha256: whole.digest('hex') } : { size, chunks };
}
