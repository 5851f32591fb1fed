import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { throwIfAborted } from './errors.js';

/** Read size of {@link hashFile}: large reads keep syscall and hashing-call overhead far below the hash cost. */
export const HASH_READ_BYTES = 1 << 20;

const pool: Buffer[] = [];

function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafe(HASH_READ_BYTES);
}

function returnBuffer(buffer: Buffer): void {
  if (pool.length < 8) pool.push(buffer);
}

/** Result of {@link hashFile}. */
export interface FileHash {
  /** Lower-case hex SHA-256. */
  sha256: string;
  /** Bytes read. */
  size: number;
}

/**
 * SHA-256 of a file, streamed with 1 MiB reads and double buffering: the next read runs on libuv's thread pool
 * while the current chunk is hashed, so throughput stays close to raw `node:crypto` hashing.
 *
 * @param path - file to read.
 * @param options.signal - stops between chunks with `ABORTED`.
 * @param options.onBytes - called with the size of every chunk hashed.
 * @throws {PatchError} `ABORTED`; file system errors as they are.
 * @example
 * ```ts
 * import { hashFile } from 'serverless-game-kit/patch';
 *
 * const { sha256, size } = await hashFile('game.pak');
 * ```
 */
export async function hashFile(
  path: string,
  options: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {},
): Promise<FileHash> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  let current = takeBuffer();
  let next = takeBuffer();
  let size = 0;
  let pending: Promise<{ bytesRead: number }> | undefined;
  try {
    pending = handle.read(current, 0, current.length, 0);
    for (;;) {
      const { bytesRead } = await pending;
      pending = undefined;
      if (bytesRead === 0) break;
      throwIfAborted(options.signal);
      size += bytesRead;
      // Start the next read before hashing this chunk, so the copy from disk or page cache and hashing overlap.
      pending = handle.read(next, 0, next.length, size);
      hash.update(current.subarray(0, bytesRead));
      options.onBytes?.(bytesRead);
      [current, next] = [next, current];
    }
  } finally {
    // A read still in flight writes into a pooled buffer: wait for it before the buffer can be reused.
    await pending?.catch(() => undefined);
    await handle.close();
    returnBuffer(current);
    returnBuffer(next);
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * SHA-256 of bytes in memory, lower-case hex.
 *
 * @example
 * ```ts
 * import { sha256Hex } from 'serverless-game-kit/patch';
 *
 * sha256Hex(Buffer.from('hi')); // '8f434346…'
 * ```
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hex SHA-256 → the base64 form S3's `ChecksumSHA256` expects. */
export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}
