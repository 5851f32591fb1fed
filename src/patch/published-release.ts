import type { S3Client } from '@aws-sdk/client-s3';
import { PatchError } from './errors.js';
import { sha256Hex } from './hash.js';
import { type PatchManifest, type PatchPointer, blobKey, parseManifest, parsePointer } from './manifest.js';
import {
  CHUNKED_FORMAT_VERSION,
  type PointerV2,
  type ReleaseFileList,
  type ReleaseRecord,
  decodeMetaObject,
  parseFileList,
  parsePointerV2,
  parseReleaseRecord,
} from './release-format.js';
import { getObjectBytes } from './s3-objects.js';

/** A `version.json` of either format. */
export type AnyPointer = PatchPointer | PointerV2;

/** Largest decoded file list the publisher and updater accept (a 1,000,000-file game is ~150 MB). */
export const MAX_FILE_LIST_BYTES = 512 * 1024 * 1024;

function formatOf(value: unknown): unknown {
  return value !== null && typeof value === 'object'
    ? (value as { formatVersion?: unknown }).formatVersion
    : undefined;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (error) {
    throw new PatchError('MANIFEST_INVALID', `The ${what} is not valid JSON.`, { cause: error });
  }
}

/**
 * Parses a `version.json` of format 1 or 2.
 *
 * @throws {PatchError} `MANIFEST_INVALID`
 * @example
 * ```ts
 * import { parseAnyPointer } from 'serverless-game-kit/patch';
 *
 * const pointer = parseAnyPointer(JSON.parse(text));
 * ```
 */
export function parseAnyPointer(value: unknown): AnyPointer {
  const parsed = value instanceof Uint8Array ? parseJson(value, 'version.json pointer') : value;
  return formatOf(parsed) === CHUNKED_FORMAT_VERSION ? parsePointerV2(parsed) : parsePointer(parsed);
}

/** A release as published: a format-1 manifest, or a format-2 record with its file list. */
export type PublishedDocument =
  | { format: 1; manifest: PatchManifest; bytes: Uint8Array }
  | { format: 2; record: ReleaseRecord; files: ReleaseFileList; bytes: Uint8Array; manifest: PatchManifest };

/**
 * A format-1 view of a format-2 release: each path's size and SHA-256 (its `key` names no stored object; the
 * content is in the chunk store). Lets plans and status work the same for both formats.
 */
export function manifestView(record: ReleaseRecord, files: ReleaseFileList): PatchManifest {
  const view: PatchManifest['files'] = {};
  for (const [path, file] of Object.entries(files.files)) {
    view[path] = { size: file.size, sha256: file.sha256, key: blobKey(file.sha256) };
  }
  return {
    formatVersion: 1,
    release: record.release,
    sequence: record.sequence,
    createdAt: record.createdAt,
    previousRelease: record.previousRelease,
    mode: 'content',
    files: view,
  };
}

/**
 * Reads `releases/<release>.json` from the bucket: a format-1 manifest, or a format-2 record and its full file
 * list (verified against the record's pin and digest).
 *
 * @throws {PatchError} `MANIFEST_NOT_FOUND`, `INTEGRITY_MISMATCH`, `MANIFEST_INVALID`
 */
export async function readPublishedDocument(
  s3: S3Client,
  bucket: string,
  s3Key: (key: string) => string,
  release: string,
  signal: AbortSignal | undefined,
  expectedSha256?: string,
): Promise<PublishedDocument> {
  const key = s3Key(`releases/${release}.json`);
  const object = await getObjectBytes(s3, bucket, key, signal);
  if (!object) {
    throw new PatchError(
      'MANIFEST_NOT_FOUND',
      `Release ${release} is not published (no s3://${bucket}/${key}).`,
    );
  }
  if (expectedSha256 !== undefined && sha256Hex(object.bytes) !== expectedSha256) {
    throw new PatchError(
      'INTEGRITY_MISMATCH',
      `s3://${bucket}/${key} does not match the SHA-256 its pointer names.`,
    );
  }
  const json = parseJson(object.bytes, 'release manifest');
  let result: PublishedDocument;
  if (formatOf(json) === CHUNKED_FORMAT_VERSION) {
    const record = parseReleaseRecord(json);
    const listObject = await getObjectBytes(s3, bucket, s3Key(record.files.key), signal);
    if (!listObject) {
      throw new PatchError(
        'MANIFEST_NOT_FOUND',
        `The file list of release ${release} is missing (${record.files.key}).`,
      );
    }
    const files = parseFileList(
      decodeMetaObject(listObject.bytes, record.files, MAX_FILE_LIST_BYTES),
      record,
    );
    result = { format: 2, record, files, bytes: object.bytes, manifest: manifestView(record, files) };
  } else {
    result = { format: 1, manifest: parseManifest(json), bytes: object.bytes };
  }
  if (result.manifest.release !== release) {
    throw new PatchError(
      'MANIFEST_INVALID',
      `s3://${bucket}/${key} describes release ${result.manifest.release}, not ${release}.`,
    );
  }
  return result;
}
