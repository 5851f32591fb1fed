import type { AddressingMode, ManifestFile, PatchManifest } from './manifest.js';
import { blobKey } from './manifest.js';
import type { ScanResult, ScannedFile } from './scan.js';

/** One object a publish has to upload. */
export interface PlannedUpload {
  /** Key relative to the prefix. */
  key: string;
  sha256: string;
  size: number;
  /** The file to read it from. */
  source: ScannedFile;
  /** Every manifest path with this content (content mode uploads identical files once). */
  paths: string[];
}

/** What a publish would change, see `PatchPublisher.plan`. */
export interface PublishPlan {
  mode: AddressingMode;
  /** The release currently published (the diff's base), if any. */
  baseRelease: string | null;
  /** The sequence the next pointer gets. */
  nextSequence: number;
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  /** Objects to upload (content mode: one per distinct new content). */
  uploads: PlannedUpload[];
  uploadBytes: number;
  /** Manifest entries of the new release; in versionId mode, uploaded files get their `versionId` at upload. */
  files: Record<string, ManifestFile>;
  /** Total bytes of the new release. */
  totalBytes: number;
}

/**
 * Diffs a scan against the published manifest (pure: no I/O).
 *
 * - content mode: a file's key is `blobs/sha256/<ab>/<sha256>`; a content is uploaded only when the published
 *   manifest references no blob with that hash, and once however many paths share it.
 * - versionId mode: a file's key is its path; it is uploaded when its hash differs from the published entry (or
 *   the published entry has no `versionId` or another key), otherwise it keeps the published `versionId`.
 *
 * @example
 * ```ts
 * import { diffAgainstPublished, scanDirectory } from 'serverless-game-kit/patch';
 *
 * const plan = diffAgainstPublished(await scanDirectory('build'), undefined, 'content', 1);
 * ```
 */
export function diffAgainstPublished(
  scan: ScanResult,
  published: PatchManifest | undefined,
  mode: AddressingMode,
  nextSequence: number,
): PublishPlan {
  const previous = published?.files ?? {};
  const publishedBlobs = new Set<string>();
  if (published) {
    for (const file of Object.values(previous)) {
      if (file.key === blobKey(file.sha256)) publishedBlobs.add(file.sha256);
    }
  }
  const added: string[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  const files: Record<string, ManifestFile> = {};
  const uploadsByKey = new Map<string, PlannedUpload>();
  let totalBytes = 0;

  for (const [path, file] of scan.files) {
    totalBytes += file.size;
    const before = previous[path];
    if (!before) added.push(path);
    else if (before.sha256 !== file.sha256 || before.size !== file.size) changed.push(path);
    else unchanged.push(path);

    if (mode === 'content') {
      const key = blobKey(file.sha256);
      files[path] = { size: file.size, sha256: file.sha256, key };
      if (publishedBlobs.has(file.sha256)) continue;
      const upload = uploadsByKey.get(key);
      if (upload) upload.paths.push(path);
      else uploadsByKey.set(key, { key, sha256: file.sha256, size: file.size, source: file, paths: [path] });
    } else {
      const reusable =
        before !== undefined &&
        before.sha256 === file.sha256 &&
        before.size === file.size &&
        before.key === path &&
        before.versionId !== undefined;
      files[path] = reusable
        ? { size: file.size, sha256: file.sha256, key: path, versionId: before.versionId }
        : { size: file.size, sha256: file.sha256, key: path };
      if (!reusable) {
        uploadsByKey.set(path, {
          key: path,
          sha256: file.sha256,
          size: file.size,
          source: file,
          paths: [path],
        });
      }
    }
  }
  const removed = Object.keys(previous)
    .filter((path) => !scan.files.has(path))
    .sort();
  const uploads = [...uploadsByKey.values()];
  return {
    mode,
    baseRelease: published?.release ?? null,
    nextSequence,
    added,
    changed,
    removed,
    unchanged,
    uploads,
    uploadBytes: uploads.reduce((sum, upload) => sum + upload.size, 0),
    files,
    totalBytes,
  };
}
