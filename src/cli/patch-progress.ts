import type { PatchProgress } from '../patch/index.js';

/** Bytes in binary units: `512 B`, `3.6 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const whole = Math.ceil(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return minutes >= 60
    ? `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
    : `${String(minutes).padStart(2, '0')}:${String(rest).padStart(2, '0')}`;
}

/** What one progress line shows; the bar moves by bytes when the phase has a byte total, by files otherwise. */
export interface ProgressLine {
  /** 0…1. */
  fraction: number;
  phase: string;
  files: string;
  bytes: string;
  rate: string;
  eta: string;
}

/**
 * Formats a progress report: files and bytes done of their totals (a total of 0 is shown as unknown, never as
 * `0/0`), the byte rate since the phase started, and the time left at that rate.
 *
 * @example
 * ```ts
 * import { progressLine } from './patch-progress.js';
 *
 * progressLine({ phase: 'download', files: 1, totalFiles: 4, bytes: 1024, totalBytes: 4096 }, 2);
 * ```
 */
export function progressLine(progress: PatchProgress, elapsedSeconds: number): ProgressLine {
  const byBytes = progress.totalBytes > 0;
  const done = byBytes ? progress.bytes : progress.files;
  const total = byBytes ? progress.totalBytes : progress.totalFiles;
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : progress.phase === 'done' ? 1 : 0;
  const rate = elapsedSeconds > 0 ? progress.bytes / elapsedSeconds : 0;
  const remaining = byBytes
    ? (progress.totalBytes - progress.bytes) / rate
    : elapsedSeconds * ((total - done) / Math.max(done, 1e-9));
  return {
    fraction,
    phase: progress.phase,
    files:
      progress.totalFiles > 0 ? `${progress.files}/${progress.totalFiles} files` : `${progress.files} files`,
    bytes: byBytes
      ? `${formatBytes(progress.bytes)}/${formatBytes(progress.totalBytes)}`
      : formatBytes(progress.bytes),
    rate: `${formatBytes(Math.round(rate))}/s`,
    eta: fraction >= 1 ? '00:00' : done > 0 ? formatDuration(remaining) : '--:--',
  };
}
