import * as z from 'zod';
import { PatchError } from './errors.js';
import { assertNoPathCollisions, unsafePathReason } from './paths.js';

/** The manifest format this version reads and writes. */
export const MANIFEST_FORMAT_VERSION = 1;

/** Key of the pointer, relative to the prefix. */
export const POINTER_KEY = 'version.json';

/**
 * How files are addressed in the bucket.
 * - `content` (default): each distinct content is stored once at `blobs/sha256/<ab>/<sha256>`, immutable.
 * - `versionId`: the sample's layout: each file at `<path>` in a versioned bucket, fetched with `?versionId=`.
 */
export type AddressingMode = 'content' | 'versionId';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const releaseId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'must be 1-128 of A-Z a-z 0-9 . _ - (not starting with . _ -)',
  );
const objectKey = z
  .string()
  .min(1)
  .max(2048)
  .refine((key) => unsafePathReason(key) === undefined, 'must be a safe relative key');
const timestamp = z.iso.datetime({ offset: true });
const size = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const sequence = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

const signatureSchema = z.object({
  algorithm: z.literal('ed25519'),
  keyId: z.string().max(256).optional(),
  value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature'),
});

const fileEntrySchema = z.object({
  size,
  sha256: sha256Hex,
  key: objectKey,
  versionId: z.string().min(1).max(1024).optional(),
});

const manifestSchema = z.object({
  formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
  release: releaseId,
  sequence,
  createdAt: timestamp,
  previousRelease: releaseId.nullable(),
  mode: z.enum(['content', 'versionId']).default('content'),
  files: z.record(z.string(), fileEntrySchema),
  expiresAt: timestamp.optional(),
  signature: signatureSchema.optional(),
});

const pointerSchema = z.object({
  formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
  release: releaseId,
  sequence,
  manifest: z.object({ key: objectKey, sha256: sha256Hex, size }),
  updatedAt: timestamp,
  expiresAt: timestamp.optional(),
  signature: signatureSchema.optional(),
});

/** An Ed25519 signature over the canonical JSON of a document without its `signature` member. */
export type ManifestSignature = z.infer<typeof signatureSchema>;

/** One file of a release: its size, SHA-256 (hex), where it is stored (relative to the prefix), and in
 * `versionId` mode the S3 object version. */
export type ManifestFile = z.infer<typeof fileEntrySchema>;

/**
 * A release manifest (`<prefix>/releases/<release>.json`, immutable once published).
 *
 * - `release`: the id; `sequence`: the pointer sequence it was first published with (grows by one per publish
 *   or rollback); `previousRelease`: the release it replaced.
 * - `files`: manifest path (POSIX, NFC) → {@link ManifestFile}. Keys are relative to the prefix.
 * - `expiresAt`: optional; an updater refuses the manifest after it. The publisher puts expiry on the pointer
 *   instead (which a rollback re-signs), but honours it here when another tool set it.
 */
export type PatchManifest = z.infer<typeof manifestSchema>;

/**
 * The pointer `<prefix>/version.json`: small, short-lived in caches, the only object invalidated on CloudFront.
 * It names the current release and pins its manifest by SHA-256, so a signature on the pointer covers the
 * manifest as well. `sequence` grows with every publish and rollback; updaters refuse a lower one.
 */
export type PatchPointer = z.infer<typeof pointerSchema>;

/** Key of a release's manifest, relative to the prefix. */
export function releaseManifestKey(release: string): string {
  return `releases/${release}.json`;
}

/** Key of a content-addressed blob, relative to the prefix: `blobs/sha256/<first two hex digits>/<sha256>`. */
export function blobKey(sha256: string): string {
  return `blobs/sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** True when `release` is a valid release id. */
export function isValidReleaseId(release: string): boolean {
  return releaseId.safeParse(release).success;
}

function parseJsonText(input: string | Uint8Array, what: string): unknown {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PatchError('MANIFEST_INVALID', `The ${what} is not valid JSON.`, { cause: error });
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Parses and validates a release manifest: the schema (`formatVersion: 1`), every path (see
 * `unsafePathReason`), no two paths that collide on case-insensitive file systems, and in `versionId` mode a
 * `versionId` on every file. Signatures are checked separately (`verifyDocument`).
 *
 * @param input - JSON text, its bytes, or an already parsed value.
 * @throws {PatchError} `MANIFEST_INVALID`, `UNSAFE_PATH`, `PATH_COLLISION`
 * @example
 * ```ts
 * import { parseManifest } from 'serverless-game-kit/patch';
 *
 * const manifest = parseManifest(await (await fetch(url)).text());
 * console.log(Object.keys(manifest.files).length);
 * ```
 */
export function parseManifest(input: unknown): PatchManifest {
  const value =
    typeof input === 'string' || input instanceof Uint8Array ? parseJsonText(input, 'manifest') : input;
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    throw new PatchError('MANIFEST_INVALID', `The manifest is invalid: ${describeIssues(parsed.error)}.`, {
      cause: parsed.error,
    });
  }
  const manifest = parsed.data;
  for (const [path, file] of Object.entries(manifest.files)) {
    const reason = unsafePathReason(path);
    if (reason !== undefined) {
      throw new PatchError(
        'UNSAFE_PATH',
        `The manifest lists an unsafe path ${JSON.stringify(path)}: it ${reason}.`,
        {
          path,
        },
      );
    }
    if (manifest.mode === 'versionId' && file.versionId === undefined) {
      throw new PatchError('MANIFEST_INVALID', `The versionId-mode manifest has no versionId for ${path}.`, {
        path,
      });
    }
  }
  assertNoPathCollisions(Object.keys(manifest.files));
  return manifest;
}

/**
 * Parses and validates a `version.json` pointer.
 *
 * @throws {PatchError} `MANIFEST_INVALID`
 * @example
 * ```ts
 * import { parsePointer } from 'serverless-game-kit/patch';
 *
 * const pointer = parsePointer('{"formatVersion":1,...}');
 * console.log(pointer.release, pointer.sequence);
 * ```
 */
export function parsePointer(input: unknown): PatchPointer {
  const value =
    typeof input === 'string' || input instanceof Uint8Array
      ? parseJsonText(input, 'version.json pointer')
      : input;
  const parsed = pointerSchema.safeParse(value);
  if (!parsed.success) {
    throw new PatchError(
      'MANIFEST_INVALID',
      `The version.json pointer is invalid: ${describeIssues(parsed.error)}.`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/**
 * Manifest JSON as published: compact, keys in canonical order, one trailing newline. The signature is
 * computed over the canonical form, not these bytes, so re-formatting does not break it.
 */
export function serializeDocument(document: object): string {
  return `${JSON.stringify(sortKeysDeep(document))}\n`;
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      sorted[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    }
    return sorted;
  }
  return value;
}

/** Throws `MANIFEST_EXPIRED` when `expiresAt` is set and not after `now`. */
export function assertNotExpired(
  document: { expiresAt?: string | undefined },
  now: Date,
  what: string,
): void {
  if (document.expiresAt !== undefined && Date.parse(document.expiresAt) <= now.getTime()) {
    throw new PatchError(
      'MANIFEST_EXPIRED',
      `The ${what} expired at ${document.expiresAt}: the CDN serves a stale copy or the publisher stopped refreshing it.`,
    );
  }
}
