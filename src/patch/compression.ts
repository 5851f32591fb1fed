import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { PatchError } from './errors.js';

/**
 * How a stored object is encoded: `identity` (the raw bytes) or `br` (Brotli). Brotli because Node ≥ 20 has
 * it built in (`node:zlib`); zstd only arrived in Node 22.15 / 23.8, and a native add-on would not install on
 * every player's machine.
 */
export type StoredEncoding = 'identity' | 'br';

/** Compression settings of the publisher. */
export interface CompressionOptions {
  /** Brotli quality 0-11; default 9 (11 is ~10× slower to publish for ~3 % less). */
  quality?: number;
  /**
   * Keep the compressed form only when it is at most this fraction of the raw size; default 0.9. Already
   * compressed textures, audio and video stay raw, so players never pay the decompression for nothing.
   */
  keepBelowRatio?: number;
}

/** Bytes of the quick probe that decides whether compressing a large input is worth it. */
const PROBE_BYTES = 64 * 1024;

/** The bytes to store for `raw`, and how they are encoded. */
export interface EncodedObject {
  encoding: StoredEncoding;
  bytes: Uint8Array;
}

/**
 * Compresses `raw` with Brotli when that saves enough (see {@link CompressionOptions}); otherwise returns it
 * as is. A large input is first probed (64 KiB at quality 1): incompressible data costs one cheap probe, not
 * a full compression.
 *
 * @example
 * ```ts
 * import { encodeForStorage } from 'serverless-game-kit/patch';
 *
 * const { encoding, bytes } = encodeForStorage(Buffer.from('{"level":1}'.repeat(1000)));
 * ```
 */
export function encodeForStorage(raw: Uint8Array, options: CompressionOptions = {}): EncodedObject {
  const keepBelow = options.keepBelowRatio ?? 0.9;
  if (raw.length < 64) return { encoding: 'identity', bytes: raw };
  if (raw.length > PROBE_BYTES * 2) {
    const probe = brotliCompressSync(raw.subarray(0, PROBE_BYTES), brotliParams(1, PROBE_BYTES));
    if (probe.length > PROBE_BYTES * Math.min(1, keepBelow + 0.05))
      return { encoding: 'identity', bytes: raw };
  }
  const compressed = brotliCompressSync(raw, brotliParams(options.quality ?? 9, raw.length));
  if (compressed.length <= raw.length * keepBelow) return { encoding: 'br', bytes: compressed };
  return { encoding: 'identity', bytes: raw };
}

function brotliParams(quality: number, sizeHint: number): { params: Record<number, number> } {
  return {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: Math.max(0, Math.min(11, Math.round(quality))),
      [constants.BROTLI_PARAM_SIZE_HINT]: sizeHint,
      [constants.BROTLI_PARAM_LGWIN]: 24,
    },
  };
}

/**
 * The raw bytes of a stored object. Brotli output is bounded by `rawSize`: a decompression bomb stops at that
 * size instead of filling memory, and is reported as `INTEGRITY_MISMATCH`.
 *
 * @throws {PatchError} `INTEGRITY_MISMATCH` when the bytes do not decode to exactly `rawSize` bytes.
 * @example
 * ```ts
 * import { decodeStored } from 'serverless-game-kit/patch';
 *
 * const raw = decodeStored(bytes, 'br', 1048576);
 * ```
 */
export function decodeStored(bytes: Uint8Array, encoding: StoredEncoding, rawSize: number): Uint8Array {
  if (encoding === 'identity') {
    if (bytes.length !== rawSize) throw decodeError(`${bytes.length} bytes instead of ${rawSize}`);
    return bytes;
  }
  const raw = decompressBounded(bytes, rawSize);
  if (raw.length !== rawSize) throw decodeError(`it decodes to ${raw.length} bytes instead of ${rawSize}`);
  return raw;
}

/**
 * Decompresses Brotli bytes that must not decode to more than `maxRawBytes`.
 *
 * @throws {PatchError} `INTEGRITY_MISMATCH` for invalid Brotli or a larger output.
 * @example
 * ```ts
 * import { decompressBounded } from 'serverless-game-kit/patch';
 *
 * const json = decompressBounded(bytes, 64 * 1024 * 1024);
 * ```
 */
export function decompressBounded(bytes: Uint8Array, maxRawBytes: number): Buffer {
  try {
    return brotliDecompressSync(bytes, { maxOutputLength: Math.max(1, maxRawBytes) });
  } catch (error) {
    throw decodeError(`it is not valid Brotli or larger than ${maxRawBytes} bytes`, error);
  }
}

function decodeError(detail: string, cause?: unknown): PatchError {
  return new PatchError('INTEGRITY_MISMATCH', `A stored object does not decode: ${detail}.`, {
    ...(cause === undefined ? {} : { cause }),
  });
}
