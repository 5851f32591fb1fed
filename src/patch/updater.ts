import { lstat, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FetchLike } from '../core/client/request-json.js';
import { type ApplyResult, type UpdateStep, applyJournal, isRolledBack, undoJournal } from './apply.js';
import { renameWithRetry } from './atomic-file.js';
import { runBoundedTasks } from './bounded-tasks.js';
import { DEFAULT_MAX_MANIFEST_BYTES, DEFAULT_MAX_POINTER_BYTES, readBoundedBody } from './bounded-read.js';
import { StallGuard } from './stall-guard.js';
import { type DownloadResult, downloadVerified } from './download.js';
import { PatchError, asAbortError, isPatchError, throwIfAborted } from './errors.js';
import { type PatchFileSystem, errorCode, nodeFileSystem } from './file-system.js';
import { hashFile, sha256Hex } from './hash.js';
import { assertInstallable } from './install-paths.js';
import {
  POINTER_KEY,
  type PatchManifest,
  type PatchPointer,
  assertNotExpired,
  parseManifest,
} from './manifest.js';
import { collisionKey, resolveInside, unsafePathReason } from './paths.js';
import { type PatchProgressListener, ProgressCounter } from './progress.js';
import { withRetries } from './retry.js';
import { type SigningKeyInput, toPublicKey, verifyDocument } from './signing.js';
import {
  type ApplyJournal,
  type InstallState,
  type StateLayout,
  acquireInstallLock,
  readInstallState,
  readJournal,
  stateLayout,
  writeJournal,
} from './state.js';
import { StatCache } from './stat-cache.js';
import { type AnyPointer, parseAnyPointer } from './published-release.js';
import { type ChunkRef, chunkEncoding, chunkKey, chunkRefsOf } from './release-format.js';
import { type ChunkedReleaseView, readChunkedRelease, readFullList } from './release-reader.js';
import {
  type ChunkedTarget,
  LocalChunkIndex,
  assembleFile,
  downloadChunks,
  listChunkDownloads,
  planChunkDownloads,
  resumableBytes,
} from './rebuild.js';

/** Where staging takes each needed content from, see `PatchUpdater.fetchPlanOf`. */
interface FetchPlan {
  /** Content SHA-256 → a local file holding it. */
  localSources: Map<string, string>;
  /** Format 2: contents rebuilt from chunks. */
  chunkTargets: Map<string, ChunkedTarget>;
  localChunks: LocalChunkIndex;
  /** Whole objects to download (format 1): their bytes, and what `.part` files of an interrupted run hold. */
  wholeBytes: number;
  wholeResumedBytes: number;
}

/** Each distinct content the plan downloads, once. */
function neededContents(plan: UpdatePlan): Map<string, PlannedDownload> {
  const needed = new Map<string, PlannedDownload>();
  for (const file of plan.download) if (!needed.has(file.sha256)) needed.set(file.sha256, file);
  return needed;
}

/** Options of {@link PatchUpdater}. */
export interface PatchUpdaterOptions {
  /**
   * Base URL of the CDN (CloudFront domain, or the local stack's `stack.endpoints.cdn`) that serves the bucket's
   * keys at `<cdnUrl>/<key>`.
   */
  cdnUrl: string;
  /** The publisher's prefix; `version.json` is read from `<cdnUrl>/<prefix>/version.json`. Default `''`. */
  prefix?: string;
  /** The game's folder. Patch state lives in its `.sgk-patch/` subfolder (same volume: renames are atomic). */
  installDir: string;
  /**
   * The publisher's Ed25519 public key (PEM or `KeyObject`). With it, unsigned, tampered, expired and
   * lower-sequence pointers and manifests are refused.
   */
  publicKey?: SigningKeyInput;
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Files downloaded at once; default 4. */
  concurrency?: number;
  /** Tries per request; default 5. */
  attempts?: number;
  /**
   * Abort a request after this long without a byte, and retry it (content resumes with `Range`); applies to the
   * pointer and manifests too, headers included; default 30 000 ms.
   */
  stallTimeoutMs?: number;
  /** First retry backoff, doubled each time with jitter; default 500 ms. */
  retryBaseDelayMs?: number;
  /**
   * How `version.json` avoids stale caches. `'none'` (default): rely on its short `max-age` and the publisher's
   * invalidation, so CloudFront keeps one cache key. `'query'`: add `?t=<now>`, which bypasses caches that key
   * on query strings (and defeats CloudFront's cache when it forwards them: use it only for origins without a
   * CDN, or when the distribution ignores query strings for that path).
   */
  pointerCacheBusting?: 'none' | 'query';
  /**
   * Largest `version.json` body accepted, in bytes; default 64 KiB. A larger `Content-Length` is refused before
   * reading the body, a longer body the moment it passes the limit (`TOO_LARGE`).
   */
  maxPointerBytes?: number;
  /** Largest release manifest accepted, in bytes; default 64 MiB (about 450,000 files). Same rules. */
  maxManifestBytes?: number;
  /**
   * The lowest pointer `sequence` accepted, even on an install without local state: ship the game with the
   * sequence of the release it contains (`PublishResult.sequence`, `sgk patch status`), and a replayed older
   * signed pointer is refused (`ROLLBACK_REJECTED`). Default 0.
   */
  minSequence?: number;
  /**
   * With a `publicKey`, when a signed pointer must carry an `expiresAt` (the publisher's `pointerTtlMs`):
   * - `'fresh-install'` (default): when the install has no local state. There, no installed sequence tells an old
   *   signed pointer from the current one, so only its expiry (and `minSequence`) can; an install with state is
   *   protected by its installed sequence and is not stopped by a publisher who forgot to refresh.
   * - `'always'`: every check (also stops a freeze attack that keeps an install on its current release).
   * - `'never'`: rely on `minSequence` alone.
   * A pointer without `expiresAt` where one is required is refused with `FRESHNESS_REQUIRED`. Without a
   * `publicKey` nothing is required (anyone can write an unsigned pointer).
   */
  requirePointerExpiry?: 'fresh-install' | 'always' | 'never';
  /**
   * The file system calls an update makes in the install folder; default `node:fs/promises`. For diagnostics and
   * fault-injection tests (see {@link PatchFileSystem}).
   */
  fileSystem?: PatchFileSystem;
  /** Clock for expiry checks; default `() => new Date()`. */
  now?: () => Date;
  /**
   * Called (and awaited) at each step of an update: after the check, after each download, once staged, once the
   * journal is committed, after each file moved into place and each delete, after the state is written. For
   * diagnostics and crash tests.
   */
  onStep?: (step: UpdateStep) => void | Promise<void>;
}

/** One file an update downloads. */
export interface PlannedDownload {
  path: string;
  size: number;
  sha256: string;
  /** Format 1: the object's URL. Format 2: the URL of its first chunk (see `chunks`). */
  url: string;
  /** Format 2: the file's chunks, rebuilt from local data where possible, the rest downloaded. */
  chunks?: ChunkRef[];
}

/** What an update would do, see {@link PatchUpdater.check}. */
export interface UpdatePlan {
  pointer: AnyPointer;
  /** The release's files; for a format-2 release, its format-1 view (see `chunked`). */
  manifest: PatchManifest;
  /** Format 2: the release record, the chunk lists read, and the metadata bytes that cost. */
  chunked?: ChunkedReleaseView;
  release: string;
  sequence: number;
  /** The release installed now, if any. */
  installedRelease: string | null;
  /** Files to fetch (paths whose content is missing locally). */
  download: PlannedDownload[];
  /**
   * Raw bytes of the contents to write: each distinct content once, minus content already on disk elsewhere in
   * the install (whole file sizes, also for a format-2 release: see `fetchBytes` for what crosses the network).
   */
  downloadBytes: number;
  /**
   * Content bytes the update will fetch over the network: format 1, the whole files above not already staged;
   * format 2, the stored (compressed) size of only the chunks no local file, staged file or earlier download
   * holds. Both minus what an interrupted update's `.part` files hold. Metadata is not included: the pointer,
   * release record and file lists were fetched by this check (`chunked.metadataBytes`).
   */
  fetchBytes: number;
  /** Files the installed release put there that this one drops (never the player's own files). */
  delete: Array<{ path: string; sha256: string }>;
  unchanged: string[];
  /** Nothing to download, delete or record: the release is installed. */
  upToDate: boolean;
}

/** What {@link PatchUpdater.update} did. */
export interface UpdateResult {
  release: string;
  sequence: number;
  previousRelease: string | null;
  /** False when the install was already up to date. */
  updated: boolean;
  /** Distinct contents fetched over the network, and the body bytes received (retries and resumes included). */
  downloadedFiles: number;
  bytesFetched: number;
  /** Contents copied from elsewhere in the install instead of downloaded (renamed or duplicated files). */
  copiedLocally: number;
  written: number;
  deleted: number;
  /** Files to delete that the player had changed: left in place. */
  kept: string[];
}

/** Options of {@link PatchUpdater.update}. */
export interface UpdateOptions {
  signal?: AbortSignal;
  onProgress?: PatchProgressListener;
  /** A plan from {@link PatchUpdater.check}, to skip checking again. */
  plan?: UpdatePlan;
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/**
 * Keeps a game folder on the latest published release: `check()` plans, `update()` downloads (bounded
 * concurrency, retries with backoff, stall timeout, `Range` resume of `.part` files), verifies size and SHA-256
 * while streaming, stages, then applies atomically with a journal and writes the state file last. Killing it at
 * any point leaves either the previous install or a journaled update that the next run completes; no partly
 * written file ever appears under the install folder (`.part` files stay in `.sgk-patch/staging/`).
 *
 * @example
 * ```ts
 * import { PatchUpdater } from 'serverless-game-kit/patch';
 *
 * const updater = new PatchUpdater({ cdnUrl: 'https://d111111abcdef8.cloudfront.net', prefix: 'update', installDir: './resources' });
 * const plan = await updater.check();
 * if (!plan.upToDate) {
 *   await updater.update({ plan, onProgress: (p) => console.log(`${p.bytes}/${p.totalBytes}`) });
 * }
 * ```
 */
export class PatchUpdater {
  private readonly layout: StateLayout;
  private readonly baseUrl: string;
  private readonly fetch: FetchLike;
  private readonly options: PatchUpdaterOptions;
  private readonly now: () => Date;
  private readonly fs: PatchFileSystem;
  /** The local chunk index each plan of {@link check} was measured with, reused when it is applied. */
  private readonly chunkIndexes = new WeakMap<UpdatePlan, LocalChunkIndex>();

  /** @throws {PatchError} `INVALID_OPTIONS` */
  constructor(options: PatchUpdaterOptions) {
    let base: URL;
    try {
      base = new URL(options.cdnUrl);
    } catch (error) {
      throw new PatchError('INVALID_OPTIONS', `cdnUrl ${JSON.stringify(options.cdnUrl)} is not a URL.`, {
        cause: error,
      });
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new PatchError('INVALID_OPTIONS', 'cdnUrl must be an http(s) URL.');
    }
    if (typeof options.installDir !== 'string' || options.installDir.length === 0) {
      throw new PatchError('INVALID_OPTIONS', 'installDir is required.');
    }
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix !== '' && unsafePathReason(prefix) !== undefined) {
      throw new PatchError(
        'INVALID_OPTIONS',
        `prefix ${JSON.stringify(options.prefix)} is not a safe folder name.`,
      );
    }
    if (
      options.minSequence !== undefined &&
      (!Number.isSafeInteger(options.minSequence) || options.minSequence < 0)
    ) {
      throw new PatchError('INVALID_OPTIONS', 'minSequence must be a non-negative integer.');
    }
    const expiryPolicies = ['fresh-install', 'always', 'never'];
    if (
      options.requirePointerExpiry !== undefined &&
      !expiryPolicies.includes(options.requirePointerExpiry)
    ) {
      throw new PatchError(
        'INVALID_OPTIONS',
        `requirePointerExpiry must be one of ${expiryPolicies.join(', ')}.`,
      );
    }
    for (const name of [
      'concurrency',
      'attempts',
      'stallTimeoutMs',
      'maxPointerBytes',
      'maxManifestBytes',
    ] as const) {
      const value = options[name];
      if (value !== undefined && (!Number.isFinite(value) || value < 1)) {
        throw new PatchError('INVALID_OPTIONS', `${name} must be a positive number.`);
      }
    }
    if (options.publicKey !== undefined) toPublicKey(options.publicKey);
    const fetchFunction: FetchLike | undefined = options.fetch ?? globalThis.fetch;
    if (!fetchFunction) throw new PatchError('INVALID_OPTIONS', 'No fetch function: pass options.fetch.');
    this.fetch = fetchFunction;
    this.options = options;
    this.now = options.now ?? (() => new Date());
    this.fs = options.fileSystem ?? nodeFileSystem;
    this.layout = stateLayout(options.installDir);
    this.baseUrl = `${options.cdnUrl.replace(/\/+$/, '')}${prefix === '' ? '' : `/${encodeKey(prefix)}`}`;
  }

  /** The installed release's state, or `undefined` for a folder never updated. */
  readState(): Promise<InstallState | undefined> {
    return readInstallState(this.layout);
  }

  /**
   * Finishes an update interrupted after its journal was committed (a crash or kill during apply). Reads no
   * network. `check()` and `update()` call it first.
   *
   * @returns whether there was anything to finish.
   * @throws {PatchError} `STATE_INVALID`, `INSTALL_LOCKED`, `APPLY_FAILED` (a locked file; try again later).
   */
  async recover(): Promise<boolean> {
    const release = await acquireInstallLock(this.layout);
    try {
      return await this.recoverLocked();
    } finally {
      await release();
    }
  }

  /**
   * Reads the pointer and manifest from the CDN, validates them (schema, paths, signature, expiry, sequence), and
   * compares them with the files on disk.
   *
   * @throws {PatchError} `MANIFEST_NOT_FOUND`, `MANIFEST_INVALID`, `UNSAFE_PATH`, `PATH_COLLISION`,
   *   `SIGNATURE_INVALID`, `MANIFEST_EXPIRED`, `ROLLBACK_REJECTED`, `INTEGRITY_MISMATCH`, `HTTP_ERROR`,
   *   `NETWORK_ERROR`, `INSTALL_LOCKED`, `ABORTED`.
   */
  async check(options: { signal?: AbortSignal } = {}): Promise<UpdatePlan> {
    const release = await acquireInstallLock(this.layout);
    try {
      await this.recoverLocked();
      return await this.checkLocked(options.signal);
    } catch (error) {
      throw asAbortError(error, options.signal);
    } finally {
      await release();
    }
  }

  /**
   * Brings the install to the published release (see the class description).
   *
   * @throws {PatchError} everything {@link check} throws, and `INTEGRITY_MISMATCH` (nothing is applied),
   *   `HTTP_ERROR`, `STALLED`, `APPLY_FAILED`, `ABORTED`.
   */
  async update(options: UpdateOptions = {}): Promise<UpdateResult> {
    const { signal, onProgress } = options;
    const unlock = await acquireInstallLock(this.layout);
    try {
      await this.recoverLocked();
      const plan = options.plan ?? (await this.checkLocked(signal));
      await this.step({ name: 'checked' });
      const state = await readInstallState(this.layout);
      const base: UpdateResult = {
        release: plan.release,
        sequence: plan.sequence,
        previousRelease: state?.release ?? null,
        updated: false,
        downloadedFiles: 0,
        bytesFetched: 0,
        copiedLocally: 0,
        written: 0,
        deleted: 0,
        kept: [],
      };
      if (plan.upToDate) return base;

      const staged = await this.stage(plan, signal, onProgress);
      throwIfAborted(signal);
      const journal = await this.prepareJournal(plan, staged.blobPaths);
      await writeJournal(this.layout, journal, this.fs);
      await this.step({ name: 'journal-committed' });
      const counter = new ProgressCounter(
        'apply',
        journal.writes.length + journal.deletes.length,
        0,
        onProgress,
      );
      const applied = await applyJournal(
        this.layout,
        journal,
        async (step) => {
          if (step.name === 'written' || step.name === 'deleted') counter.fileDone(step.path);
          await this.step(step);
        },
        { fs: this.fs },
      );
      await this.rememberHashes(plan);
      onProgress?.({ phase: 'done', files: 0, totalFiles: 0, bytes: 0, totalBytes: 0 });
      await this.step({ name: 'done' });
      return {
        ...base,
        updated: true,
        downloadedFiles: staged.downloadedFiles,
        bytesFetched: staged.bytesFetched,
        copiedLocally: staged.copiedLocally,
        ...summarize(applied),
      };
    } catch (error) {
      throw asFileSystemError(
        asAbortError(error, signal),
        'Cannot stage the update',
        'the installed release was not changed',
      );
    } finally {
      await unlock();
    }
  }

  private async step(step: UpdateStep): Promise<void> {
    await this.options.onStep?.(step);
  }

  /**
   * Finishes a pending journal: forward, or back when it cannot go forward (or an earlier apply failed). A journal
   * that was undone is gone and the state still names the previous release, so the check that follows plans the
   * update again; only a journal that cannot even be undone (the cause, e.g. a locked file, is still there) throws.
   */
  private async recoverLocked(): Promise<boolean> {
    const journal = await readJournal(this.layout);
    if (!journal) return false;
    try {
      if (journal.direction === 'rollback') await undoJournal(this.layout, journal, { fs: this.fs });
      else await applyJournal(this.layout, journal, (step) => this.step(step), { fs: this.fs });
    } catch (error) {
      if (!isRolledBack(error))
        throw asFileSystemError(
          error,
          'Cannot finish or undo the interrupted update',
          'the next run tries again',
        );
    }
    return true;
  }

  /**
   * Refuses a pointer that could be an old one replayed: below the installed sequence (or equal with another
   * release), below `minSequence`, or, with a public key, without `expiresAt` where `requirePointerExpiry` asks
   * for one.
   */
  private assertFresh(pointer: AnyPointer, state: InstallState | undefined): void {
    if (
      state &&
      (pointer.sequence < state.sequence ||
        (pointer.sequence === state.sequence && pointer.release !== state.release))
    ) {
      throw new PatchError(
        'ROLLBACK_REJECTED',
        `The CDN offers release ${pointer.release} at sequence ${pointer.sequence}, older than the installed ${state.release} (sequence ${state.sequence}): refusing to go back.`,
      );
    }
    const minSequence = this.options.minSequence ?? 0;
    if (pointer.sequence < minSequence) {
      throw new PatchError(
        'ROLLBACK_REJECTED',
        `The CDN offers release ${pointer.release} at sequence ${pointer.sequence}, older than this game's minimum sequence ${minSequence}: refusing to go back.`,
      );
    }
    const policy = this.options.requirePointerExpiry ?? 'fresh-install';
    const required = policy === 'always' || (policy === 'fresh-install' && state === undefined);
    if (this.options.publicKey !== undefined && required && pointer.expiresAt === undefined) {
      throw new PatchError(
        'FRESHNESS_REQUIRED',
        `The signed version.json (release ${pointer.release}, sequence ${pointer.sequence}) has no expiresAt, so ${
          state === undefined ? 'this fresh install' : 'this install'
        } cannot tell it from an old one replayed: publish with pointerTtlMs (--pointer-ttl), or set minSequence and requirePointerExpiry: 'never'.`,
      );
    }
  }

  /**
   * GETs a small JSON document (pointer, manifest) with retries, holding at most `maxBytes` of its body. A
   * response that stops sending for `stallTimeoutMs` (headers or body) is given up and tried again (`STALLED`);
   * a connection cut mid-body is tried again (`NETWORK_ERROR`).
   */
  private async fetchWithRetries(
    url: string,
    signal: AbortSignal | undefined,
    maxBytes: number,
    what: string,
  ): Promise<Uint8Array> {
    const stallTimeoutMs = this.options.stallTimeoutMs ?? 30_000;
    return withRetries(
      async () => {
        const guard = new StallGuard(stallTimeoutMs, signal);
        try {
          guard.arm();
          const response = await this.fetch(url, { signal: guard.signal });
          await failOnMetadataStatus(response, url);
          return await readBoundedBody(response, maxBytes, url, what, {
            signal: guard.signal,
            beforeRead: guard.arm,
          });
        } catch (error) {
          if (signal?.aborted || isPatchError(error)) throw error;
          if (guard.stalled) {
            throw new PatchError('STALLED', `No data from ${url} for ${stallTimeoutMs} ms.`, {
              url,
              cause: error,
            });
          }
          throw new PatchError('NETWORK_ERROR', `GET ${url} failed: ${String(error)}`, { url, cause: error });
        } finally {
          guard.dispose();
        }
      },
      {
        attempts: this.options.attempts ?? 5,
        baseDelayMs: this.options.retryBaseDelayMs ?? 500,
        signal,
        retryable: (error) =>
          isPatchError(error, 'NETWORK_ERROR') ||
          isPatchError(error, 'STALLED') ||
          (isPatchError(error, 'HTTP_ERROR') &&
            ((error.status ?? 0) >= 500 || error.status === 429 || error.status === 408)),
      },
    );
  }

  private async checkLocked(signal: AbortSignal | undefined): Promise<UpdatePlan> {
    const now = this.now();
    const pointerUrl =
      `${this.baseUrl}/${POINTER_KEY}` +
      (this.options.pointerCacheBusting === 'query' ? `?t=${now.getTime()}` : '');
    const pointerBytes = await this.fetchWithRetries(
      pointerUrl,
      signal,
      this.options.maxPointerBytes ?? DEFAULT_MAX_POINTER_BYTES,
      'version.json pointer',
    );
    const pointerJson = parseJsonOrThrow(pointerBytes, 'version.json pointer');
    if (this.options.publicKey !== undefined) verifyDocument(pointerJson, 'pointer', this.options.publicKey);
    const pointer = parseAnyPointer(pointerJson);
    assertNotExpired(pointer, now, 'version.json pointer');
    const state = await readInstallState(this.layout);
    this.assertFresh(pointer, state);

    let chunked: ChunkedReleaseView | undefined;
    let manifest: PatchManifest;
    const readerOptions = {
      fetchKey: (key: string) =>
        this.fetchWithRetries(
          `${this.baseUrl}/${encodeKey(key)}`,
          signal,
          this.options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES,
          key,
        ),
      now,
      ...(this.options.publicKey === undefined ? {} : { publicKey: this.options.publicKey }),
    };
    this.assertManifestWithinLimit(pointer.manifest);
    if (pointer.formatVersion === 2) {
      chunked = await readChunkedRelease(pointer, state, readerOptions);
      manifest = chunked.manifest;
    } else {
      manifest = await this.readManifestV1(pointer, signal, now);
    }

    const cache = await StatCache.load(this.layout.statCachePath);
    const download: PlannedDownload[] = [];
    const unchanged: string[] = [];
    const localContent = new Set<string>();
    for (const [path, file] of Object.entries(manifest.files)) {
      throwIfAborted(signal);
      const local = await localHash(resolveInside(this.layout.root, path), path, cache);
      if (local?.sha256 === file.sha256) {
        unchanged.push(path);
        localContent.add(file.sha256);
      } else if (chunked) {
        if (!chunked.entries[path])
          chunked = await readFullList(chunked.record, readerOptions, chunked.metadataBytes);
        const chunks = chunkRefsOf(chunked.entries[path] ?? { size: 0, sha256: file.sha256, chunks: [] });
        const first = chunks[0];
        const url = first ? this.chunkUrl(first) : '';
        download.push({ path, size: file.size, sha256: file.sha256, url, chunks });
      } else {
        const url =
          `${this.baseUrl}/${encodeKey(file.key)}` +
          (file.versionId === undefined ? '' : `?versionId=${encodeURIComponent(file.versionId)}`);
        download.push({ path, size: file.size, sha256: file.sha256, url });
      }
    }
    const manifestKeys = new Set(Object.keys(manifest.files).map(collisionKey));
    const deletes: UpdatePlan['delete'] = [];
    const removableNow = new Set<string>();
    for (const [path, file] of Object.entries(state?.files ?? {})) {
      if (manifest.files[path] || manifestKeys.has(collisionKey(path))) continue;
      if (unsafePathReason(path) !== undefined) continue;
      const local = await localHash(resolveInside(this.layout.root, path), path, cache);
      if (local === undefined) continue;
      deletes.push({ path, sha256: file.sha256 });
      if (local.sha256 === file.sha256) {
        localContent.add(file.sha256);
        removableNow.add(path);
      }
    }
    await cache.save();
    // Refuse now, before staging anything, what applying could not do: a link on the way, something in the way.
    const removable = new Set(
      deletes.filter((entry) => removableNow.has(entry.path)).map((entry) => entry.path),
    );
    for (const file of download) {
      await assertInstallable(this.fs, this.layout.root, file.path, (path) => removable.has(path));
    }
    let downloadBytes = 0;
    const counted = new Set<string>();
    for (const file of download) {
      if (counted.has(file.sha256) || localContent.has(file.sha256)) continue;
      counted.add(file.sha256);
      downloadBytes += file.size;
    }
    const plan: UpdatePlan = {
      pointer,
      manifest,
      ...(chunked ? { chunked } : {}),
      release: pointer.release,
      sequence: pointer.sequence,
      installedRelease: state?.release ?? null,
      download,
      downloadBytes,
      delete: deletes,
      unchanged,
      upToDate:
        download.length === 0 &&
        deletes.length === 0 &&
        state?.release === pointer.release &&
        state.sequence === pointer.sequence,
      fetchBytes: 0,
    };
    plan.fetchBytes = await this.contentBytesToFetch(plan, signal);
    return plan;
  }

  /**
   * The content bytes applying `plan` will fetch: decided exactly as staging decides it (see `fetchPlanOf`), so
   * for a format-2 release only the stored (compressed) size of the chunks that no local file holds. Cost: the
   * local files a chunked update rebuilds from are read and cut once here (the index is kept for the update).
   */
  private async contentBytesToFetch(plan: UpdatePlan, signal: AbortSignal | undefined): Promise<number> {
    if (plan.download.length === 0) return 0;
    const fetchPlan = await this.fetchPlanOf(plan, signal);
    const chunkDir = join(this.layout.stagingDir, 'chunks');
    const chunks = await listChunkDownloads(
      [...fetchPlan.chunkTargets.values()],
      fetchPlan.localChunks,
      chunkDir,
    );
    return fetchPlan.wholeBytes - fetchPlan.wholeResumedBytes + chunks.bytes - chunks.resumedBytes;
  }

  private chunkUrl(ref: ChunkRef): string {
    return `${this.baseUrl}/${encodeKey(chunkKey(ref[0], chunkEncoding(ref)))}`;
  }

  /** Refuses, before any request, a manifest (format 1) or release record (format 2) the pointer says is too large. */
  private assertManifestWithinLimit(manifest: { key: string; size: number }): void {
    const maxManifestBytes = this.options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    if (manifest.size > maxManifestBytes) {
      throw new PatchError(
        'TOO_LARGE',
        `version.json names a manifest of ${manifest.size} bytes, over the limit of ${maxManifestBytes} bytes (maxManifestBytes).`,
        { url: `${this.baseUrl}/${encodeKey(manifest.key)}` },
      );
    }
  }

  /** Fetches and verifies the format-1 manifest a pointer pins. */
  private async readManifestV1(
    pointer: PatchPointer,
    signal: AbortSignal | undefined,
    now: Date,
  ): Promise<PatchManifest> {
    const manifestUrl = `${this.baseUrl}/${encodeKey(pointer.manifest.key)}`;
    const maxManifestBytes = this.options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    const mismatch = (): PatchError =>
      new PatchError(
        'INTEGRITY_MISMATCH',
        `${manifestUrl} does not match the SHA-256 and size version.json names.`,
        { url: manifestUrl },
      );
    const manifestBytes = await this.fetchWithRetries(manifestUrl, signal, maxManifestBytes, 'manifest');
    const manifestJson = parseJsonOrThrow(manifestBytes, 'manifest');
    if (this.options.publicKey !== undefined)
      verifyDocument(manifestJson, 'manifest', this.options.publicKey);
    if (
      manifestBytes.length !== pointer.manifest.size ||
      sha256Hex(manifestBytes) !== pointer.manifest.sha256
    ) {
      throw mismatch();
    }
    const manifest = parseManifest(manifestJson);
    if (manifest.release !== pointer.release) {
      throw new PatchError(
        'MANIFEST_INVALID',
        `version.json names release ${pointer.release}, but its manifest is ${manifest.release}.`,
      );
    }
    assertNotExpired(manifest, now, 'manifest');

    return manifest;
  }

  /**
   * Puts every needed content in `staging/blobs/<sha256>`: copied from elsewhere in the install when the content
   * is there (renamed or duplicated files), otherwise downloaded and verified. Left-over blobs of other plans are
   * removed; `.part` files of this plan are kept for `Range` resume.
   */
  private async stage(
    plan: UpdatePlan,
    signal: AbortSignal | undefined,
    onProgress: PatchProgressListener | undefined,
  ): Promise<{
    blobPaths: Map<string, string>;
    downloadedFiles: number;
    bytesFetched: number;
    copiedLocally: number;
  }> {
    const blobsDir = join(this.layout.stagingDir, 'blobs');
    await mkdir(blobsDir, { recursive: true });
    const needed = neededContents(plan);
    for (const name of await readdir(blobsDir)) {
      const sha256 = name.replace(/\.part$/, '');
      if (!needed.has(sha256)) await rm(join(blobsDir, name), { force: true });
    }
    await rm(join(this.layout.stagingDir, 'copies'), { recursive: true, force: true });
    const { localSources, chunkTargets, localChunks, wholeBytes } = await this.fetchPlanOf(plan, signal);
    const chunkDir = join(this.layout.stagingDir, 'chunks');
    const chunkPlan = await planChunkDownloads([...chunkTargets.values()], localChunks, chunkDir);
    const counter = new ProgressCounter('download', needed.size, wholeBytes + chunkPlan.bytes, onProgress);
    const fetched = await downloadChunks(chunkPlan.toFetch, {
      fetch: this.fetch,
      urlOf: (ref) => this.chunkUrl(ref),
      chunkDir,
      concurrency: this.options.concurrency ?? 4,
      stallTimeoutMs: this.options.stallTimeoutMs ?? 30_000,
      attempts: this.options.attempts ?? 5,
      baseDelayMs: this.options.retryBaseDelayMs ?? 500,
      ...(signal ? { signal } : {}),
      onBytes: (delta) => counter.addBytes(delta),
    });
    let downloadedFiles = 0;
    let bytesFetched = fetched.bytesFetched;
    let copiedLocally = 0;
    let index = 0;
    const blobPaths = new Map<string, string>();
    await runBoundedTasks(
      [...needed.values()],
      this.options.concurrency ?? 4,
      signal,
      async (file, taskSignal) => {
        const finalPath = join(blobsDir, file.sha256);
        const partPath = `${finalPath}.part`;
        blobPaths.set(file.sha256, `blobs/${file.sha256}`);
        const ready = await stat(finalPath).catch(() => undefined);
        const target = chunkTargets.get(file.sha256);
        if (ready?.size === file.size) {
          // staged by an earlier, interrupted run
        } else if (
          localSources.has(file.sha256) &&
          (await copyVerified(this.fs, localSources.get(file.sha256) ?? '', partPath, finalPath, file))
        ) {
          copiedLocally += 1;
        } else if (target) {
          await assembleFile(target, finalPath, localChunks, chunkDir, taskSignal);
          downloadedFiles += 1;
        } else {
          const result: DownloadResult = await downloadVerified({
            url: file.url,
            partPath,
            finalPath,
            size: file.size,
            sha256: file.sha256,
            fetch: this.fetch,
            signal: taskSignal,
            stallTimeoutMs: this.options.stallTimeoutMs ?? 30_000,
            attempts: this.options.attempts ?? 5,
            baseDelayMs: this.options.retryBaseDelayMs ?? 500,
            onBytes: (delta) => counter.addBytes(delta, file.path),
          });
          downloadedFiles += 1;
          bytesFetched += result.bytesFetched;
        }
        counter.fileDone(file.path);
        await this.step({ name: 'downloaded', index: index++, sha256: file.sha256 });
      },
    );
    await this.step({ name: 'staged' });
    return { blobPaths, downloadedFiles, bytesFetched, copiedLocally };
  }

  /**
   * Where each content the update needs will come from, as staging decides it: a blob staged by an earlier run,
   * a copy of a local file with that content, chunks of local files, or the network. Reads and cuts local files
   * but writes nothing. The chunk index is kept for the plan, so `update({ plan })` after `check()` does not cut
   * the local files again (a stale index is harmless: each local chunk is verified when it is read).
   */
  private async fetchPlanOf(plan: UpdatePlan, signal: AbortSignal | undefined): Promise<FetchPlan> {
    const blobsDir = join(this.layout.stagingDir, 'blobs');
    const needed = neededContents(plan);
    const localSources = new Map<string, string>();
    for (const path of plan.unchanged) {
      const file = plan.manifest.files[path];
      if (file && needed.has(file.sha256))
        localSources.set(file.sha256, resolveInside(this.layout.root, path));
    }
    for (const entry of plan.delete) {
      if (needed.has(entry.sha256) && !localSources.has(entry.sha256)) {
        localSources.set(entry.sha256, resolveInside(this.layout.root, entry.path));
      }
    }
    // Format 2: chunks come from local files first (the old version of each file, files this release drops),
    // then from earlier downloads; only the rest is fetched, before any file is rebuilt.
    const chunkTargets = new Map<string, ChunkedTarget>();
    let wholeBytes = 0;
    let wholeResumedBytes = 0;
    for (const file of needed.values()) {
      const ready = await stat(join(blobsDir, file.sha256)).catch(() => undefined);
      if (ready?.size === file.size) continue;
      if (file.chunks) chunkTargets.set(file.sha256, { ...file, chunks: file.chunks });
      else if (!localSources.has(file.sha256)) {
        wholeBytes += file.size;
        wholeResumedBytes += await resumableBytes(join(blobsDir, `${file.sha256}.part`), file.size);
      }
    }
    let localChunks = this.chunkIndexes.get(plan);
    if (!localChunks) {
      localChunks = await this.localChunkIndex(plan, [...chunkTargets.values()], localSources, signal);
      this.chunkIndexes.set(plan, localChunks);
    }
    return { localSources, chunkTargets, localChunks, wholeBytes, wholeResumedBytes };
  }

  /**
   * Indexes the chunks of the local files a format-2 update can rebuild from: the current file at each path
   * it rewrites, the files it deletes, and whole local copies of wanted contents.
   */
  private async localChunkIndex(
    plan: UpdatePlan,
    targets: ChunkedTarget[],
    localSources: Map<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<LocalChunkIndex> {
    const index = new LocalChunkIndex();
    if (!plan.chunked || targets.length === 0) return index;
    const wanted = new Set(targets.flatMap((target) => target.chunks.map((ref) => ref[0])));
    const candidates = new Set<string>();
    for (const target of targets) {
      candidates.add(resolveInside(this.layout.root, target.path));
      const source = localSources.get(target.sha256);
      if (source) candidates.add(source);
    }
    for (const entry of plan.delete) candidates.add(resolveInside(this.layout.root, entry.path));
    for (const file of candidates) await index.add(file, plan.chunked.record.chunking, wanted, signal);
    return index;
  }

  /** The journal: each download path moves its blob into place; further paths with one content get copies. */
  private async prepareJournal(plan: UpdatePlan, blobPaths: Map<string, string>): Promise<ApplyJournal> {
    const used = new Set<string>();
    const writes: ApplyJournal['writes'] = [];
    const copiesDir = join(this.layout.stagingDir, 'copies');
    // No journal exists here (recovery ran first): backups left by a crash after an update finished are stale.
    await this.fs.removeTree(this.layout.backupDir);
    for (const [index, file] of plan.download.entries()) {
      const blob = blobPaths.get(file.sha256);
      if (!blob)
        throw new PatchError('APPLY_FAILED', `No staged content for ${file.path}.`, { path: file.path });
      let source = blob;
      if (used.has(file.sha256)) {
        await mkdir(copiesDir, { recursive: true });
        source = `copies/${index}`;
        await this.fs.copyFile(
          join(this.layout.stagingDir, ...blob.split('/')),
          join(copiesDir, String(index)),
        );
      }
      used.add(file.sha256);
      writes.push({ path: file.path, source, sha256: file.sha256, size: file.size });
    }
    const files: InstallState['files'] = {};
    for (const [path, file] of Object.entries(plan.manifest.files))
      files[path] = { size: file.size, sha256: file.sha256 };
    return {
      formatVersion: 1,
      release: plan.release,
      createdAt: this.now().toISOString(),
      writes,
      deletes: plan.delete,
      state: {
        formatVersion: 1,
        release: plan.release,
        sequence: plan.sequence,
        installedAt: this.now().toISOString(),
        files,
      },
    };
  }

  /** Records the hashes of the files just written, so the next check does not read them again. */
  private async rememberHashes(plan: UpdatePlan): Promise<void> {
    const cache = await StatCache.load(this.layout.statCachePath);
    for (const file of plan.download) {
      const info = await stat(resolveInside(this.layout.root, file.path)).catch(() => undefined);
      if (info?.isFile()) cache.set(file.path, info, file.sha256);
    }
    await cache.saveMerged();
  }
}

/**
 * A file system error (ENOSPC while staging, EACCES…) as a typed `APPLY_FAILED`, keeping it as `cause`;
 * `PatchError`s pass unchanged.
 */
function asFileSystemError(error: unknown, what: string, outcome: string): unknown {
  if (isPatchError(error) || !(error instanceof Error)) return error;
  return new PatchError('APPLY_FAILED', `${what} (${errorCode(error) ?? error.message}); ${outcome}.`, {
    cause: error,
  });
}

function summarize(applied: ApplyResult): Pick<UpdateResult, 'written' | 'deleted' | 'kept'> {
  return { written: applied.written, deleted: applied.deleted, kept: applied.kept };
}

function parseJsonOrThrow(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (error) {
    throw new PatchError('MANIFEST_INVALID', `The ${what} is not valid JSON.`, { cause: error });
  }
}

/** The SHA-256 of a file in the install (through the stat cache), or `undefined` when it is not a file. */
async function localHash(
  absolutePath: string,
  key: string,
  cache: StatCache,
): Promise<{ sha256: string } | undefined> {
  const info = await stat(absolutePath).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const cached = cache.lookup(key, info);
  if (cached !== undefined) return { sha256: cached };
  const { sha256 } = await hashFile(absolutePath);
  cache.set(key, info, sha256);
  return { sha256 };
}

/** Copies a local file with the wanted content to the staging folder, verifying it; false if it no longer matches. */
async function copyVerified(
  fs: PatchFileSystem,
  source: string,
  partPath: string,
  finalPath: string,
  file: PlannedDownload,
): Promise<boolean> {
  try {
    if (!(await lstat(source)).isFile()) return false;
    await fs.copyFile(source, partPath);
    const copied = await hashFile(partPath);
    if (copied.sha256 !== file.sha256 || copied.size !== file.size) {
      await rm(partPath, { force: true });
      return false;
    }
    await renameWithRetry(partPath, finalPath, { rename: (from, to) => fs.rename(from, to) });
    return true;
  } catch {
    await rm(partPath, { force: true });
    return false;
  }
}

/**
 * Throws for a metadata response that is not a `200`, after releasing its body: `MANIFEST_NOT_FOUND` for 404/403
 * (S3 answers 403 for a missing key without `s3:ListBucket`), `HTTP_ERROR` with the status otherwise.
 */
async function failOnMetadataStatus(response: Response, url: string): Promise<void> {
  if (response.status === 200) return;
  await response.body?.cancel().catch(() => undefined);
  if (response.status === 404 || response.status === 403) {
    throw new PatchError('MANIFEST_NOT_FOUND', `Nothing is published at ${url} (HTTP ${response.status}).`, {
      url,
      status: response.status,
    });
  }
  throw new PatchError('HTTP_ERROR', `GET ${url} answered ${response.status}.`, {
    url,
    status: response.status,
  });
}
