import * as z from 'zod';
import { createHash } from 'node:crypto';
import { type ChunkingParameters, DEFAULT_CHUNKING } from './chunker.js';
import { type StoredEncoding, decompressBounded } from './compression.js';
import { PatchError } from './errors.js';
import { sha256Hex } from './hash.js';
import { assertNoPathCollisions, unsafePathReason } from './paths.js';

/**
 * The chunked release format (`formatVersion: 2`).
 *
 * - `version.json` (pointer): as in format 1, with `formatVersion: 2`; it pins the release record's SHA-256.
 * - `releases/<id>.json` (release record, small, signed): release facts, chunking parameters, a digest of
 *   every path's size and SHA-256, and pins (SHA-256 + size of the stored bytes) of the full file list and of
 *   the delta from the previous release.
 * - `meta/<ab>/<sha256>.br`: the full file list and the delta, Brotli-compressed JSON, content-addressed.
 * - `chunks/<ab>/<sha256>` or `chunks/<ab>/<sha256>.br`: file content, by the raw SHA-256 of a chunk; small
 *   files are one chunk. Stored once across files and releases.
 *
 * Compatibility rule: updaters of this version read formats 1 and 2; updaters that only know format 1 refuse a
 * format-2 pointer (`MANIFEST_INVALID`) and keep the release they have. Ship this updater in a format-1 release
 * first (publisher option `format: 1`), then publish format 2.
 */
export const CHUNKED_FORMAT_VERSION = 2;

const sha256Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const size = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const releaseId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
const timestamp = z.iso.datetime({ offset: true });
const signatureSchema = z.object({
  algorithm: z.literal('ed25519'),
  keyId: z.string().max(256).optional(),
  value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});

/**
 * One chunk of a file: `[sha256, size]` when stored raw, `[sha256, size, storedSize, storedSha256]` when stored
 * Brotli-compressed. `sha256`/`size` describe the raw bytes (verified after decompression); the stored pair lets
 * a resumed download be checked before it is decoded.
 */
export type ChunkRef = [string, number] | [string, number, number, string];

const chunkRefSchema = z.union([
  z.tuple([sha256Hex64, size]),
  z.tuple([sha256Hex64, size, size, sha256Hex64]),
]);

const chunkedFileSchema = z.object({
  size,
  sha256: sha256Hex64,
  /** Absent: the file is one raw chunk (its own SHA-256). `[]` for an empty file. */
  chunks: z.array(chunkRefSchema).max(1_000_000).optional(),
});

/** One file of a format-2 release. */
export type ChunkedFileEntry = z.infer<typeof chunkedFileSchema>;

const metaPinSchema = z.object({ key: z.string().max(256), sha256: sha256Hex64, size });

/** Where a metadata object is and what its stored bytes hash to. */
export type MetaPin = z.infer<typeof metaPinSchema>;

const chunkingSchema = z.object({ minSize: size, avgSize: size, maxSize: size });

const releaseRecordSchema = z.object({
  formatVersion: z.literal(CHUNKED_FORMAT_VERSION),
  release: releaseId,
  sequence: size,
  createdAt: timestamp,
  previousRelease: releaseId.nullable(),
  mode: z.literal('content'),
  chunking: chunkingSchema,
  /** Files at or above this size are chunked; smaller ones are one chunk. */
  chunkThreshold: size,
  fileCount: size,
  totalBytes: size,
  /** `filesDigest()` of the release: lets an updater check a file list it rebuilt from a delta. */
  filesDigest: sha256Hex64,
  files: metaPinSchema,
  delta: metaPinSchema.extend({ from: releaseId }).optional(),
  expiresAt: timestamp.optional(),
  signature: signatureSchema.optional(),
});

/** The small, signed description of a format-2 release (`releases/<id>.json`). */
export type ReleaseRecord = z.infer<typeof releaseRecordSchema>;

const fileListSchema = z.object({
  formatVersion: z.literal(CHUNKED_FORMAT_VERSION),
  release: releaseId,
  files: z.record(z.string(), chunkedFileSchema),
});

/** Every file of a format-2 release (stored compressed under `meta/`). */
export type ReleaseFileList = z.infer<typeof fileListSchema>;

const deltaSchema = z.object({
  formatVersion: z.literal(CHUNKED_FORMAT_VERSION),
  release: releaseId,
  from: releaseId,
  changed: z.record(z.string(), chunkedFileSchema),
  removed: z.array(z.string()),
});

/** What changed from the previous release (stored compressed under `meta/`). */
export type ReleaseDelta = z.infer<typeof deltaSchema>;

const pointerV2Schema = z.object({
  formatVersion: z.literal(CHUNKED_FORMAT_VERSION),
  release: releaseId,
  sequence: size,
  manifest: z.object({ key: z.string().max(256), sha256: sha256Hex64, size }),
  updatedAt: timestamp,
  expiresAt: timestamp.optional(),
  signature: signatureSchema.optional(),
});

/** A format-2 `version.json`: it pins the release record. */
export type PointerV2 = z.infer<typeof pointerV2Schema>;

/** Key of a chunk, relative to the prefix: `chunks/<ab>/<sha256>` (raw) or `chunks/<ab>/<sha256>.br`. */
export function chunkKey(sha256: string, encoding: StoredEncoding): string {
  return `chunks/${sha256.slice(0, 2)}/${sha256}${encoding === 'br' ? '.br' : ''}`;
}

/** Key of a metadata object, relative to the prefix, by the SHA-256 of its stored bytes. */
export function metaKey(storedSha256: string): string {
  return `meta/${storedSha256.slice(0, 2)}/${storedSha256}.br`;
}

/** The chunks of a file entry, with the implicit single chunk made explicit. */
export function chunkRefsOf(entry: ChunkedFileEntry): ChunkRef[] {
  if (entry.chunks) return entry.chunks;
  return entry.size === 0 ? [] : [[entry.sha256, entry.size]];
}

/** The encoding of a stored chunk. */
export function chunkEncoding(ref: ChunkRef): StoredEncoding {
  return ref.length === 4 ? 'br' : 'identity';
}

/**
 * A digest of a release's files: SHA-256 over `path NUL size NUL sha256 LF` lines sorted by path (UTF-16 code
 * units). A file list rebuilt from the installed release plus a delta is accepted only when it matches.
 *
 * @example
 * ```ts
 * import { filesDigest } from 'serverless-game-kit/patch';
 *
 * filesDigest({ 'a.txt': { size: 1, sha256: 'ca97…' } });
 * ```
 */
export function filesDigest(files: Record<string, { size: number; sha256: string }>): string {
  const hash = createHash('sha256');
  for (const path of Object.keys(files).sort()) {
    const file = files[path];
    if (file) hash.update(`${path}\0${file.size}\0${file.sha256}\n`);
  }
  return hash.digest('hex');
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    throw new PatchError('MANIFEST_INVALID', `The ${what} is invalid: ${detail}.`, { cause: parsed.error });
  }
  return parsed.data;
}

function assertSafePaths(paths: string[]): void {
  for (const path of paths) {
    const reason = unsafePathReason(path);
    if (reason !== undefined) {
      throw new PatchError(
        'UNSAFE_PATH',
        `The release lists an unsafe path ${JSON.stringify(path)}: it ${reason}.`,
        {
          path,
        },
      );
    }
  }
}

function assertChunksAddUp(path: string, entry: ChunkedFileEntry, chunking: ChunkingParameters): void {
  const refs = chunkRefsOf(entry);
  let total = 0;
  for (const ref of refs) {
    if (ref[1] > chunking.maxSize && entry.chunks !== undefined) {
      throw new PatchError('MANIFEST_INVALID', `A chunk of ${path} is larger than the release's maxSize.`, {
        path,
      });
    }
    total += ref[1];
  }
  if (total !== entry.size) {
    throw new PatchError(
      'MANIFEST_INVALID',
      `The chunks of ${path} add up to ${total} bytes, not ${entry.size}.`,
      {
        path,
      },
    );
  }
}

/** Validates a format-2 pointer. @throws {PatchError} `MANIFEST_INVALID` */
export function parsePointerV2(value: unknown): PointerV2 {
  return parseWith(pointerV2Schema, value, 'version.json pointer');
}

/** Validates a release record. @throws {PatchError} `MANIFEST_INVALID` */
export function parseReleaseRecord(value: unknown): ReleaseRecord {
  const record = parseWith(releaseRecordSchema, value, 'release record');
  const { minSize, avgSize, maxSize } = record.chunking;
  if (!(minSize >= 1 && minSize <= avgSize && avgSize <= maxSize && maxSize <= 1024 * 1024 * 1024)) {
    throw new PatchError('MANIFEST_INVALID', 'The release record has invalid chunking parameters.');
  }
  return record;
}

/**
 * Validates a full file list against its release record: schema, safe and non-colliding paths, chunk sizes
 * adding up, and the file digest. @throws {PatchError} `MANIFEST_INVALID`, `UNSAFE_PATH`, `PATH_COLLISION`
 */
export function parseFileList(value: unknown, record: ReleaseRecord): ReleaseFileList {
  const list = parseWith(fileListSchema, value, 'release file list');
  if (list.release !== record.release) {
    throw new PatchError(
      'MANIFEST_INVALID',
      `The file list describes ${list.release}, not ${record.release}.`,
    );
  }
  const paths = Object.keys(list.files);
  assertSafePaths(paths);
  assertNoPathCollisions(paths);
  for (const [path, entry] of Object.entries(list.files)) assertChunksAddUp(path, entry, record.chunking);
  if (filesDigest(list.files) !== record.filesDigest) {
    throw new PatchError(
      'INTEGRITY_MISMATCH',
      `The file list of ${record.release} does not match its digest.`,
    );
  }
  return list;
}

/** Validates a delta against its release record. @throws {PatchError} `MANIFEST_INVALID`, `UNSAFE_PATH` */
export function parseDelta(value: unknown, record: ReleaseRecord): ReleaseDelta {
  const delta = parseWith(deltaSchema, value, 'release delta');
  if (delta.release !== record.release || delta.from !== record.delta?.from) {
    throw new PatchError(
      'MANIFEST_INVALID',
      `The delta does not lead to ${record.release} from its recorded base.`,
    );
  }
  assertSafePaths([...Object.keys(delta.changed), ...delta.removed]);
  for (const [path, entry] of Object.entries(delta.changed)) assertChunksAddUp(path, entry, record.chunking);
  return delta;
}

/**
 * Decodes a metadata object fetched by its pin: checks size and SHA-256 of the stored bytes, then
 * decompresses (bounded) and parses the JSON.
 *
 * @throws {PatchError} `INTEGRITY_MISMATCH`, `MANIFEST_INVALID`
 */
export function decodeMetaObject(bytes: Uint8Array, pin: MetaPin, maxRawBytes: number): unknown {
  if (bytes.length !== pin.size || sha256Hex(bytes) !== pin.sha256) {
    throw new PatchError(
      'INTEGRITY_MISMATCH',
      `${pin.key} does not match the SHA-256 and size its release names.`,
    );
  }
  const raw = decompressBounded(bytes, maxRawBytes);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as unknown;
  } catch (error) {
    throw new PatchError('MANIFEST_INVALID', `${pin.key} is not valid JSON.`, { cause: error });
  }
}

/** Files at or above this size are chunked by default (the default average chunk size); smaller ones are one chunk. */
export const DEFAULT_CHUNK_THRESHOLD = DEFAULT_CHUNKING.avgSize;
