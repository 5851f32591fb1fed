/** What a long patch operation is doing. */
export type PatchPhase =
  'scan' | 'plan' | 'upload' | 'publish' | 'invalidate' | 'download' | 'apply' | 'done';

/**
 * A progress report of `PatchPublisher.publish` or `PatchUpdater.update`: files and bytes done so far out of the
 * totals of the current phase.
 */
export interface PatchProgress {
  phase: PatchPhase;
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
  /** The file or key being worked on, when there is one. */
  path?: string;
}

/** Receives progress reports; keep it cheap, it is called per chunk while downloading. */
export type PatchProgressListener = (progress: PatchProgress) => void;

/** Counts files and bytes of one phase and reports each change to a listener. */
export class ProgressCounter {
  private files = 0;
  private bytes = 0;

  constructor(
    private readonly phase: PatchPhase,
    private readonly totalFiles: number,
    private totalBytes: number,
    private readonly listener: PatchProgressListener | undefined,
  ) {
    this.emit();
  }

  /** Adds transferred bytes (may be negative when a retry starts a file over). */
  addBytes(bytes: number, path?: string): void {
    this.bytes += bytes;
    this.emit(path);
  }

  /** Changes the byte total (e.g. down to the compressed size once a chunk is compressed), keeping the count. */
  addTotalBytes(bytes: number): void {
    this.totalBytes += bytes;
    this.emit();
  }

  /** Marks one file done. */
  fileDone(path?: string): void {
    this.files += 1;
    this.emit(path);
  }

  private emit(path?: string): void {
    this.listener?.({
      phase: this.phase,
      files: this.files,
      totalFiles: this.totalFiles,
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      ...(path === undefined ? {} : { path }),
    });
  }
}
