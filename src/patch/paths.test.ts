import { describe, expect, it } from 'vitest';
import { isPatchError } from './errors.js';
import {
  assertSafeManifestPath,
  findPathCollisions,
  resolveInside,
  toManifestPath,
  unsafePathReason,
  unsafeSegmentReason,
} from './paths.js';

describe('toManifestPath', () => {
  it('turns an NFD Korean name into NFC', () => {
    const nfd = '패치/캐릭터.png'.normalize('NFD');

    expect(toManifestPath(nfd)).toBe('패치/캐릭터.png'.normalize('NFC'));
  });
});

describe('unsafePathReason', () => {
  it.each([
    ['', 'is empty'],
    ['/etc/passwd', 'is absolute'],
    ['../up.txt', 'contains a ".." segment'],
    ['a/../../up.txt', 'contains a ".." segment'],
    ['a/./b', 'contains a "." segment'],
    ['a\\b.txt', 'contains a backslash'],
    ['C:/Windows/evil.dll', 'contains a colon (drive letter or alternate data stream)'],
    ['file.txt:stream', 'contains a colon (drive letter or alternate data stream)'],
    ['a\u0000b', 'contains NUL or a control character'],
    ['a//b', 'has an empty segment'],
    ['dir/', 'has an empty segment'],
    ['CON', 'uses the Windows device name "CON"'],
    ['logs/nul.txt', 'uses the Windows device name "nul.txt"'],
    ['.sgk-patch/state.json', 'is inside the reserved .sgk-patch folder'],
    ['가.txt'.normalize('NFD'), 'is not in Unicode NFC'],
  ])('rejects %j because it %s', (path, reason) => {
    expect(unsafePathReason(path)).toBe(reason);
  });

  it.each(['a.txt', 'data/level 1.pak', '패치/한글.bin', '.hidden', 'console/icon.png', 'a..b/c'])(
    'accepts %j',
    (path) => {
      expect(unsafePathReason(path)).toBeUndefined();
    },
  );

  it('throws UNSAFE_PATH from the assertion', () => {
    expect(() => assertSafeManifestPath('../x')).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
  });
});

describe('resolveInside', () => {
  it('joins a safe path under the root', () => {
    expect(resolveInside('/games/x', 'data/a.pak')).toBe('/games/x/data/a.pak');
  });

  it('refuses a path that leaves the root', () => {
    const error = (() => {
      try {
        resolveInside('/games/x', '../y');
      } catch (caught) {
        return caught;
      }
    })();

    expect(isPatchError(error, 'UNSAFE_PATH')).toBe(true);
  });
});

describe('findPathCollisions', () => {
  it('groups names that differ only in case or normalisation', () => {
    const collisions = findPathCollisions(['Data/A.pak', 'data/a.pak', 'b.txt', '가'.normalize('NFD'), '가']);

    expect(collisions).toEqual([['Data/A.pak', 'data/a.pak'], ['가'.normalize('NFD'), '가'].sort()]);
  });

  it.each([[['a.txt', 'a.txt.']], [['a.txt', 'a.txt ']], [['a.txt', 'A.TXT. .']], [['dir/x', 'dir./x']]])(
    'groups the Windows aliases %j (trailing dots and spaces)',
    (paths) => {
      expect(findPathCollisions(paths)).toEqual([[...paths].sort()]);
    },
  );

  it.each([
    [
      ['x', 'x/y'],
      ['x', 'x/y'],
    ],
    [
      ['x/y/z', 'x/y'],
      ['x/y', 'x/y/z'],
    ],
    [
      ['X', 'x/y'],
      ['X', 'x/y'],
    ],
    [
      ['x.', 'x/y'],
      ['x.', 'x/y'],
    ],
  ])('reports %j as a file where a folder is needed', (paths, conflict) => {
    expect(findPathCollisions(paths)).toEqual([conflict]);
  });

  it('accepts names that only look alike', () => {
    expect(findPathCollisions(['x', 'xy/z', 'x.y', 'a/b', 'a/c', '.a'])).toEqual([]);
  });
});

describe('the reserved state folder', () => {
  it.each(['.sgk-patch/x', '.SGK-PATCH/x', '.sgk-patch./x', '.sgk-patch /x'])('refuses %j', (path) => {
    expect(unsafePathReason(path)).toMatch(/reserved/);
  });
});

describe('unsafeSegmentReason', () => {
  it.each([
    ['..', 'contains a ".." segment'],
    ['a\\b', 'contains a backslash'],
    ['lpt1.log', 'uses the Windows device name "lpt1.log"'],
  ])('rejects the name %j', (segment, reason) => {
    expect(unsafeSegmentReason(segment)).toBe(reason);
  });

  it('accepts an ordinary name', () => {
    expect(unsafeSegmentReason('level 1.pak')).toBeUndefined();
  });
});
