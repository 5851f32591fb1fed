import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { runBoundedTasks } from './bounded-tasks.js';
import { PatchError, isPatchError } from './errors.js';
import { POINTER_KEY, parseManifest } from './manifest.js';
import { parseAnyPointer } from './published-release.js';
import { CHUNKED_FORMAT_VERSION, parseReleaseRecord } from './release-format.js';
import { getObjectBytes } from './s3-objects.js';

/** One published release, as `sgk patch releases` lists it. */
export interface ReleaseSummary {
  release: string;
  /** The sequence the release was published with (a rollback points at it again with a higher one). */
  sequence: number | null;
  createdAt: string | null;
  previousRelease: string | null;
  /** 1: one object per file and a JSON manifest; 2: chunked. */
  format: 1 | 2 | null;
  files: number | null;
  /** Bytes of the release's files (uncompressed). */
  bytes: number | null;
  /** True for the release `version.json` names now. */
  current: boolean;
  /** Set when the release's record cannot be read; the other facts are then `null`. */
  problem?: string;
}

/** Every release under a prefix, and what `version.json` says. */
export interface ReleaseListing {
  /** Oldest first (by sequence; unreadable ones last, by id). */
  releases: ReleaseSummary[];
  /** The pointer: the current release and its sequence (higher than the release's own after a rollback). */
  pointer: { release: string; sequence: number; updatedAt: string } | null;
}

/** Where {@link listReleaseSummaries} reads. */
export interface ReleaseListSource {
  s3: S3Client;
  bucket: string;
  /** The full S3 key of a key relative to the prefix. */
  s3Key: (key: string) => string;
  signal?: AbortSignal;
  /** Records read at once; default 8. */
  concurrency?: number;
}

/**
 * Lists the releases under a prefix with their sequence, date, size and which one `version.json` names. Cost: one
 * `ListObjectsV2` per 1,000 releases, one `GET` of `version.json`, and one `GET` of each `releases/<id>.json` — a
 * few hundred bytes for a chunked (format 2) release, the whole manifest (O(files)) for a format-1 release. No
 * file list or chunk is read.
 *
 * @example
 * ```ts
 * const listing = await listReleaseSummaries({ s3, bucket: 'my-game', s3Key: (key) => `update/${key}` });
 * for (const r of listing.releases) console.log(r.release, r.sequence, r.current ? '← current' : '');
 * ```
 */
export async function listReleaseSummaries(source: ReleaseListSource): Promise<ReleaseListing> {
  const ids = await listReleaseIds(source);
  const pointerObject = await getObjectBytes(
    source.s3,
    source.bucket,
    source.s3Key(POINTER_KEY),
    source.signal,
  );
  const pointer = pointerObject ? parseAnyPointer(pointerObject.bytes) : undefined;
  const releases: ReleaseSummary[] = [];
  await runBoundedTasks(ids, source.concurrency ?? 8, source.signal, async (id, signal) => {
    releases.push(await readSummary({ ...source, signal }, id, pointer?.release === id));
  });
  releases.sort(
    (a, b) =>
      (a.sequence ?? Number.MAX_SAFE_INTEGER) - (b.sequence ?? Number.MAX_SAFE_INTEGER) ||
      a.release.localeCompare(b.release),
  );
  return {
    releases,
    pointer: pointer
      ? { release: pointer.release, sequence: pointer.sequence, updatedAt: pointer.updatedAt }
      : null,
  };
}

/** Release ids under `<prefix>/releases/`, sorted. */
export async function listReleaseIds(source: ReleaseListSource): Promise<string[]> {
  const releases: string[] = [];
  const folder = source.s3Key('releases/');
  let token: string | undefined;
  do {
    const page = await source.s3.send(
      new ListObjectsV2Command({ Bucket: source.bucket, Prefix: folder, ContinuationToken: token }),
      { abortSignal: source.signal },
    );
    for (const object of page.Contents ?? []) {
      const name = object.Key?.slice(folder.length) ?? '';
      if (name.endsWith('.json') && !name.includes('/')) releases.push(name.slice(0, -'.json'.length));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return releases.sort();
}

async function readSummary(
  source: ReleaseListSource,
  release: string,
  current: boolean,
): Promise<ReleaseSummary> {
  const unreadable = (problem: string): ReleaseSummary => ({
    release,
    sequence: null,
    createdAt: null,
    previousRelease: null,
    format: null,
    files: null,
    bytes: null,
    current,
    problem,
  });
  const key = source.s3Key(`releases/${release}.json`);
  const object = await getObjectBytes(source.s3, source.bucket, key, source.signal);
  if (!object) return unreadable(`s3://${source.bucket}/${key} disappeared while listing`);
  try {
    const json = JSON.parse(new TextDecoder().decode(object.bytes)) as { formatVersion?: unknown };
    if (json.formatVersion === CHUNKED_FORMAT_VERSION) {
      const record = parseReleaseRecord(json);
      return {
        release,
        sequence: record.sequence,
        createdAt: record.createdAt,
        previousRelease: record.previousRelease,
        format: 2,
        files: record.fileCount,
        bytes: record.totalBytes,
        current,
      };
    }
    const manifest = parseManifest(json);
    const files = Object.values(manifest.files);
    return {
      release,
      sequence: manifest.sequence,
      createdAt: manifest.createdAt,
      previousRelease: manifest.previousRelease,
      format: 1,
      files: files.length,
      bytes: files.reduce((total, file) => total + file.size, 0),
      current,
    };
  } catch (error) {
    if (error instanceof SyntaxError || isPatchError(error, 'MANIFEST_INVALID')) {
      return unreadable(error instanceof PatchError ? error.message : 'not valid JSON');
    }
    throw error;
  }
}
