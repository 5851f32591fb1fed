import type { Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.js';

/**
 * First line of a cache file. Each further line is `<size>:<mtimeUs>:<ctimeUs>:<inode>:<sha256>\t<key>\n`: one
 * compact text file, so a 10,000-entry cache (~1 MB) is read with one `read` and split with `indexOf`, about ten
 * times faster than parsing the same entries as JSON. Keys are manifest-like paths: the rare key holding a line
 * feed is never cached.
 */
const CACHE_HEADER = 'sgk-stat-cache 3\n';

/** `"<size>:<mtimeUs>:<ctimeUs>:<inode>:<sha256>"`: a lookup is one string comparison. */
type Entry = string;

const SHA256_HEX_LENGTH = 64;

/**
 * The stat identity a cache entry must match: `"<size>:<mtimeUs>:<ctimeUs>:<inode>:"`. Plain (number) stats:
 * their `mtimeMs`/`ctimeMs` keep sub-microsecond precision, and they cost far less than `bigint` stats (no
 * bigints, lazy dates), which is most of a re-scan. Any write to a file changes its ctime (which no program can
 * set back), so an unchanged identity means unchanged content, given the racy-entry rule of {@link StatCache}.
 *
 * @example
 * ```ts
 * const before = statKey(statSync('game.pak'));
 * // … read the file …
 * if (statKey(statSync('game.pak')) !== before) throw new Error('game.pak changed while it was read');
 * ```
 */
export function statKey(info: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): string {
  // Whole microseconds: integers print much faster than fractional milliseconds, and stay exact in a double.
  return `${info.size}:${Math.trunc(info.mtimeMs * 1000)}:${Math.trunc(info.ctimeMs * 1000)}:${info.ino}:`;
}

/** True when `text[from, from + 64)` is lower-case hex (a loop: no substring, no regular expression). */
function isSha256HexAt(text: string, from: number): boolean {
  if (text.length - from !== SHA256_HEX_LENGTH) return false;
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 102))) return false;
  }
  return true;
}

/** The entries of a cache file's text; a foreign or damaged file gives none. */
function parseEntries(text: string, from: number, to: number, into: Map<string, Entry>): boolean {
  let position = from;
  while (position < to) {
    const tab = text.indexOf('\t', position);
    const end = text.indexOf('\n', position);
    if (tab < 0 || end < 0 || tab > end) return false; // torn or edited: trust nothing
    into.set(text.slice(tab + 1, end), text.slice(position, tab));
    position = end + 1;
  }
  return true;
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
 * Cost: loading is one read and O(entries) `indexOf`; a lookup builds one short string and compares it; an
 * unchanged tree writes nothing.
 *
 * @example
 * ```ts
 * import { StatCache } from 'serverless-game-kit/patch';
 *
 * const cache = await StatCache.load('build/.sgk-patch/scan-cache.json');
 * ```
 */
export class StatCache {
  /**
   * The file as read. While every lookup so far hit the next line of it (a re-scan walks the tree in the order
   * of the scan that saved it), lookups read it in place: no map of 10,000 entries is built. The first lookup
   * that does not, or any `set`, switches to maps (`previous`, `next`) for good.
   */
  private text: string;
  private cursor: number;
  private sequential: boolean;
  private previous = new Map<string, Entry>();
  /** Entries to save, in lookup order; `''` holds the place of a file looked up but not (yet) hashed. */
  private readonly next = new Map<string, Entry>();
  private readonly cacheMtimeMs: number;
  private dirty = false;

  private constructor(
    readonly path: string | undefined,
    text: string,
    cacheMtimeMs: number,
  ) {
    const valid = text.startsWith(CACHE_HEADER) && text.endsWith('\n');
    this.text = valid ? text : CACHE_HEADER;
    this.cursor = CACHE_HEADER.length;
    this.sequential = true;
    this.cacheMtimeMs = cacheMtimeMs;
  }

  /** An empty cache that is never saved. */
  static memory(): StatCache {
    return new StatCache(undefined, '', 0);
  }

  /**
   * Reads the cache at `path`. A missing, unreadable or foreign file (such as the JSON cache of earlier
   * versions) gives an empty cache (it is only an optimisation): the next save replaces it.
   */
  static async load(path: string): Promise<StatCache> {
    try {
      const handle = await open(path, 'r');
      try {
        // The mtime of the very file read: the racy-entry rule compares entries with it.
        const info = await handle.stat();
        // One decode of the whole buffer: `readFile(…, 'utf8')` decodes piece by piece, several times slower.
        const text = (await handle.readFile()).toString('utf8');
        return new StatCache(path, text, info.mtimeMs);
      } finally {
        await handle.close();
      }
    } catch {
      return new StatCache(path, '', 0);
    }
  }

  /** Number of entries read from disk. */
  get size(): number {
    this.useMaps();
    return this.previous.size;
  }

  /**
   * The cached SHA-256 of `key` when `info` still matches what was hashed and the entry is not racy; otherwise
   * `undefined` (hash the file).
   */
  lookup(key: string, info: Stats): string | undefined {
    if (this.sequential) {
      const sha256 = this.lookupInPlace(key, info);
      if (sha256 !== undefined) return sha256;
      this.useMaps();
    }
    const entry = this.previous.get(key);
    const sha256 = entry === undefined ? undefined : this.matching(entry, info);
    // A miss keeps its place, so that the next save lists files in the order they were looked up.
    if (!this.next.has(key)) this.next.set(key, sha256 === undefined ? '' : (entry as Entry));
    return sha256;
  }

  /** Records the hash of `key` as it was when `info` was taken (stat before reading the file). */
  set(key: string, info: Stats, sha256: string): void {
    this.useMaps();
    this.dirty = true;
    this.next.set(key, statKey(info) + sha256);
  }

  /**
   * Keeps the entries of the files looked up or set since loading; the rest are dropped. Writes nothing when that
   * is exactly what was loaded (an unchanged tree costs no write).
   */
  async save(): Promise<void> {
    if (this.path === undefined) return;
    if (this.sequential) {
      if (this.cursor === this.text.length) return;
      await writeFileAtomic(this.path, this.text.slice(0, this.cursor));
      return;
    }
    let kept = 0;
    const lines = [CACHE_HEADER];
    for (const [key, entry] of this.next) {
      if (entry === '' || key.includes('\n')) continue;
      kept += 1;
      lines.push(`${entry}\t${key}\n`);
    }
    if (!this.dirty && kept === this.previous.size && this.sameOrderAsLoaded()) return;
    await writeFileAtomic(this.path, lines.join(''));
  }

  /** True when the entries to save are those loaded, in the same order (then the file is left as it is). */
  private sameOrderAsLoaded(): boolean {
    const loaded = this.previous.keys();
    for (const [key, entry] of this.next) {
      if (entry !== '' && loaded.next().value !== key) return false;
    }
    return true;
  }

  /** Like {@link save}, but also keeps every previous entry not touched since loading. */
  async saveMerged(): Promise<void> {
    this.useMaps();
    for (const [key, entry] of this.previous) if (!this.next.get(key)) this.next.set(key, entry);
    this.dirty = true;
    await this.save();
  }

  /** The SHA-256 of `entry` if it matches `info` and is not racy. */
  private matching(entry: Entry, info: Stats): string | undefined {
    // The stat must match, so the entry's mtime is `info.mtimeMs`: racy when not older than the cache file.
    if (info.mtimeMs >= this.cacheMtimeMs) return undefined;
    const stamp = statKey(info);
    if (!entry.startsWith(stamp) || !isSha256HexAt(entry, stamp.length)) return undefined;
    return entry.slice(stamp.length);
  }

  /** A hit on the line at the cursor (which then moves on), or `undefined`. */
  private lookupInPlace(key: string, info: Stats): string | undefined {
    const { text, cursor } = this;
    const end = text.indexOf('\n', cursor);
    const tab = end - key.length - 1;
    if (end < 0 || tab <= cursor || text.charCodeAt(tab) !== 9 || !text.startsWith(key, tab + 1)) {
      return undefined;
    }
    // An entry holds no tab: the tab found is the first of the line, so the line's key is exactly `key`.
    if (text.lastIndexOf('\t', tab - 1) >= cursor) return undefined;
    const sha256 = this.matching(text.slice(cursor, tab), info);
    if (sha256 !== undefined) this.cursor = end + 1;
    return sha256;
  }

  /** Leaves the in-place mode: the lines hit so far become `next`, the whole file `previous`. */
  private useMaps(): void {
    if (!this.sequential) return;
    this.sequential = false;
    const { text, cursor } = this;
    const valid =
      parseEntries(text, CACHE_HEADER.length, cursor, this.next) &&
      parseEntries(text, cursor, text.length, this.previous);
    if (!valid) {
      this.next.clear();
      this.previous.clear();
      return;
    }
    for (const [key, entry] of this.next) this.previous.set(key, entry);
  }
}
