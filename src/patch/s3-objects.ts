import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { PatchError, isPatchError } from './errors.js';
import { hexToBase64, sha256Hex } from './hash.js';
import type { PlannedUpload } from './plan.js';

/** `Cache-Control` of blobs and release manifests: they never change once written. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

interface S3ErrorLike {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** True for S3's "no such object" answers (GetObject's NoSuchKey, HeadObject's bare 404). */
export function isNotFound(error: unknown): boolean {
  const candidate = error as S3ErrorLike;
  return (
    candidate?.name === 'NoSuchKey' ||
    candidate?.name === 'NotFound' ||
    candidate?.Code === 'NoSuchKey' ||
    candidate?.$metadata?.httpStatusCode === 404
  );
}

/** True for a failed `If-Match` / `If-None-Match` condition (412, or 409 for a concurrent conditional write). */
export function isPreconditionFailed(error: unknown): boolean {
  const candidate = error as S3ErrorLike;
  const status = candidate?.$metadata?.httpStatusCode;
  return (
    candidate?.name === 'PreconditionFailed' ||
    status === 412 ||
    candidate?.name === 'ConditionalRequestConflict'
  );
}

/** Worth another try: throttling, 5xx, timeouts and network errors; not 4xx answers or our own errors. */
export function isRetryableS3Error(error: unknown): boolean {
  if (isPatchError(error)) return false;
  const status = (error as S3ErrorLike)?.$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status >= 500 || status === 429 || status === 408;
}

/** An object's bytes and ETag, or `undefined` when it does not exist. */
export async function getObjectBytes(
  s3: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; etag: string | undefined } | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal,
    });
    if (!response.Body) return { bytes: new Uint8Array(), etag: response.ETag };
    return { bytes: await response.Body.transformToByteArray(), etag: response.ETag };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** An object's size, or `undefined` when it does not exist. */
export async function headObjectSize(
  s3: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<number | undefined> {
  try {
    const response = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal,
    });
    return response.ContentLength ?? 0;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Extra object settings of {@link uploadFile}. */
export interface UploadFileOptions {
  s3: S3Client;
  bucket: string;
  /** Full S3 key. */
  key: string;
  cacheControl: string;
  /** Files larger than this go through a multipart upload. */
  multipartThresholdBytes: number;
  partSizeBytes: number;
  /** Parts in flight per multipart upload. */
  queueSize: number;
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
}

/**
 * Uploads one planned file and returns the object's `VersionId` (when the bucket is versioned). Small files are
 * read into memory, checked against the scanned SHA-256 and sent in one `PutObject` with `ChecksumSHA256`, so
 * S3 rejects a body damaged in transit. Large files stream through `@aws-sdk/lib-storage` multipart uploads
 * (each part with its own SHA-256 checksum) while being hashed; if the file no longer matches its scan, the
 * object is deleted again and the upload fails.
 *
 * @throws {PatchError} `FILE_CHANGED` when the file changed since the scan; S3 errors as they are.
 */
export async function uploadFile(
  upload: PlannedUpload,
  options: UploadFileOptions,
): Promise<string | undefined> {
  const { source } = upload;
  const info = await stat(source.absolutePath);
  if (info.size !== upload.size || info.mtimeMs !== source.mtimeMs) {
    throw fileChanged(upload);
  }
  const common: PutObjectCommandInput = {
    Bucket: options.bucket,
    Key: options.key,
    CacheControl: options.cacheControl,
    ContentType: 'application/octet-stream',
  };
  if (upload.size <= options.multipartThresholdBytes) {
    const body = await readFile(source.absolutePath);
    if (body.length !== upload.size || sha256Hex(body) !== upload.sha256) throw fileChanged(upload);
    const response = await options.s3.send(
      new PutObjectCommand({
        ...common,
        Body: body,
        ContentLength: body.length,
        ChecksumSHA256: hexToBase64(upload.sha256),
      }),
      { abortSignal: options.signal },
    );
    options.onBytes?.(body.length);
    return response.VersionId;
  }

  const hash = createHash('sha256');
  let streamed = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      streamed += chunk.length;
      callback(null, chunk);
    },
  });
  const body = createReadStream(source.absolutePath, { highWaterMark: 1 << 20 }).pipe(hashing);
  const multipart = new Upload({
    client: options.s3,
    params: { ...common, Body: body, ChecksumAlgorithm: 'SHA256' },
    partSize: options.partSizeBytes,
    queueSize: options.queueSize,
    leavePartsOnError: false,
  });
  let reported = 0;
  multipart.on('httpUploadProgress', (progress) => {
    const loaded = progress.loaded ?? 0;
    if (loaded > reported) {
      options.onBytes?.(loaded - reported);
      reported = loaded;
    }
  });
  const onAbort = (): void => void multipart.abort().catch(() => undefined);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let versionId: string | undefined;
  try {
    const result = await multipart.done();
    versionId = (result as { VersionId?: string }).VersionId;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (reported < upload.size) options.onBytes?.(upload.size - reported);
  if (streamed !== upload.size || hash.digest('hex') !== upload.sha256) {
    await options.s3
      .send(new DeleteObjectCommand({ Bucket: options.bucket, Key: options.key, VersionId: versionId }))
      .catch(() => undefined);
    throw fileChanged(upload);
  }
  return versionId;
}

function fileChanged(upload: PlannedUpload): PatchError {
  return new PatchError(
    'FILE_CHANGED',
    `${upload.source.absolutePath} changed after it was scanned: scan again, then publish.`,
    { path: upload.paths[0] ?? upload.key },
  );
}
