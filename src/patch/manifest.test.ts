import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/support/errors.js';
import { isPatchError } from './errors.js';
import { blobKey, parseManifest, parsePointer, releaseManifestKey, serializeDocument } from './manifest.js';

const hash = 'a'.repeat(64);

function manifest(files: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    formatVersion: 1,
    release: 'r1',
    sequence: 1,
    createdAt: '2026-11-22T00:00:00.000Z',
    previousRelease: null,
    mode: 'content',
    files,
    ...extra,
  };
}

describe('parseManifest', () => {
  it('accepts a valid manifest', () => {
    const parsed = parseManifest(
      JSON.stringify(manifest({ 'a.txt': { size: 1, sha256: hash, key: blobKey(hash) } })),
    );

    expect(parsed.files['a.txt']?.key).toBe(`blobs/sha256/aa/${hash}`);
  });

  it('rejects another format version', () => {
    expect(
      isPatchError(
        errorOf(() => parseManifest(manifest({}, { formatVersion: 2 }))),
        'MANIFEST_INVALID',
      ),
    ).toBe(true);
  });

  it('rejects text that is not JSON', () => {
    expect(
      isPatchError(
        errorOf(() => parseManifest('{')),
        'MANIFEST_INVALID',
      ),
    ).toBe(true);
  });

  it('rejects a malformed hash', () => {
    const bad = manifest({ 'a.txt': { size: 1, sha256: 'XYZ', key: 'k' } });

    expect(
      isPatchError(
        errorOf(() => parseManifest(bad)),
        'MANIFEST_INVALID',
      ),
    ).toBe(true);
  });

  it('rejects a path that climbs out of the install folder', () => {
    const bad = manifest({ '../../.bashrc': { size: 1, sha256: hash, key: 'k' } });

    expect(
      isPatchError(
        errorOf(() => parseManifest(bad)),
        'UNSAFE_PATH',
      ),
    ).toBe(true);
  });

  it('rejects an object key that climbs out of the prefix', () => {
    const bad = manifest({ 'a.txt': { size: 1, sha256: hash, key: '../other-game/blob' } });

    expect(
      isPatchError(
        errorOf(() => parseManifest(bad)),
        'MANIFEST_INVALID',
      ),
    ).toBe(true);
  });

  it('rejects paths that differ only in case', () => {
    const bad = manifest({
      'A.txt': { size: 1, sha256: hash, key: 'k' },
      'a.txt': { size: 1, sha256: hash, key: 'k' },
    });

    expect(
      isPatchError(
        errorOf(() => parseManifest(bad)),
        'PATH_COLLISION',
      ),
    ).toBe(true);
  });

  it.each([[['x', 'x/y']], [['a.txt', 'a.txt.']], [['a.txt', 'a.txt ']], [['Data', 'data/level.pak']]])(
    'rejects %j, which cannot coexist on disk, naming the paths',
    (paths) => {
      const bad = manifest(
        Object.fromEntries(paths.map((path) => [path, { size: 1, sha256: hash, key: 'k' }])),
      );

      const error = errorOf(() => parseManifest(bad));

      expect(isPatchError(error, 'PATH_COLLISION')).toBe(true);
      for (const path of paths) expect((error as Error).message).toContain(JSON.stringify(path));
    },
  );

  it('rejects a versionId-mode file without a versionId', () => {
    const bad = manifest({ 'a.txt': { size: 1, sha256: hash, key: 'a.txt' } }, { mode: 'versionId' });

    expect(
      isPatchError(
        errorOf(() => parseManifest(bad)),
        'MANIFEST_INVALID',
      ),
    ).toBe(true);
  });

  it('round-trips through serializeDocument', () => {
    const parsed = parseManifest(manifest({ 'b.txt': { size: 2, sha256: hash, key: 'k' } }));

    expect(parseManifest(serializeDocument(parsed))).toEqual(parsed);
  });
});

describe('parsePointer', () => {
  it('accepts a valid pointer', () => {
    const pointer = parsePointer({
      formatVersion: 1,
      release: 'r1',
      sequence: 3,
      manifest: { key: releaseManifestKey('r1'), sha256: hash, size: 10 },
      updatedAt: '2026-11-22T00:00:00.000Z',
    });

    expect(pointer.manifest.key).toBe('releases/r1.json');
  });

  it('rejects a negative sequence', () => {
    const bad = {
      formatVersion: 1,
      release: 'r1',
      sequence: -1,
      manifest: { key: 'k', sha256: hash, size: 1 },
      updatedAt: '2026-11-22T00:00:00Z',
    };

    expect(
      isPatchError(
        errorOf(() => parsePointer(bad)),
        'MANIFEST_INVALID',
      ),
    ).toBe(true);
  });
});
