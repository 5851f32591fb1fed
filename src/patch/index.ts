/**
 * `serverless-game-kit/patch`: verified, resumable, atomic game-client updates over S3 + CloudFront.
 * Node only (desktop, Electron and NW.js clients, build machines).
 */
export { DEFAULT_SIGNED_POINTER_TTL_MS, PatchPublisher, defaultReleaseId } from './publisher.js';
export type {
  PatchPublisherOptions,
  PublishOptions,
  PublishResult,
  PublishedRelease,
  RollbackResult,
} from './publisher.js';
export type { ReleaseListing, ReleaseSummary } from './release-list.js';
export { PatchUpdater } from './updater.js';
export type {
  PatchUpdaterOptions,
  PlannedDownload,
  UpdateOptions,
  UpdatePlan,
  UpdateResult,
} from './updater.js';
export { applyJournal, isRolledBack, undoJournal } from './apply.js';
export type { ApplyOptions, ApplyResult, UpdateStep } from './apply.js';
export { nodeFileSystem } from './file-system.js';
export type { PatchFileSystem } from './file-system.js';
export { assertInstallable } from './install-paths.js';
export { PatchError, isPatchError } from './errors.js';
export type { PatchErrorCode, PatchErrorDetails } from './errors.js';
export {
  MANIFEST_FORMAT_VERSION,
  POINTER_KEY,
  blobKey,
  parseManifest,
  parsePointer,
  releaseManifestKey,
  serializeDocument,
} from './manifest.js';
export type {
  AddressingMode,
  ManifestFile,
  ManifestSignature,
  PatchManifest,
  PatchPointer,
} from './manifest.js';
export { canonicalJson } from './canonical-json.js';
export { generateSigningKeyPair, signDocument, verifyDocument } from './signing.js';
export type { SignedDocumentKind, SigningKeyInput } from './signing.js';
export {
  STATE_DIR_NAME,
  assertSafeManifestPath,
  findPathCollisions,
  resolveInside,
  toManifestPath,
  unsafePathReason,
} from './paths.js';
export { scanDirectory, defaultStatCachePath } from './scan.js';
export type { ScanChunking, ScanOptions, ScanResult, ScannedFile } from './scan.js';
export { StatCache } from './stat-cache.js';
export { hashFile, sha256Hex } from './hash.js';
export type { FileHash } from './hash.js';
export { diffAgainstPublished } from './plan.js';
export type { PlannedUpload, PublishPlan } from './plan.js';
export { downloadVerified } from './download.js';
export { DEFAULT_MAX_MANIFEST_BYTES, DEFAULT_MAX_POINTER_BYTES, readBoundedBody } from './bounded-read.js';
export type { ReadBodyOptions } from '../core/client/read-body.js';
export type { DownloadOptions, DownloadResult } from './download.js';
export { stateLayout } from './state.js';
export type { ApplyJournal, InstallState, StateLayout } from './state.js';
export type { PatchPhase, PatchProgress, PatchProgressListener } from './progress.js';
