import { GameKitError, isGameKitError } from '../core/errors.js';

/**
 * Why a patch operation failed. Stable strings, safe to switch on:
 * - `INVALID_OPTIONS`: a constructor or method was given options that cannot work (checked before any I/O).
 * - `MANIFEST_INVALID`: a manifest or `version.json` pointer is not valid JSON or fails the schema.
 * - `MANIFEST_NOT_FOUND`: nothing is published at the prefix yet (no `version.json`), or a release is missing.
 * - `SIGNATURE_INVALID`: a public key was configured and the pointer or manifest is unsigned, signed by another
 *   key, or was modified after signing.
 * - `MANIFEST_EXPIRED`: the pointer (or manifest) carries an `expiresAt` in the past (freeze attack or a stale CDN).
 * - `ROLLBACK_REJECTED`: the pointer's `sequence` is lower than the one already installed (rollback attack or a
 *   stale CDN edge), or equal with another release.
 * - `INTEGRITY_MISMATCH`: downloaded bytes (or a manifest) do not have the expected SHA-256 or size.
 * - `HTTP_ERROR`: the CDN answered with an unexpected status; `status` holds it.
 * - `NETWORK_ERROR`: the request failed before any answer (DNS, refused, reset), after every retry.
 * - `STALLED`: no byte arrived within the stall timeout, after every retry.
 * - `UNSAFE_PATH`: a path is absolute, contains `..`, a backslash, a drive letter, NUL, a reserved name, or would
 *   resolve outside the install folder.
 * - `PATH_COLLISION`: two paths of a release differ only in case, Unicode normalisation or trailing dots and
 *   spaces (one file on Windows and macOS), or one is a file where another needs a folder (`x` and `x/y`).
 * - `PATH_CONFLICT`: something in the install folder that the installed release does not own is in the way: a
 *   folder (holding the player's files) where the release puts a file, or a file where it needs a folder.
 * - `VERSIONING_DISABLED`: `versionId` mode was asked for but the bucket's versioning is not `Enabled`.
 * - `RELEASE_EXISTS`: a release with that id is already published (release manifests are immutable).
 * - `CONCURRENT_PUBLISH`: the pointer changed between plan and publish (another publisher won).
 * - `FILE_CHANGED`: a source file changed between scan and upload.
 * - `UPLOAD_FAILED`: S3 refused an upload after every retry.
 * - `APPLY_FAILED`: a file could not be moved into place or removed (a file the running game holds, permissions,
 *   full disk); the previous release was restored, and the next run tries again. `cause` holds the file system
 *   error.
 * - `TOO_LARGE`: the pointer or a manifest is larger than its limit (`maxPointerBytes`, `maxManifestBytes`);
 *   refused from `Content-Length` or while streaming, before parsing or verifying.
 * - `FRESHNESS_REQUIRED`: an install without local state (a fresh install) got a signed pointer that cannot be
 *   told apart from an old, replayed one: it has no `expiresAt` (see `PatchUpdaterOptions.requirePointerExpiry`).
 * - `STATE_INVALID`: the local state or journal file is unreadable.
 * - `INSTALL_LOCKED`: another live process is updating the same install folder.
 * - `ABORTED`: the caller's `AbortSignal` fired.
 */
export type PatchErrorCode =
  | 'INVALID_OPTIONS'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_NOT_FOUND'
  | 'SIGNATURE_INVALID'
  | 'MANIFEST_EXPIRED'
  | 'ROLLBACK_REJECTED'
  | 'INTEGRITY_MISMATCH'
  | 'HTTP_ERROR'
  | 'NETWORK_ERROR'
  | 'STALLED'
  | 'UNSAFE_PATH'
  | 'PATH_COLLISION'
  | 'PATH_CONFLICT'
  | 'VERSIONING_DISABLED'
  | 'RELEASE_EXISTS'
  | 'CONCURRENT_PUBLISH'
  | 'FILE_CHANGED'
  | 'UPLOAD_FAILED'
  | 'APPLY_FAILED'
  | 'TOO_LARGE'
  | 'FRESHNESS_REQUIRED'
  | 'STATE_INVALID'
  | 'INSTALL_LOCKED'
  | 'ABORTED';

/** Extra facts some patch errors carry. */
export interface PatchErrorDetails {
  /** HTTP status, for `HTTP_ERROR`. */
  status?: number;
  /** The URL or S3 key concerned, when there is one. */
  url?: string;
  /** The manifest path concerned, when there is one. */
  path?: string;
}

/**
 * Every error the patch module throws. Check `code` (see {@link PatchErrorCode}); `status`, `url` and `path` add
 * context where they apply, and `cause` keeps the underlying error.
 *
 * @example
 * ```ts
 * import { PatchUpdater, isPatchError } from 'serverless-game-kit/patch';
 *
 * try {
 *   await new PatchUpdater({ cdnUrl: 'https://cdn.example.com', prefix: 'game', installDir: './game' }).update();
 * } catch (error) {
 *   if (isPatchError(error) && error.code === 'INTEGRITY_MISMATCH') console.error('corrupt download', error.path);
 * }
 * ```
 */
export class PatchError extends GameKitError<PatchErrorCode> {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'PatchError';

  readonly status?: number;
  readonly url?: string;
  readonly path?: string;

  constructor(code: PatchErrorCode, message: string, options: { cause?: unknown } & PatchErrorDetails = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
    if (options.url !== undefined) this.url = options.url;
    if (options.path !== undefined) this.path = options.path;
  }
}

/**
 * True when `error` is a {@link PatchError} (also across duplicate copies of the package); pass `code` to test for
 * one code.
 *
 * @example
 * ```ts
 * import { isPatchError } from 'serverless-game-kit/patch';
 *
 * if (isPatchError(error, 'ABORTED')) console.log('cancelled');
 * ```
 */
export function isPatchError(error: unknown, code?: PatchErrorCode): error is PatchError {
  if (!isGameKitError(error, 'PatchError')) return false;
  return code === undefined || error.code === code;
}

/** Throws `ABORTED` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new PatchError('ABORTED', 'The patch operation was aborted.', { cause: signal.reason });
  }
}

/** Wraps an abort-caused error (DOMException `AbortError`, ours) as `ABORTED`; returns other errors unchanged. */
export function asAbortError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (isPatchError(error, 'ABORTED')) return error;
  if (signal?.aborted) {
    return new PatchError('ABORTED', 'The patch operation was aborted.', { cause: error });
  }
  return error;
}
