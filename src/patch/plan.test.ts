import { describe, expect, it } from 'vitest';
import { blobKey } from './manifest.js';
import type { PatchManifest } from './manifest.js';
import { diffAgainstPublished } from './plan.js';
import type { ScanResult, ScannedFile } from './scan.js';

const h = (char: string): string => char.repeat(64);

function scan(files: Record<string, [string, number]>): ScanResult {
  const entries = new Map<string, ScannedFile>();
  for (const [path, [sha256, size]] of Object.entries(files)) {
    entries.set(path, { path, absolutePath: `/src/${path}`, size, sha256, mtimeMs: 0 });
  }
  return {
    root: '/src',
    files: entries,
    totalBytes: 0,
    hashedFiles: 0,
    hashedBytes: 0,
    cachedFiles: 0,
    collisions: [],
    skipped: [],
  };
}

function published(files: PatchManifest['files'], mode: 'content' | 'versionId' = 'content'): PatchManifest {
  return {
    formatVersion: 1,
    release: 'r1',
    sequence: 1,
    createdAt: '2026-01-01T00:00:00Z',
    previousRelease: null,
    mode,
    files,
  };
}

describe('diffAgainstPublished', () => {
  it('uploads every distinct content of a first release once', () => {
    const plan = diffAgainstPublished(
      scan({ 'a.txt': [h('a'), 10], 'copy.txt': [h('a'), 10], 'b.txt': [h('b'), 5] }),
      undefined,
      'content',
      1,
    );

    expect(plan.added).toEqual(['a.txt', 'copy.txt', 'b.txt']);
    expect(plan.uploads.map((upload) => [upload.key, upload.paths])).toEqual([
      [blobKey(h('a')), ['a.txt', 'copy.txt']],
      [blobKey(h('b')), ['b.txt']],
    ]);
    expect(plan.uploadBytes).toBe(15);
  });

  it('classifies added, changed, removed and unchanged files against the published manifest', () => {
    const before = published({
      'same.txt': { size: 1, sha256: h('1'), key: blobKey(h('1')) },
      'edit.txt': { size: 1, sha256: h('2'), key: blobKey(h('2')) },
      'gone.txt': { size: 1, sha256: h('3'), key: blobKey(h('3')) },
    });

    const plan = diffAgainstPublished(
      scan({ 'same.txt': [h('1'), 1], 'edit.txt': [h('4'), 1], 'new.txt': [h('3'), 1] }),
      before,
      'content',
      2,
    );

    expect(plan).toMatchObject({
      added: ['new.txt'],
      changed: ['edit.txt'],
      removed: ['gone.txt'],
      unchanged: ['same.txt'],
    });
    expect(plan.uploads.map((upload) => upload.sha256)).toEqual([h('4')]);
  });

  it('keeps published versionIds of unchanged files in versionId mode and uploads changed ones by path', () => {
    const before = published(
      {
        'a.txt': { size: 1, sha256: h('1'), key: 'a.txt', versionId: 'v1' },
        'b.txt': { size: 1, sha256: h('2'), key: 'b.txt', versionId: 'v2' },
      },
      'versionId',
    );

    const plan = diffAgainstPublished(
      scan({ 'a.txt': [h('1'), 1], 'b.txt': [h('5'), 1] }),
      before,
      'versionId',
      2,
    );

    expect(plan.files['a.txt']).toEqual({ size: 1, sha256: h('1'), key: 'a.txt', versionId: 'v1' });
    expect(plan.uploads.map((upload) => upload.key)).toEqual(['b.txt']);
  });
});
