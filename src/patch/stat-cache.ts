import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.js';

const CACHE_FORMAT_VERSION = 2;

/**
 * `"<size>:<mtimeUs>:<ctimeUs>:<inode>:<sha256>"`: one string per file, so a 10,000-entry cache parses in a few
 * milliseconds and a lookup is one string comparison.
 */
type Entry = string;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The stat data an entry must match. Plain (number) stats: their `mtimeMs`/`ctimeMs` keep sub-microsecond
 * precision, and they cost far less than `bigint` stats (no bigints, lazy dates), which is most of a re-scan.
 */
function statKey(info: Stats): string {
  // Whole microseconds: integers print much faster than fractional milliseconds, and stay exact in a double.
  return `${info.size}:${Math.trunc(info.mtimeMs * 1000)}:${Math.trunc(info.ctimeMs * 1000)}:${info.ino}:`;
}

/**
 * Remembers each file's SHA-256 with the stat data it had when hashed (size, mtime and ctime to the
 * microsecond, inode), so re-scanning an unchanged tree only `stat`s files instead of reading them.
 *
 * Racy entries (git's racy-index rule): a file modified within the file system's timestamp granularity after it
 * was hashed can keep the same stat data. So an entry is trusted only when its mtime is strictly older than the
 * cache file itself; entries as new as the cache are hashed again (and then become trusted once a later save
 * makes the cache newer than them).
 *
 * @example
 * ```ts
 * import { StatCache } from 'serverless-game-kit/patch';
 *
 * const cache = await StatCache.load('build/.sgk-patch/scan-cache.json');
 * ```
 */
export class StatCache {
  private readonly previous: Map<string, Entry>;
  private readonly next = new Map<string, Entry>();
  private readonly cacheMtimeMs: number;
  private dirty = false;

  private constructor(
    readonly path: string | undefined,
    previous: Map<string, Entry>,
    cacheMtimeMs: number,
  ) {
    this.previous = previous;
    this.cacheMtimeMs = cacheMtimeMs;
  }

  /** An empty cache that is never saved. */
  static memory(): StatCache {
    return new StatCache(undefined, new Map(), 0);
  }

  /**
   * Reads the cache at `path`. A missing, unreadable or foreign file gives an empty cache (it is only an
   * optimisation): the next save replaces it.
   */
  static async load(path: string): Promise<StatCache> {
    try {
      const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
      const parsed = JSON.parse(text) as { formatVersion?: unknown; entries?: unknown };
      const entries = new Map<string, Entry>();
      if (
        parsed.formatVersion === CACHE_FORMAT_VERSION &&
        parsed.entries &&
        typeof parsed.entries === 'object'
      ) {
        for (const [key, value] of Object.entries(parsed.entries as Record<string, unknown>)) {
          if (isEntry(value)) entries.set(key, value);
        }
      }
      return new StatCache(path, entries, info.mtimeMs);
    } catch {
      return new StatCache(path, new Map(), 0);
    }
  }

  /** Number of entries read from disk. */
  get size(): number {
    return this.previous.size;
  }

  /**
   * The cached SHA-256 of `key` when `info` still matches what was hashed and the entry is not racy; otherwise
   * `undefined` (hash the file).
   */
  lookup(key: string, info: Stats): string | undefined {
    const entry = this.previous.get(key);
    if (entry === undefined) return undefined;
    const stamp = statKey(info);
    if (entry.length !== stamp.length + 64 || !entry.startsWith(stamp)) return undefined;
    // The stat matches, so the entry's mtime is `info.mtimeMs`: racy when not older than the cache file.
    if (info.mtimeMs >= this.cacheMtimeMs) return undefined;
    const sha256 = entry.slice(stamp.length);
    if (!SHA256_HEX.test(sha256)) return undefined;
    this.next.set(key, entry);
    return sha256;
  }

  /** Records the hash of `key` as it was when `info` was taken (stat before reading the file). */
  set(key: string, info: Stats, sha256: string): void {
    this.dirty = true;
    this.next.set(key, statKey(info) + sha256);
  }

  /**
   * Keeps the entries of the files looked up or set since loading; the rest are dropped. Writes nothing when that
   * is exactly what was loaded (an unchanged tree costs no write).
   */
  async save(): Promise<void> {
    if (this.path === undefined) return;
    if (!this.dirty && this.next.size === this.previous.size) return;
    const entries: Record<string, Entry> = Object.fromEntries(this.next);
    await writeFileAtomic(this.path, JSON.stringify({ formatVersion: CACHE_FORMAT_VERSION, entries }));
  }

  /** Like {@link save}, but also keeps every previous entry not touched since loading. */
  async saveMerged(): Promise<void> {
    for (const [key, entry] of this.previous) if (!this.next.has(key)) this.next.set(key, entry);
    this.dirty = true;
    await this.save();
  }
}

function isEntry(value: unknown): value is Entry {
  return typeof value === 'string';
}
