import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rm, stat } from 'node:fs/promises';
import { cancelReadOnAbort } from '../core/client/read-body.js';
import type { FetchLike } from '../core/client/request-json.js';
import { renameWithRetry } from './atomic-file.js';
import { PatchError, asAbortError, isPatchError, throwIfAborted } from './errors.js';
import { patchBackoffDelay, sleepOrThrowAborted } from './retry.js';
import { StallGuard } from './stall-guard.js';

/** Options of {@link downloadVerified}. */
export interface DownloadOptions {
  url: string;
  /** Where bytes accumulate (kept across runs for `Range` resume). */
  partPath: string;
  /** Where the verified file is renamed to. Same folder (volume) as `partPath`. */
  finalPath: string;
  /** Expected size and lower-case hex SHA-256: the URL is never trusted. */
  size: number;
  sha256: string;
  fetch: FetchLike;
  signal?: AbortSignal;
  /** Abort and retry when no byte arrives for this long (headers included); default 30 000 ms. */
  stallTimeoutMs?: number;
  /** Tries on network errors, stalls, 5xx/408/429 and cut connections; default 5. */
  attempts?: number;
  /** First backoff, doubled per try with jitter; default 500 ms. */
  baseDelayMs?: number;
  /** Bytes added to (or, on a restart, taken from) the file; for progress. */
  onBytes?: (delta: number) => void;
}

/** What {@link downloadVerified} did. */
export interface DownloadResult {
  /** Body bytes received over the network, all tries together. */
  bytesFetched: number;
  /** Bytes already in the `.part` file when the first request was sent. */
  resumedFrom: number;
  /** Requests sent. */
  requests: number;
}

/** A failure worth another try; `restart` drops the part file first. `final` is thrown when tries run out. */
class RetryableDownloadError extends Error {
  constructor(
    readonly final: PatchError,
    readonly restart: boolean,
  ) {
    super(final.message);
  }
}

async function partSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashExisting(path: string, bytes: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (bytes === 0) return hash;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1, highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash;
}

/**
 * Downloads `url` into `partPath`, verifying size and SHA-256 while streaming, then renames it to `finalPath`.
 *
 * - Resume: bytes already in `partPath` are kept and the rest asked for with `Range: bytes=<n>-`. A `206` whose
 *   `Content-Range` starts at `n` is appended; a `200` means the server ignored the range, so the file starts
 *   over; a `416` with a complete part keeps it (and verifies it).
 * - Retries with exponential backoff and jitter on network errors, stalls (no byte for `stallTimeoutMs`), cut
 *   connections, 408, 429 and 5xx; other statuses fail at once with `HTTP_ERROR`.
 * - A 0-byte file is created without any request (its SHA-256 must be the empty one).
 * - A hash or size mismatch deletes the part: after a resumed download it starts over once from byte 0, after a
 *   whole download it fails with `INTEGRITY_MISMATCH` (the server's object is wrong).
 *
 * @throws {PatchError} `INTEGRITY_MISMATCH`, `HTTP_ERROR`, `NETWORK_ERROR`, `STALLED`, `ABORTED`.
 * @example
 * ```ts
 * import { downloadVerified } from 'serverless-game-kit/patch';
 *
 * await downloadVerified({ url, partPath: 'tmp/a.part', finalPath: 'tmp/a', size: 1234, sha256, fetch });
 * ```
 */
export async function downloadVerified(options: DownloadOptions): Promise<DownloadResult> {
  if (options.size === 0) return writeEmptyVerified(options);
  const attempts = Math.max(1, options.attempts ?? 5);
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const { signal, url } = options;
  let bytesFetched = 0;
  let requests = 0;
  let resumedFrom: number | undefined;
  let restart = false;
  let lastError: PatchError | undefined;
  let reported = 0;
  const report = (bytesInFile: number): void => {
    if (bytesInFile !== reported) options.onBytes?.(bytesInFile - reported);
    reported = bytesInFile;
  };

  for (let attempt = 1; attempt <= attempts; attempt++) {
    throwIfAborted(signal);
    let existing = restart ? 0 : await partSize(options.partPath);
    if (restart || existing > options.size) {
      await rm(options.partPath, { force: true });
      existing = 0;
      restart = false;
    }
    resumedFrom ??= existing;
    report(existing);
    const prefixHash = await hashExisting(options.partPath, existing);
    if (existing === options.size) {
      if (prefixHash.digest('hex') === options.sha256) {
        await renameWithRetry(options.partPath, options.finalPath);
        return { bytesFetched, resumedFrom, requests };
      }
      // A complete but wrong part (e.g. a corrupt copy from an earlier run): start over without using a try.
      restart = true;
      attempt -= 1;
      continue;
    }

    const guard = new StallGuard(stallTimeoutMs, signal);
    let handle: FileHandle | undefined;
    try {
      guard.arm();
      requests += 1;
      const response = await options.fetch(url, {
        headers: existing > 0 ? { range: `bytes=${existing}-` } : {},
        signal: guard.signal,
      });
      let start: number;
      if (response.status === 206 && existing > 0) {
        start = contentRangeStart(response.headers.get('content-range'));
        if (start !== existing) {
          await response.body?.cancel().catch(() => undefined);
          throw new RetryableDownloadError(
            httpError(response, url, 'with an unexpected Content-Range'),
            true,
          );
        }
      } else if (response.status === 200 || response.status === 206) {
        start = 0;
      } else if (response.status === 416 && existing > 0) {
        await response.body?.cancel().catch(() => undefined);
        throw new RetryableDownloadError(httpError(response, url), true);
      } else {
        await response.body?.cancel().catch(() => undefined);
        const error = httpError(response, url);
        if (response.status >= 500 || response.status === 408 || response.status === 429) {
          throw new RetryableDownloadError(error, false);
        }
        throw error;
      }
      if (start === 0 && response.status === 206) {
        // A 206 without our Range header: accept it only if it is the whole object.
        const range = response.headers.get('content-range');
        if (contentRangeStart(range) !== 0) throw new RetryableDownloadError(httpError(response, url), true);
      }

      const hash = start === 0 ? createHash('sha256') : prefixHash;
      handle = await open(options.partPath, start === 0 ? 'w' : 'a');
      let written = start;
      report(written);
      if (response.body) {
        const reader = response.body.getReader();
        cancelReadOnAbort(reader, guard.signal);
        for (;;) {
          guard.arm();
          const { done, value } = await reader.read();
          if (done) break;
          bytesFetched += value.length;
          if (written + value.length > options.size) {
            await reader.cancel().catch(() => undefined);
            throw integrityError(options, 'more bytes', start > 0);
          }
          await handle.write(value);
          hash.update(value);
          written += value.length;
          report(written);
        }
      }
      guard.disarm();
      if (guard.signal.aborted) throw guard.signal.reason;
      if (written < options.size) {
        throw new RetryableDownloadError(
          new PatchError('NETWORK_ERROR', `${url} ended after ${written} of ${options.size} bytes.`, { url }),
          false,
        );
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      if (hash.digest('hex') !== options.sha256) {
        throw integrityError(options, 'a different SHA-256', start > 0);
      }
      await renameWithRetry(options.partPath, options.finalPath);
      return { bytesFetched, resumedFrom, requests };
    } catch (error) {
      if (signal?.aborted) throw asAbortError(error, signal);
      if (error instanceof RetryableDownloadError) {
        lastError = error.final;
        restart ||= error.restart;
      } else if (isPatchError(error)) {
        if (error.code !== 'INTEGRITY_MISMATCH') throw error;
        await handle?.close().catch(() => undefined);
        handle = undefined;
        await rm(options.partPath, { force: true });
        report(0);
        // After a resumed download the bad bytes may be old ones: try once more from byte 0. Otherwise the
        // server's object itself is wrong, and trying again would not help.
        if (!resumedIntegrityErrors.has(error)) throw error;
        lastError = error;
        restart = true;
      } else if (guard.stalled) {
        lastError = new PatchError('STALLED', `No data from ${url} for ${stallTimeoutMs} ms.`, {
          url,
          cause: error,
        });
      } else {
        lastError = new PatchError('NETWORK_ERROR', `Downloading ${url} failed: ${String(error)}`, {
          url,
          cause: error,
        });
      }
      if (attempt < attempts)
        await sleepOrThrowAborted(patchBackoffDelay(attempt, options.baseDelayMs ?? 500), signal);
    } finally {
      guard.dispose();
      await handle?.close().catch(() => undefined);
    }
  }
  throw lastError ?? new PatchError('NETWORK_ERROR', `Downloading ${url} failed.`, { url });
}

const resumedIntegrityErrors = new WeakSet<PatchError>();

/** SHA-256 of zero bytes. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * A 0-byte file needs no request: its content is known. Creates it (fsynced) at `finalPath` when the manifest's
 * SHA-256 is the empty one, and throws `INTEGRITY_MISMATCH` otherwise (a manifest that claims 0 bytes but
 * another hash can never be satisfied).
 */
async function writeEmptyVerified(options: DownloadOptions): Promise<DownloadResult> {
  throwIfAborted(options.signal);
  if (options.sha256 !== EMPTY_SHA256) {
    throw new PatchError(
      'INTEGRITY_MISMATCH',
      `The manifest lists ${options.url} as 0 bytes with SHA-256 ${options.sha256}, which is not the SHA-256 of 0 bytes.`,
      { url: options.url },
    );
  }
  const handle = await open(options.partPath, 'w');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await renameWithRetry(options.partPath, options.finalPath);
  return { bytesFetched: 0, resumedFrom: 0, requests: 0 };
}

function contentRangeStart(header: string | null): number {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header?.trim() ?? '');
  return match ? Number(match[1]) : -1;
}

function httpError(response: Response, url: string, detail = ''): PatchError {
  return new PatchError(
    'HTTP_ERROR',
    `GET ${url} answered ${response.status} ${response.statusText}${detail ? ` ${detail}` : ''}.`,
    { status: response.status, url },
  );
}

function integrityError(options: DownloadOptions, what: string, resumed: boolean): PatchError {
  const error = new PatchError(
    'INTEGRITY_MISMATCH',
    `${options.url} does not match the manifest: it has ${what} (expected ${options.size} bytes with SHA-256 ${options.sha256}).`,
    { url: options.url },
  );
  if (resumed) resumedIntegrityErrors.add(error);
  return error;
}
