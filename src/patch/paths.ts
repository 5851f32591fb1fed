import { isAbsolute, relative, resolve, sep } from 'node:path';
import { PatchError } from './errors.js';

/** The folder inside an install (and a publish source) where the patch module keeps its own state. */
export const STATE_DIR_NAME = '.sgk-patch';

const WINDOWS_DEVICE_NAMES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
const MAX_PATH_LENGTH = 1024;

/**
 * Turns a path relative to a scanned folder, as the OS spelled it, into a manifest path: `/` separators and
 * Unicode NFC (macOS file systems hand out Korean and accented names in NFD; NFC and NFD spellings of one name
 * map to one manifest entry).
 *
 * @param relativePath - relative to the scanned folder, with the OS separator.
 * @returns the manifest path; not yet checked, see {@link assertSafeManifestPath}.
 * @example
 * ```ts
 * import { toManifestPath } from 'serverless-game-kit/patch';
 *
 * toManifestPath('maps\\서울.bin'.normalize('NFD')); // 'maps/서울.bin' (NFC) on Windows
 * ```
 */
export function toManifestPath(relativePath: string): string {
  const posix = sep === '/' ? relativePath : relativePath.split(sep).join('/');
  return posix.normalize('NFC');
}

/**
 * Why `path` is not a safe manifest path, or `undefined` when it is. A safe path is relative, POSIX-separated,
 * NFC, at most 1024 characters, has no empty, `.` or `..` segment, no backslash, colon (drive letters, NTFS
 * streams), NUL or other control character, no Windows device name (`CON`, `nul.txt`, `COM1`…: they resolve
 * outside the folder on Windows), and does not start with the reserved `.sgk-patch/` folder.
 *
 * @example
 * ```ts
 * import { unsafePathReason } from 'serverless-game-kit/patch';
 *
 * unsafePathReason('../etc/passwd'); // 'contains a ".." segment'
 * ```
 */
export function unsafePathReason(path: string): string | undefined {
  if (path.length === 0) return 'is empty';
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains NUL or a control character';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.includes(':')) return 'contains a colon (drive letter or alternate data stream)';
  if (path.startsWith('/')) return 'is absolute';
  if (path.normalize('NFC') !== path) return 'is not in Unicode NFC';
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `contains a "${segment}" segment`;
    if (WINDOWS_DEVICE_NAMES.test(segment.replace(/[. ]+$/, ''))) {
      return `uses the Windows device name "${segment}"`;
    }
  }
  if (collisionKey(segments[0] ?? '') === STATE_DIR_NAME)
    return `is inside the reserved ${STATE_DIR_NAME} folder`;
  return undefined;
}

/**
 * Why one path segment (a file or folder name) is unsafe, or `undefined`. The per-segment part of
 * {@link unsafePathReason}, for walking a tree one name at a time.
 */
export function unsafeSegmentReason(segment: string): string | undefined {
  if (segment === '') return 'has an empty segment';
  if (/[\u0000-\u001f\u007f\\:]/.test(segment)) {
    return unsafePathReason(segment);
  }
  if (segment === '.' || segment === '..') return `contains a "${segment}" segment`;
  if (WINDOWS_DEVICE_NAMES.test(segment.replace(/[. ]+$/, '')))
    return `uses the Windows device name "${segment}"`;
  return undefined;
}

/**
 * Throws unless `path` is a safe manifest path (see {@link unsafePathReason}).
 *
 * @throws {PatchError} `UNSAFE_PATH`
 * @example
 * ```ts
 * import { assertSafeManifestPath } from 'serverless-game-kit/patch';
 *
 * assertSafeManifestPath('data/level1.pak');
 * ```
 */
export function assertSafeManifestPath(path: string): void {
  const reason = unsafePathReason(path);
  if (reason !== undefined) {
    throw new PatchError('UNSAFE_PATH', `Unsafe path ${JSON.stringify(path)}: it ${reason}.`, { path });
  }
}

/**
 * The absolute location of manifest path `path` under `root`, after checking that it stays inside `root`.
 *
 * @throws {PatchError} `UNSAFE_PATH`
 * @example
 * ```ts
 * import { resolveInside } from 'serverless-game-kit/patch';
 *
 * resolveInside('/games/mygame', 'data/a.pak'); // '/games/mygame/data/a.pak'
 * ```
 */
export function resolveInside(root: string, path: string): string {
  assertSafeManifestPath(path);
  const base = resolve(root);
  const target = resolve(base, ...path.split('/'));
  const fromBase = relative(base, target);
  if (fromBase === '' || fromBase.startsWith('..') || isAbsolute(fromBase)) {
    throw new PatchError('UNSAFE_PATH', `Path ${JSON.stringify(path)} resolves outside ${base}.`, { path });
  }
  return target;
}

/**
 * The key under which two paths name one file on Windows or macOS: each segment in Unicode NFC, lower case, and
 * without trailing dots and spaces (Windows drops them: `a.txt.` and `"a.txt "` open `a.txt`).
 *
 * @example
 * ```ts
 * import { collisionKey } from 'serverless-game-kit/patch';
 *
 * collisionKey('Data/A.txt. '); // 'data/a.txt'
 * ```
 */
export function collisionKey(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      segment
        .normalize('NFC')
        .toLowerCase()
        .replace(/[. ]+$/, ''),
    )
    .join('/');
}

/**
 * Groups of paths that cannot all exist in one folder tree on every player's machine:
 * - paths that differ only in letter case, Unicode normalisation or trailing dots and spaces (one file on
 *   Windows, and on macOS by default), e.g. `['Data/a.pak', 'data/A.pak']` or `['a.txt', 'a.txt.']`;
 * - a file where another path needs a folder, e.g. `['x', 'x/y']` (also `['X', 'x/y']`).
 *
 * @returns one array per group, sorted; a file/folder conflict is the file and the first path below it.
 * @example
 * ```ts
 * import { findPathCollisions } from 'serverless-game-kit/patch';
 *
 * findPathCollisions(['Data/a.pak', 'data/A.pak', 'b.txt']); // [['Data/a.pak', 'data/A.pak']]
 * findPathCollisions(['x', 'x/y']); // [['x', 'x/y']]
 * ```
 */
export function findPathCollisions(paths: Iterable<string>): string[][] {
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    const key = collisionKey(path);
    const group = groups.get(key);
    if (group) group.push(path);
    else groups.set(key, [path]);
  }
  const collisions = [...groups.values()].filter((group) => group.length > 1).map((group) => group.sort());
  for (const [key, group] of groups) {
    const segments = key.split('/');
    for (let length = 1; length < segments.length; length++) {
      const file = groups.get(segments.slice(0, length).join('/'));
      if (file?.[0] !== undefined && group[0] !== undefined) {
        collisions.push([file[0], group[0]]);
        break;
      }
    }
  }
  return collisions;
}

/**
 * Throws when paths collide or a file stands where another path needs a folder (see {@link findPathCollisions}).
 *
 * @throws {PatchError} `PATH_COLLISION`
 */
export function assertNoPathCollisions(paths: Iterable<string>): void {
  const collisions = findPathCollisions(paths);
  if (collisions.length > 0) {
    const shown = collisions
      .slice(0, 5)
      .map((group) => group.map((path) => JSON.stringify(path)).join(' = '))
      .join('; ');
    throw new PatchError(
      'PATH_COLLISION',
      `${collisions.length} group(s) of paths cannot coexist on every player's machine (they differ only in case, Unicode normalisation or trailing dots/spaces, or one is a file where another needs a folder): ${shown}.`,
      { path: collisions[0]?.[0] ?? '' },
    );
  }
}
