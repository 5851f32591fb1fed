import {
  CloudFrontClient,
  CreateInvalidationCommand,
  waitUntilInvalidationCompleted,
} from '@aws-sdk/client-cloudfront';
import {
  GetBucketVersioningCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import type { KeyObject } from 'node:crypto';
import { PatchError, asAbortError, isPatchError } from './errors.js';
import { runBoundedTasks } from './bounded-tasks.js';
import { hexToBase64, sha256Hex } from './hash.js';
import {
  type AddressingMode,
  MANIFEST_FORMAT_VERSION,
  POINTER_KEY,
  type PatchManifest,
  isValidReleaseId,
  releaseManifestKey,
  serializeDocument,
} from './manifest.js';
import { canonicalJson } from './canonical-json.js';
import { type ChunkingParameters, DEFAULT_CHUNKING, assertChunkingParameters } from './chunker.js';
import {
  type BaseFile,
  type ChunkedLayoutOptions,
  putMetaObject,
  releaseDelta,
  storeReleaseFiles,
} from './chunk-store.js';
import type { CompressionOptions } from './compression.js';
import {
  type AnyPointer,
  type PublishedDocument,
  manifestView,
  parseAnyPointer,
  readPublishedDocument,
} from './published-release.js';
import {
  CHUNKED_FORMAT_VERSION,
  type ReleaseFileList,
  type ReleaseRecord,
  chunkRefsOf,
  filesDigest,
} from './release-format.js';
import { assertNoPathCollisions, unsafePathReason } from './paths.js';
import { type PublishPlan, diffAgainstPublished } from './plan.js';
import { type PatchProgressListener, ProgressCounter } from './progress.js';
import { withRetries } from './retry.js';
import {
  IMMUTABLE_CACHE_CONTROL,
  getObjectBytes,
  headObjectSize,
  isPreconditionFailed,
  isRetryableS3Error,
  uploadFile,
} from './s3-objects.js';
import {
  type ReleaseListSource,
  type ReleaseListing,
  listReleaseIds,
  listReleaseSummaries,
} from './release-list.js';
import { type ScanOptions, type ScanResult, scanDirectory } from './scan.js';
import { type SigningKeyInput, signDocument, toPrivateKey } from './signing.js';

/** Options of {@link PatchPublisher}. */
export interface PatchPublisherOptions {
  /** The bucket that holds the releases. */
  bucket: string;
  /** Folder in the bucket, e.g. `'update'`; `''` for the bucket root. Default `''`. */
  prefix?: string;
  /**
   * An S3 client with credentials allowed to `PutObject`/`GetObject`/`HeadObject` (and `GetBucketVersioning` in
   * versionId mode) on the prefix, e.g. built from `KakaoCognitoAuth.credentialProvider` for a signed-in admin.
   * Default: `new S3Client({})` (the default credential chain and region), destroyed by {@link PatchPublisher.destroy}.
   * A client you pass is never destroyed.
   */
  s3Client?: S3Client;
  /** @deprecated Use `s3Client`; ignored when `s3Client` is given. */
  s3?: S3Client;
  /** Default `'content'`. See {@link AddressingMode}. */
  mode?: AddressingMode;
  /** CloudFront distribution in front of the bucket: only `version.json` is invalidated. Without it nothing is. */
  distributionId?: string;
  /** Client for `CreateInvalidation`/`GetInvalidation`; default `new CloudFrontClient({})` when `distributionId` is set. */
  cloudFrontClient?: CloudFrontClient;
  /** @deprecated Use `cloudFrontClient`; ignored when `cloudFrontClient` is given. */
  cloudFront?: CloudFrontClient;
  /**
   * The path to invalidate; default `/<prefix>/version.json`. Set it when the distribution has an origin path
   * or serves the prefix elsewhere.
   */
  invalidationPath?: string;
  /** Wait until the invalidation completes (polls `GetInvalidation`); default false. */
  waitForInvalidation?: boolean;
  /** Longest wait for the invalidation, default 600 s. */
  invalidationTimeoutSeconds?: number;
  /** Ed25519 private key (PEM or `KeyObject`): manifests and pointers are signed with it. */
  signingKey?: SigningKeyInput;
  /** Stored in each signature so players can pick the right public key during a key rotation. */
  keyId?: string;
  /**
   * Pointers expire this many ms after they are written (updaters refuse them afterwards, which stops freeze
   * attacks and replays of old signed pointers); republish or `rollback(current)` before then. Default: with a
   * `signingKey`, {@link DEFAULT_SIGNED_POINTER_TTL_MS} (30 days), because updaters given a public key refuse, on a
   * fresh install, a signed pointer without expiry (`requirePointerExpiry`); without a `signingKey`, no expiry.
   * `false`: no expiry even when signing (then players must rely on `minSequence`).
   */
  pointerTtlMs?: number | false;
  /** `Cache-Control` of `version.json`; default `'public, max-age=60'` (short, and it is invalidated too). */
  pointerCacheControl?: string;
  /**
   * Ignore globs and stat cache location for {@link PatchPublisher.scan}. In format 2 the scan also cuts the
   * files it reads at or above `chunkThreshold` (one read instead of two); `chunking: false` turns that off
   * (a scan only planned, never published, then costs the SHA-256 alone).
   */
  scan?: Omit<ScanOptions, 'signal' | 'onProgress'>;
  /** Files uploaded at once; default 8. */
  concurrency?: number;
  /** Files above this size use multipart uploads; default 16 MiB. */
  multipartThresholdBytes?: number;
  /** Part size of multipart uploads; default 8 MiB (S3's minimum is 5 MiB). */
  partSizeBytes?: number;
  /** Tries per object on throttling, 5xx and network errors (on top of the SDK's own retries); default 3. */
  retries?: number;
  /** Clock, for `createdAt`/`updatedAt`/expiry; default `() => new Date()`. */
  now?: () => Date;
  /**
   * Release format. `2` (default in content mode): files cut into content-defined chunks stored once across
   * files and releases, compressed, with a compressed file list and a delta from the previous release. `1`:
   * one object per distinct file and one JSON manifest, for players whose updater only reads format 1 (see
   * the compatibility rule in the docs). versionId mode always writes format 1.
   */
  format?: 1 | 2;
  /** Format 2: chunk sizes; default 256 KiB / 1 MiB / 4 MiB. */
  chunking?: ChunkingParameters;
  /** Format 2: files at or above this size are chunked, smaller ones stored whole; default 1 MiB. */
  chunkThreshold?: number;
  /** Format 2: Brotli settings, or `false` to store every object raw. Default: quality 5, keep when ≤ 90 %. */
  compression?: CompressionOptions | false;
}

/** Options of {@link PatchPublisher.publish}. */
export interface PublishOptions {
  /** Plan and validate everything, upload nothing. */
  dryRun?: boolean;
  /** Release id; default `r<sequence>-<UTC timestamp>`. Letters, digits, `.`, `_`, `-`. */
  release?: string;
  signal?: AbortSignal;
  onProgress?: PatchProgressListener;
}

/** What {@link PatchPublisher.publish} did. */
export interface PublishResult {
  release: string;
  sequence: number;
  previousRelease: string | null;
  plan: PublishPlan;
  dryRun: boolean;
  /** Objects uploaded, and their bytes. */
  uploadedFiles: number;
  uploadedBytes: number;
  /** Content-addressed blobs found already in the bucket (e.g. left by an interrupted publish) and not sent again. */
  reusedObjects: number;
  /** Full S3 keys written. */
  manifestKey: string;
  pointerKey: string;
  /** The manifest; for a format-2 release its format-1 view (paths, sizes, SHA-256), see `chunked`. */
  manifest: PatchManifest;
  pointer: AnyPointer;
  invalidationId?: string;
  /** Format 2: the signed release record and what the chunk store received. */
  chunked?: {
    record: ReleaseRecord;
    uploadedChunks: number;
    /** Stored (compressed) bytes sent, and the raw bytes they hold. */
    uploadedBytes: number;
    uploadedRawBytes: number;
    reusedChunks: number;
  };
}

/** What {@link PatchPublisher.rollback} did. */
export interface RollbackResult {
  release: string;
  sequence: number;
  /** The release that was current before. */
  previousRelease: string;
  pointer: AnyPointer;
  invalidationId?: string;
}

/** The published state: the pointer, the manifest it names, and the pointer's ETag. */
export interface PublishedRelease {
  pointer: AnyPointer;
  /** The manifest; for a format-2 release its format-1 view (see `chunked`). */
  manifest: PatchManifest;
  pointerEtag: string | undefined;
  /** Format 2: the release record and its full file list. */
  chunked?: { record: ReleaseRecord; files: ReleaseFileList };
}

const RESERVED_TOP_LEVEL = new Set([POINTER_KEY, 'releases', 'blobs', 'chunks', 'meta']);

/**
 * Publishes a folder as a release: scan (SHA-256, stat cache), plan against the manifest published in the bucket,
 * upload only new content, then the release manifest, then the `version.json` pointer, then invalidate only the
 * pointer on CloudFront. Nothing a published manifest references is ever deleted, so players mid-update and
 * rollbacks keep working.
 *
 * Layout under `<prefix>/`: `version.json` (pointer, short cache), `releases/<id>.json` (immutable manifests),
 * `blobs/sha256/<ab>/<sha256>` (content mode, immutable) or `<path>` (versionId mode).
 *
 * @example
 * ```ts
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { PatchPublisher } from 'serverless-game-kit/patch';
 *
 * const publisher = new PatchPublisher({ s3Client: new S3Client({}), bucket: 'my-game', prefix: 'update' });
 * await publisher.scan('build/win64');
 * console.log(await publisher.plan());
 * const result = await publisher.publish({ onProgress: (p) => console.log(p.bytes, '/', p.totalBytes) });
 * console.log(`published ${result.release}`);
 * ```
 */
export class PatchPublisher {
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly mode: AddressingMode;
  private readonly s3: S3Client;
  private readonly ownsS3: boolean;
  private cloudFront: CloudFrontClient | undefined;
  private ownsCloudFront = false;
  private readonly signingKey: KeyObject | undefined;
  private readonly options: PatchPublisherOptions;
  private readonly now: () => Date;
  private lastScan: ScanResult | undefined;
  private versioningChecked = false;
  private readonly format: 1 | 2;
  private readonly layout: ChunkedLayoutOptions;
  /** How long a new pointer is valid, or `undefined` for no `expiresAt`. */
  private readonly pointerTtlMs: number | undefined;

  /** @throws {PatchError} `INVALID_OPTIONS` */
  constructor(options: PatchPublisherOptions) {
    if (typeof options.bucket !== 'string' || options.bucket.length === 0) {
      throw new PatchError('INVALID_OPTIONS', 'bucket is required.');
    }
    const prefix = normalizePrefix(options.prefix ?? '');
    const mode = options.mode ?? 'content';
    if (mode !== 'content' && mode !== 'versionId') {
      throw new PatchError('INVALID_OPTIONS', `mode must be 'content' or 'versionId', not ${String(mode)}.`);
    }
    for (const name of [
      'concurrency',
      'multipartThresholdBytes',
      'partSizeBytes',
      'retries',
      'pointerTtlMs',
    ] as const) {
      const value = options[name];
      if (value === false && name === 'pointerTtlMs') continue;
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 1)) {
        throw new PatchError('INVALID_OPTIONS', `${name} must be a positive number.`);
      }
    }
    if (options.partSizeBytes !== undefined && options.partSizeBytes < 5 * 1024 * 1024) {
      throw new PatchError('INVALID_OPTIONS', 'partSizeBytes must be at least 5 MiB (S3 multipart minimum).');
    }
    if (options.format !== undefined && options.format !== 1 && options.format !== 2) {
      throw new PatchError('INVALID_OPTIONS', `format must be 1 or 2, not ${String(options.format)}.`);
    }
    if (options.format === 2 && mode === 'versionId') {
      throw new PatchError('INVALID_OPTIONS', 'versionId mode stores whole files: it writes format 1 only.');
    }
    const chunking = options.chunking ?? DEFAULT_CHUNKING;
    assertChunkingParameters(chunking);
    const chunkThreshold = options.chunkThreshold ?? chunking.avgSize;
    if (!Number.isInteger(chunkThreshold) || chunkThreshold < 1) {
      throw new PatchError('INVALID_OPTIONS', 'chunkThreshold must be a positive integer.');
    }
    this.format = options.format ?? (mode === 'versionId' ? 1 : 2);
    this.layout = {
      chunking: { minSize: chunking.minSize, avgSize: chunking.avgSize, maxSize: chunking.maxSize },
      chunkThreshold,
      compression: options.compression ?? {},
      concurrency: options.concurrency ?? 8,
    };
    if (options.keyId !== undefined && options.signingKey === undefined) {
      throw new PatchError('INVALID_OPTIONS', 'keyId needs a signingKey.');
    }
    this.signingKey = options.signingKey === undefined ? undefined : toPrivateKey(options.signingKey);
    this.pointerTtlMs = pointerTtlOf(options);
    this.options = options;
    this.bucket = options.bucket;
    this.prefix = prefix;
    this.mode = mode;
    const s3Client = options.s3Client ?? options.s3;
    this.s3 = s3Client ?? new S3Client({});
    this.ownsS3 = s3Client === undefined;
    this.cloudFront = options.cloudFrontClient ?? options.cloudFront;
    this.now = options.now ?? (() => new Date());
  }

  /** The full S3 key of `key` (relative to the prefix). */
  s3Key(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  /**
   * Scans `dir` (see `scanDirectory`) and keeps the result for {@link plan} and {@link publish}.
   *
   * @throws {PatchError} `INVALID_OPTIONS` when `dir` cannot be read, `ABORTED`.
   */
  async scan(dir: string, options: Pick<ScanOptions, 'signal' | 'onProgress'> = {}): Promise<ScanResult> {
    // Format 2: big files are cut while the scan reads them, so publishing does not read them to cut them.
    const chunking: ScanOptions['chunking'] =
      this.format === 2 && this.mode === 'content'
        ? { parameters: this.layout.chunking, threshold: this.layout.chunkThreshold }
        : false;
    this.lastScan = await scanDirectory(dir, { chunking, ...this.options.scan, ...options });
    return this.lastScan;
  }

  /**
   * Reads what is published now, from the bucket (the truth, not a local file): the pointer and its manifest.
   *
   * @returns `undefined` when nothing is published at the prefix yet.
   * @throws {PatchError} `MANIFEST_INVALID`, `INTEGRITY_MISMATCH` (the manifest does not match the pointer),
   *   `MANIFEST_NOT_FOUND` (the pointer names a missing manifest).
   */
  async readPublished(signal?: AbortSignal): Promise<PublishedRelease | undefined> {
    const pointerObject = await getObjectBytes(this.s3, this.bucket, this.s3Key(POINTER_KEY), signal);
    if (!pointerObject) return undefined;
    const pointer = parseAnyPointer(pointerObject.bytes);
    const document = await this.readManifest(pointer.release, signal, pointer.manifest.sha256);
    return {
      pointer,
      manifest: document.manifest,
      pointerEtag: pointerObject.etag,
      ...(document.format === 2 ? { chunked: { record: document.record, files: document.files } } : {}),
    };
  }

  /** Release ids under `<prefix>/releases/`, sorted. */
  listReleases(signal?: AbortSignal): Promise<string[]> {
    return listReleaseIds(this.releaseListSource(signal));
  }

  /**
   * Every release under the prefix with its sequence, date, file count and size, oldest first, and which one
   * `version.json` names — what {@link rollback} needs. Cost: see `listReleaseSummaries`.
   */
  describeReleases(signal?: AbortSignal): Promise<ReleaseListing> {
    return listReleaseSummaries(this.releaseListSource(signal));
  }

  private releaseListSource(signal: AbortSignal | undefined): ReleaseListSource {
    return {
      s3: this.s3,
      bucket: this.bucket,
      s3Key: (key) => this.s3Key(key),
      ...(signal ? { signal } : {}),
    };
  }

  /**
   * Diffs the last scan against the published manifest: added, changed, removed, unchanged, and the objects and
   * bytes to upload. Writes nothing.
   *
   * @throws {PatchError} `INVALID_OPTIONS` (no scan yet), `PATH_COLLISION`, `UNSAFE_PATH` (versionId mode:
   *   a top-level `version.json`, `releases/` or `blobs/` would clash with the layout), `VERSIONING_DISABLED`.
   */
  async plan(signal?: AbortSignal): Promise<PublishPlan> {
    return (await this.planWithBase(signal)).plan;
  }

  /**
   * Uploads what the plan needs (bounded concurrency, multipart for large files, `ChecksumSHA256`, retries), then
   * the release manifest, then the pointer, then invalidates the pointer. With `dryRun`, only plans.
   *
   * @throws {PatchError} `INVALID_OPTIONS`, `PATH_COLLISION`, `UNSAFE_PATH`, `VERSIONING_DISABLED`,
   *   `RELEASE_EXISTS`, `CONCURRENT_PUBLISH`, `FILE_CHANGED`, `UPLOAD_FAILED`, `ABORTED`.
   */
  async publish(options: PublishOptions = {}): Promise<PublishResult> {
    const { signal, onProgress } = options;
    try {
      const { plan, base } = await this.planWithBase(signal);
      const sequence = plan.nextSequence;
      const release = options.release ?? defaultReleaseId(sequence, this.now());
      if (!isValidReleaseId(release)) {
        throw new PatchError('INVALID_OPTIONS', `Release id ${JSON.stringify(release)} is not valid.`);
      }
      const manifestKey = this.s3Key(releaseManifestKey(release));
      if (
        base?.pointer.release === release ||
        (await headObjectSize(this.s3, this.bucket, manifestKey, signal)) !== undefined
      ) {
        throw new PatchError('RELEASE_EXISTS', `Release ${release} is already published; choose another id.`);
      }

      if (this.format === 2 && plan.mode === 'content') {
        return await this.publishChunked({ plan, base, release, sequence, manifestKey }, options);
      }
      const files = structuredClone(plan.files);
      const uploaded = options.dryRun
        ? { uploadedFiles: 0, uploadedBytes: 0, reusedObjects: 0 }
        : await this.uploadPlanned(plan, files, signal, onProgress);
      const { uploadedFiles, uploadedBytes, reusedObjects } = uploaded;

      const createdAt = this.now().toISOString();
      const unsignedManifest: PatchManifest = {
        formatVersion: MANIFEST_FORMAT_VERSION,
        release,
        sequence,
        createdAt,
        previousRelease: base?.pointer.release ?? null,
        mode: plan.mode,
        files,
      };
      const manifest = this.sign(unsignedManifest, 'manifest');
      const manifestBytes = Buffer.from(serializeDocument(manifest), 'utf8');
      const pointer = this.makePointer(release, sequence, manifestBytes);
      const result: PublishResult = {
        release,
        sequence,
        previousRelease: base?.pointer.release ?? null,
        plan,
        dryRun: options.dryRun ?? false,
        uploadedFiles,
        uploadedBytes,
        reusedObjects,
        manifestKey,
        pointerKey: this.s3Key(POINTER_KEY),
        manifest,
        pointer,
      };
      if (options.dryRun) return result;

      const invalidationId = await this.commitRelease(
        { key: manifestKey, bytes: manifestBytes, release, sequence },
        pointer,
        base?.pointerEtag,
        signal,
        onProgress,
      );
      return invalidationId === undefined ? result : { ...result, invalidationId };
    } catch (error) {
      throw asAbortError(error, signal);
    }
  }

  /**
   * Publishes a format-2 release: chunks and compressed objects into the chunk store, then the compressed file
   * list and delta under `meta/`, then the signed release record, the pointer and the invalidation.
   */
  private async publishChunked(
    context: {
      plan: PublishPlan;
      base: PublishedRelease | undefined;
      release: string;
      sequence: number;
      manifestKey: string;
    },
    options: PublishOptions,
  ): Promise<PublishResult> {
    const { plan, base, release, sequence, manifestKey } = context;
    const { signal, onProgress } = options;
    const scan = this.lastScan;
    if (!scan) throw new PatchError('INVALID_OPTIONS', 'Call scan(dir) before publish().');
    const baseFiles = baseFilesOf(base);
    const sameLayout =
      base?.chunked !== undefined &&
      canonicalJson(base.chunked.record.chunking) === canonicalJson(this.layout.chunking) &&
      base.chunked.record.chunkThreshold === this.layout.chunkThreshold;
    const empty: PublishResult = {
      release,
      sequence,
      previousRelease: base?.pointer.release ?? null,
      plan,
      dryRun: true,
      uploadedFiles: 0,
      uploadedBytes: 0,
      reusedObjects: 0,
      manifestKey,
      pointerKey: this.s3Key(POINTER_KEY),
      manifest: { ...(base?.manifest ?? emptyManifestView(release, sequence)), files: {} },
      pointer: base?.pointer ?? this.makePointer(release, sequence, new Uint8Array(), 2),
    };
    if (options.dryRun) return empty;

    const target = {
      s3: this.s3,
      bucket: this.bucket,
      s3Key: (key: string) => this.s3Key(key),
      retries: this.options.retries ?? 3,
      ...(signal ? { signal } : {}),
    };
    // Progress in bytes actually sent: the total starts at the raw size of the new chunks and shrinks as each
    // one is compressed or found in the bucket already, so it ends equal to the bytes uploaded.
    let counter: ProgressCounter | undefined;
    const stored = await storeReleaseFiles(
      scan,
      base ? { files: baseFiles, sameLayout } : undefined,
      this.layout,
      target,
      {
        planned: (chunks, rawBytes) => {
          counter = new ProgressCounter('upload', chunks, rawBytes, onProgress);
        },
        chunkDone: (rawBytes, sentBytes, path) => {
          counter?.addTotalBytes(sentBytes - rawBytes);
          counter?.addBytes(sentBytes, path);
          counter?.fileDone(path);
        },
      },
    );
    const fileList: ReleaseFileList = { formatVersion: CHUNKED_FORMAT_VERSION, release, files: stored.files };
    const filesPin = await putMetaObject(target, fileList);
    const deltaPin = base
      ? {
          ...(await putMetaObject(
            target,
            releaseDelta(release, base.pointer.release, baseFiles, stored.files),
          )),
          from: base.pointer.release,
        }
      : undefined;
    const record = this.sign<ReleaseRecord>(
      {
        formatVersion: CHUNKED_FORMAT_VERSION,
        release,
        sequence,
        createdAt: this.now().toISOString(),
        previousRelease: base?.pointer.release ?? null,
        mode: 'content',
        chunking: this.layout.chunking,
        chunkThreshold: this.layout.chunkThreshold,
        fileCount: scan.files.size,
        totalBytes: scan.totalBytes,
        filesDigest: filesDigest(stored.files),
        files: filesPin,
        ...(deltaPin ? { delta: deltaPin } : {}),
      },
      'manifest',
    );
    const recordBytes = Buffer.from(`${canonicalJson(record)}\n`, 'utf8');
    const pointer = this.makePointer(release, sequence, recordBytes, 2);
    const invalidationId = await this.commitRelease(
      { key: manifestKey, bytes: recordBytes, release, sequence },
      pointer,
      base?.pointerEtag,
      signal,
      onProgress,
    );
    return {
      ...empty,
      dryRun: false,
      uploadedFiles: stored.uploadedChunks,
      uploadedBytes: stored.uploadedBytes,
      reusedObjects: stored.reusedChunks,
      manifest: manifestView(record, fileList),
      pointer,
      chunked: {
        record,
        uploadedChunks: stored.uploadedChunks,
        uploadedBytes: stored.uploadedBytes,
        uploadedRawBytes: stored.uploadedRawBytes,
        reusedChunks: stored.reusedChunks,
      },
      ...(invalidationId === undefined ? {} : { invalidationId }),
    };
  }

  /** Uploads the plan's objects (bounded concurrency, retries); in versionId mode records each `VersionId`. */
  private async uploadPlanned(
    plan: PublishPlan,
    files: PublishPlan['files'],
    signal: AbortSignal | undefined,
    onProgress: PatchProgressListener | undefined,
  ): Promise<Pick<PublishResult, 'uploadedFiles' | 'uploadedBytes' | 'reusedObjects'>> {
    let uploadedFiles = 0;
    let uploadedBytes = 0;
    let reusedObjects = 0;
    const counter = new ProgressCounter('upload', plan.uploads.length, plan.uploadBytes, onProgress);
    // On the first failed upload no further file starts and the uploads under way are aborted (multipart ones
    // aborted on S3 too); the error is thrown only once none is running.
    await runBoundedTasks(plan.uploads, this.options.concurrency ?? 8, signal, async (upload, taskSignal) => {
      const key = this.s3Key(upload.key);
      if (plan.mode === 'content') {
        const existing = await headObjectSize(this.s3, this.bucket, key, taskSignal);
        if (existing === upload.size) {
          reusedObjects += 1;
          counter.addBytes(upload.size);
          counter.fileDone(upload.paths[0]);
          return;
        }
      }
      let sent = 0;
      const versionId = await withRetries(
        async () => {
          counter.addBytes(-sent);
          sent = 0;
          return uploadFile(upload, {
            s3: this.s3,
            bucket: this.bucket,
            key,
            cacheControl: plan.mode === 'content' ? IMMUTABLE_CACHE_CONTROL : 'public, max-age=31536000',
            multipartThresholdBytes: this.options.multipartThresholdBytes ?? 16 * 1024 * 1024,
            partSizeBytes: this.options.partSizeBytes ?? 8 * 1024 * 1024,
            queueSize: 4,
            signal: taskSignal,
            onBytes: (bytes) => {
              sent += bytes;
              counter.addBytes(bytes, upload.paths[0]);
            },
          });
        },
        { attempts: this.options.retries ?? 3, signal: taskSignal, retryable: isRetryableS3Error },
      ).catch((error: unknown) => {
        if (isPatchError(error) || taskSignal.aborted) throw error;
        throw new PatchError(
          'UPLOAD_FAILED',
          `Uploading ${upload.paths[0]} to s3://${this.bucket}/${key} failed: ${String(error)}`,
          {
            cause: error,
            path: upload.paths[0] ?? upload.key,
          },
        );
      });
      if (plan.mode === 'versionId') {
        if (!versionId) {
          throw new PatchError(
            'VERSIONING_DISABLED',
            `S3 returned no VersionId for s3://${this.bucket}/${key}: enable versioning on the bucket or use content mode.`,
          );
        }
        for (const path of upload.paths) {
          const entry = files[path];
          if (entry) entry.versionId = versionId;
        }
      }
      uploadedFiles += 1;
      uploadedBytes += upload.size;
      counter.fileDone(upload.paths[0]);
    });
    return { uploadedFiles, uploadedBytes, reusedObjects };
  }

  /** Writes the release manifest (never over an existing one), then the pointer, then invalidates it. */
  private async commitRelease(
    manifest: { key: string; bytes: Buffer; release: string; sequence: number },
    pointer: AnyPointer,
    pointerEtag: string | undefined,
    signal: AbortSignal | undefined,
    onProgress: PatchProgressListener | undefined,
  ): Promise<string | undefined> {
    const { key: manifestKey, bytes: manifestBytes, release, sequence } = manifest;
    onProgress?.({
      phase: 'publish',
      files: 0,
      totalFiles: 2,
      bytes: 0,
      totalBytes: manifestBytes.length,
      path: manifestKey,
    });
    await this.putJson(
      manifestKey,
      manifestBytes,
      IMMUTABLE_CACHE_CONTROL,
      { IfNoneMatch: '*' },
      signal,
      () => new PatchError('RELEASE_EXISTS', `Release ${release} was published by someone else meanwhile.`),
    );
    await this.putPointer(pointer, pointerEtag, signal);
    const invalidationId = await this.invalidate(release, sequence, signal, onProgress);
    onProgress?.({
      phase: 'done',
      files: 2,
      totalFiles: 2,
      bytes: manifestBytes.length,
      totalBytes: manifestBytes.length,
    });
    return invalidationId;
  }

  /**
   * Points `version.json` back at an earlier (or the current) release without uploading any file: a new pointer
   * with a higher `sequence`, signed again, then the pointer invalidation. Updaters accept it because its
   * sequence grew. Also the way to refresh an expiring pointer (`rollback(current)`).
   *
   * @throws {PatchError} `MANIFEST_NOT_FOUND` (nothing published, or no such release), `MANIFEST_INVALID`,
   *   `CONCURRENT_PUBLISH`, `ABORTED`.
   */
  async rollback(release: string, options: { signal?: AbortSignal } = {}): Promise<RollbackResult> {
    const { signal } = options;
    if (!isValidReleaseId(release)) {
      throw new PatchError('INVALID_OPTIONS', `Release id ${JSON.stringify(release)} is not valid.`);
    }
    try {
      const pointerObject = await getObjectBytes(this.s3, this.bucket, this.s3Key(POINTER_KEY), signal);
      if (!pointerObject) {
        throw new PatchError(
          'MANIFEST_NOT_FOUND',
          `Nothing is published at s3://${this.bucket}/${this.prefix}: nothing to roll back.`,
        );
      }
      const current = parseAnyPointer(pointerObject.bytes);
      const { bytes, format } = await this.readManifest(release, signal);
      const sequence = current.sequence + 1;
      const pointer = this.makePointer(release, sequence, bytes, format);
      await this.putPointer(pointer, pointerObject.etag, signal);
      const invalidationId = await this.invalidate(release, sequence, signal);
      return {
        release,
        sequence,
        previousRelease: current.release,
        pointer,
        ...(invalidationId === undefined ? {} : { invalidationId }),
      };
    } catch (error) {
      throw asAbortError(error, signal);
    }
  }

  /** Destroys the S3 and CloudFront clients this publisher created itself; clients passed in are left alone. */
  destroy(): void {
    if (this.ownsS3) this.s3.destroy();
    if (this.ownsCloudFront) this.cloudFront?.destroy();
  }

  private async planWithBase(
    signal?: AbortSignal,
  ): Promise<{ plan: PublishPlan; base: PublishedRelease | undefined }> {
    const scan = this.lastScan;
    if (!scan) throw new PatchError('INVALID_OPTIONS', 'Call scan(dir) before plan() or publish().');
    if (scan.collisions.length > 0) assertNoPathCollisions(scan.collisions.flat());
    if (this.mode === 'versionId') {
      for (const path of scan.files.keys()) {
        const top = path.split('/')[0] ?? '';
        if (RESERVED_TOP_LEVEL.has(top)) {
          throw new PatchError(
            'UNSAFE_PATH',
            `In versionId mode files live at <prefix>/<path>, so ${JSON.stringify(path)} would clash with the release layout (${[...RESERVED_TOP_LEVEL].join(', ')}). Rename it or use content mode.`,
            { path },
          );
        }
      }
      await this.assertVersioningEnabled(signal);
    }
    const base = await this.readPublished(signal);
    const plan = diffAgainstPublished(scan, base?.manifest, this.mode, (base?.pointer.sequence ?? 0) + 1);
    return { plan, base };
  }

  private async assertVersioningEnabled(signal?: AbortSignal): Promise<void> {
    if (this.versioningChecked) return;
    const response = await this.s3.send(new GetBucketVersioningCommand({ Bucket: this.bucket }), {
      abortSignal: signal,
    });
    if (response.Status !== 'Enabled') {
      throw new PatchError(
        'VERSIONING_DISABLED',
        `versionId mode needs versioning on bucket ${this.bucket}, but it is ${response.Status ?? 'not enabled'}. Enable it (aws s3api put-bucket-versioning --bucket ${this.bucket} --versioning-configuration Status=Enabled) or use the default content mode.`,
      );
    }
    this.versioningChecked = true;
  }

  private readManifest(
    release: string,
    signal: AbortSignal | undefined,
    expectedSha256?: string,
  ): Promise<PublishedDocument> {
    return readPublishedDocument(
      this.s3,
      this.bucket,
      (key) => this.s3Key(key),
      release,
      signal,
      expectedSha256,
    );
  }

  private sign<Document extends object>(document: Document, kind: 'manifest' | 'pointer'): Document {
    if (!this.signingKey) return document;
    return signDocument(document, kind, this.signingKey, this.options.keyId);
  }

  private makePointer(
    release: string,
    sequence: number,
    manifestBytes: Uint8Array,
    format: 1 | 2 = 1,
  ): AnyPointer {
    const now = this.now();
    const pointer: AnyPointer = {
      formatVersion: format === 2 ? CHUNKED_FORMAT_VERSION : MANIFEST_FORMAT_VERSION,
      release,
      sequence,
      manifest: {
        key: releaseManifestKey(release),
        sha256: sha256Hex(manifestBytes),
        size: manifestBytes.length,
      },
      updatedAt: now.toISOString(),
      ...(this.pointerTtlMs === undefined
        ? {}
        : { expiresAt: new Date(now.getTime() + this.pointerTtlMs).toISOString() }),
    };
    return this.sign(pointer, 'pointer');
  }

  private async putPointer(
    pointer: AnyPointer,
    expectedEtag: string | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    const key = this.s3Key(POINTER_KEY);
    // Stores that ignore conditional writes (the local S3 server) still get this check; S3 enforces If-Match.
    const latest = await getObjectBytes(this.s3, this.bucket, key, signal);
    if (latest?.etag !== expectedEtag) throw concurrentPublish();
    await this.putJson(
      key,
      Buffer.from(`${canonicalJson(pointer)}\n`, 'utf8'),
      this.options.pointerCacheControl ?? 'public, max-age=60',
      expectedEtag === undefined ? { IfNoneMatch: '*' } : { IfMatch: expectedEtag },
      signal,
      concurrentPublish,
    );
  }

  private async putJson(
    key: string,
    body: Buffer,
    cacheControl: string,
    condition: Pick<PutObjectCommandInput, 'IfMatch' | 'IfNoneMatch'>,
    signal: AbortSignal | undefined,
    onConflict: () => PatchError,
  ): Promise<void> {
    await withRetries(
      async () => {
        try {
          await this.s3.send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key: key,
              Body: body,
              ContentLength: body.length,
              ContentType: 'application/json',
              CacheControl: cacheControl,
              ChecksumSHA256: hexToBase64(sha256Hex(body)),
              ...condition,
            }),
            { abortSignal: signal },
          );
        } catch (error) {
          if (isPreconditionFailed(error)) throw onConflict();
          throw error;
        }
      },
      { attempts: this.options.retries ?? 3, signal, retryable: isRetryableS3Error },
    );
  }

  private async invalidate(
    release: string,
    sequence: number,
    signal: AbortSignal | undefined,
    onProgress?: PatchProgressListener,
  ): Promise<string | undefined> {
    const distributionId = this.options.distributionId;
    if (distributionId === undefined) return undefined;
    if (!this.cloudFront) {
      this.cloudFront = new CloudFrontClient({});
      this.ownsCloudFront = true;
    }
    const path =
      this.options.invalidationPath ??
      `/${this.s3Key(POINTER_KEY).split('/').map(encodeURIComponent).join('/')}`;
    onProgress?.({ phase: 'invalidate', files: 0, totalFiles: 1, bytes: 0, totalBytes: 0, path });
    const response = await this.cloudFront.send(
      new CreateInvalidationCommand({
        DistributionId: distributionId,
        InvalidationBatch: {
          CallerReference: `sgk-patch-${release}-${sequence}`,
          Paths: { Quantity: 1, Items: [path] },
        },
      }),
      { abortSignal: signal },
    );
    const id = response.Invalidation?.Id;
    if (id && this.options.waitForInvalidation) {
      await waitUntilInvalidationCompleted(
        {
          client: this.cloudFront,
          maxWaitTime: this.options.invalidationTimeoutSeconds ?? 600,
          minDelay: 2,
          maxDelay: 20,
          ...(signal ? { abortSignal: signal } : {}),
        },
        { DistributionId: distributionId, Id: id },
      );
    }
    return id;
  }
}

/**
 * How long a pointer signed by a publisher stays valid when `pointerTtlMs` is not set: 30 days. Fresh installs
 * whose updater has a public key refuse a signed pointer without `expiresAt`, so signed releases get one by
 * default; republish or `rollback(<current release>)` within this time to refresh it.
 *
 * @example
 * ```ts
 * import { DEFAULT_SIGNED_POINTER_TTL_MS, PatchPublisher } from 'serverless-game-kit/patch';
 *
 * const weekly = new PatchPublisher({ bucket: 'my-game', signingKey, pointerTtlMs: DEFAULT_SIGNED_POINTER_TTL_MS / 4 });
 * ```
 */
export const DEFAULT_SIGNED_POINTER_TTL_MS = 30 * 24 * 60 * 60 * 1000;

function pointerTtlOf(options: PatchPublisherOptions): number | undefined {
  if (options.pointerTtlMs === false) return undefined;
  if (options.pointerTtlMs !== undefined) return options.pointerTtlMs;
  return options.signingKey === undefined ? undefined : DEFAULT_SIGNED_POINTER_TTL_MS;
}

/** The published files as the chunk store reuses them: chunk lists of a format-2 release, sizes and hashes of a format-1 one. */
function baseFilesOf(base: PublishedRelease | undefined): Record<string, BaseFile> {
  const files: Record<string, BaseFile> = {};
  if (base?.chunked) {
    for (const [path, entry] of Object.entries(base.chunked.files.files)) {
      files[path] = { size: entry.size, sha256: entry.sha256, chunks: chunkRefsOf(entry) };
    }
  } else if (base) {
    for (const [path, entry] of Object.entries(base.manifest.files)) {
      files[path] = { size: entry.size, sha256: entry.sha256 };
    }
  }
  return files;
}

function emptyManifestView(release: string, sequence: number): PatchManifest {
  return {
    formatVersion: MANIFEST_FORMAT_VERSION,
    release,
    sequence,
    createdAt: new Date(0).toISOString(),
    previousRelease: null,
    mode: 'content',
    files: {},
  };
}

function concurrentPublish(): PatchError {
  return new PatchError(
    'CONCURRENT_PUBLISH',
    'version.json changed while publishing (another publish or rollback won): plan and publish again.',
  );
}

/** `r<sequence>-<UTC yyyymmddThhmmssZ>`, e.g. `r12-20261122T031500Z`. */
export function defaultReleaseId(sequence: number, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `r${sequence}-${stamp}`;
}

function normalizePrefix(prefix: string): string {
  if (typeof prefix !== 'string') throw new PatchError('INVALID_OPTIONS', 'prefix must be a string.');
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed !== '' && unsafePathReason(trimmed) !== undefined) {
    throw new PatchError(
      'INVALID_OPTIONS',
      `prefix ${JSON.stringify(prefix)} is not a safe S3 folder: it ${unsafePathReason(trimmed)}.`,
    );
  }
  return trimmed;
}
