import { PatchError, isPatchError } from './errors.js';
import { sha256Hex } from './hash.js';
import { assertNotExpired } from './manifest.js';
import { MAX_FILE_LIST_BYTES, manifestView } from './published-release.js';
import {
  type ChunkedFileEntry,
  type MetaPin,
  type PointerV2,
  type ReleaseRecord,
  decodeMetaObject,
  filesDigest,
  parseDelta,
  parseFileList,
  parseReleaseRecord,
} from './release-format.js';
import { type SigningKeyInput, verifyDocument } from './signing.js';
import type { PatchManifest } from './manifest.js';

/** What an updater knows of a format-2 release after reading its metadata. */
export interface ChunkedReleaseView {
  record: ReleaseRecord;
  /** Every path's size and SHA-256; `entries` has the chunk lists known so far. */
  manifest: PatchManifest;
  /** Chunk lists: every path when `complete`, otherwise only the paths the delta changed. */
  entries: Record<string, ChunkedFileEntry>;
  complete: boolean;
  /** Metadata bytes fetched (record, delta, file list). */
  metadataBytes: number;
}

/** How the reader fetches: bytes of a key relative to the prefix. */
export interface ReleaseReaderOptions {
  fetchKey: (key: string) => Promise<Uint8Array>;
  publicKey?: SigningKeyInput;
  now: Date;
}

/**
 * Reads the release a format-2 pointer names: the record (pinned by the pointer, signature checked), then the
 * delta from the installed release when there is one and it rebuilds exactly the record's file digest,
 * otherwise the full file list. O(changed files) metadata for an install one release behind. Deltas are never
 * chained: an install several releases behind (or after a rollback) reads the full list, one request, rather
 * than a chain of deltas that grows with the releases missed; so does an install whose delta is missing or
 * damaged.
 *
 * @throws {PatchError} `MANIFEST_INVALID`, `INTEGRITY_MISMATCH`, `SIGNATURE_INVALID`, `MANIFEST_EXPIRED`,
 *   `UNSAFE_PATH`, `PATH_COLLISION`, and the fetch errors.
 */
export async function readChunkedRelease(
  pointer: PointerV2,
  installed: { release: string; files: Record<string, { size: number; sha256: string }> } | undefined,
  options: ReleaseReaderOptions,
): Promise<ChunkedReleaseView> {
  const recordBytes = await options.fetchKey(pointer.manifest.key);
  if (recordBytes.length !== pointer.manifest.size || sha256Hex(recordBytes) !== pointer.manifest.sha256) {
    throw new PatchError(
      'INTEGRITY_MISMATCH',
      `${pointer.manifest.key} does not match the SHA-256 and size version.json names.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(recordBytes)) as unknown;
  } catch (error) {
    throw new PatchError('MANIFEST_INVALID', 'The release record is not valid JSON.', { cause: error });
  }
  if (options.publicKey !== undefined) verifyDocument(json, 'manifest', options.publicKey);
  const record = parseReleaseRecord(json);
  if (record.release !== pointer.release) {
    throw new PatchError(
      'MANIFEST_INVALID',
      `version.json names release ${pointer.release}, but its record is ${record.release}.`,
    );
  }
  assertNotExpired(record, options.now, 'release record');
  let metadataBytes = recordBytes.length;
  if (installed && record.delta && record.delta.from === installed.release) {
    const viaDelta = await readViaDelta(record, record.delta, installed.files, options);
    metadataBytes += viaDelta.bytes;
    if (viaDelta.view) return { ...viaDelta.view, metadataBytes };
  }
  return readFullList(record, options, metadataBytes);
}

/** Delta errors after which the full list, verified on its own, is read instead. */
const DELTA_FALLBACK_CODES = ['MANIFEST_NOT_FOUND', 'INTEGRITY_MISMATCH', 'MANIFEST_INVALID'] as const;

/**
 * The release's files from the installed ones plus the delta, or no view when the delta is missing, damaged, or
 * does not rebuild the record's digest (a player-modified install, a publisher bug): the caller then reads the
 * full list. Network failures are thrown (the full list would fail the same way).
 */
async function readViaDelta(
  record: ReleaseRecord,
  pin: MetaPin,
  installedFiles: Record<string, { size: number; sha256: string }>,
  options: ReleaseReaderOptions,
): Promise<{ bytes: number; view?: Omit<ChunkedReleaseView, 'metadataBytes'> }> {
  let deltaBytes: Uint8Array;
  let delta: ReturnType<typeof parseDelta>;
  try {
    deltaBytes = await options.fetchKey(pin.key);
  } catch (error) {
    if (DELTA_FALLBACK_CODES.some((code) => isPatchError(error, code))) return { bytes: 0 };
    throw error;
  }
  try {
    delta = parseDelta(decodeMetaObject(deltaBytes, pin, MAX_FILE_LIST_BYTES), record);
  } catch (error) {
    if (DELTA_FALLBACK_CODES.some((code) => isPatchError(error, code))) return { bytes: deltaBytes.length };
    throw error;
  }
  const files: Record<string, { size: number; sha256: string }> = { ...installedFiles };
  for (const path of delta.removed) delete files[path];
  for (const [path, entry] of Object.entries(delta.changed)) files[path] = entry;
  if (filesDigest(files) !== record.filesDigest) return { bytes: deltaBytes.length };
  const manifest = manifestView(record, { formatVersion: 2, release: record.release, files });
  return { bytes: deltaBytes.length, view: { record, manifest, entries: delta.changed, complete: false } };
}

/**
 * The full file list of a release whose record is already verified.
 *
 * @throws {PatchError} as {@link readChunkedRelease}.
 */
export async function readFullList(
  record: ReleaseRecord,
  options: ReleaseReaderOptions,
  metadataBytes = 0,
): Promise<ChunkedReleaseView> {
  const pin: MetaPin = record.files;
  const bytes = await options.fetchKey(pin.key);
  const list = parseFileList(decodeMetaObject(bytes, pin, MAX_FILE_LIST_BYTES), record);
  return {
    record,
    manifest: manifestView(record, list),
    entries: list.files,
    complete: true,
    metadataBytes: metadataBytes + bytes.length,
  };
}
