import { createHash } from 'node:crypto';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HASH_READ_BYTES, hashFile } from '../../src/patch/hash.js';
import { findPathCollisions } from '../../src/patch/paths.js';
import { scanDirectory } from '../../src/patch/scan.js';
import { seededBytes, temporaryFolder, writeTree } from './support.js';

/** Moves every file's mtime a minute into the past, so the stat cache written next is newer than all of them. */
async function age(root: string, paths: string[]): Promise<void> {
  const past = new Date(Date.now() - 60_000);
  for (const path of paths) await utimes(join(root, path), past, past);
}

describe('hashFile', () => {
  it.each([0, 1, HASH_READ_BYTES - 1, HASH_READ_BYTES, HASH_READ_BYTES + 1, 3 * HASH_READ_BYTES + 17])(
    'matches node:crypto for a %i-byte file',
    async (size) => {
      const root = await temporaryFolder();
      const content = seededBytes(size + 1, size);
      await writeFile(join(root, 'f'), content);

      const result = await hashFile(join(root, 'f'));

      expect(result).toEqual({ sha256: createHash('sha256').update(content).digest('hex'), size });
    },
  );
});

describe('scanDirectory', () => {
  it('hashes every file and leaves out the .sgk-patch folder and ignored globs', async () => {
    const root = await temporaryFolder();
    await writeTree(root, {
      'a.txt': 'a',
      'sub/b.txt': 'b',
      'debug/x.pdb': 'pdb',
      '.sgk-patch/state.json': '{}',
    });

    const scan = await scanDirectory(root, { ignore: ['**/*.pdb'] });

    expect([...scan.files.keys()]).toEqual(['a.txt', 'sub/b.txt']);
    expect(scan.files.get('a.txt')?.sha256).toBe(createHash('sha256').update('a').digest('hex'));
    expect(scan.totalBytes).toBe(2);
  });

  it('reads no file content when re-scanning an unchanged tree', async () => {
    const root = await temporaryFolder();
    const files = { 'a.bin': seededBytes(1, 5000), 'dir/b.bin': seededBytes(2, 7000) };
    await writeTree(root, files);
    await age(root, Object.keys(files));
    const cold = await scanDirectory(root);

    const warm = await scanDirectory(root);

    expect(cold.hashedFiles).toBe(2);
    expect(warm).toMatchObject({ hashedFiles: 0, hashedBytes: 0, cachedFiles: 2 });
    expect([...warm.files.values()].map((file) => file.sha256)).toEqual(
      [...cold.files.values()].map((file) => file.sha256),
    );
  });

  it('hashes a file again when it changed, even with the same size', async () => {
    const root = await temporaryFolder();
    await writeTree(root, { 'a.txt': 'aaaa', 'b.txt': 'bbbb' });
    await age(root, ['a.txt', 'b.txt']);
    await scanDirectory(root);
    await writeFile(join(root, 'a.txt'), 'AAAA');

    const rescan = await scanDirectory(root);

    expect(rescan.hashedFiles).toBe(1);
    expect(rescan.files.get('a.txt')?.sha256).toBe(createHash('sha256').update('AAAA').digest('hex'));
  });

  it('distrusts cache entries as new as the cache itself (racy entries)', async () => {
    const root = await temporaryFolder();
    await writeTree(root, { 'a.txt': 'a' });
    await scanDirectory(root);
    // The file's mtime is set to the future: as new as (newer than) the cache, so its entry is racy.
    const future = new Date(Date.now() + 60_000);
    await utimes(join(root, 'a.txt'), future, future);
    await scanDirectory(root);

    const rescan = await scanDirectory(root);

    expect(rescan.hashedFiles).toBe(1);
  });

  it('reports the collisions findPathCollisions finds: case, trailing dots, a file where a folder is', async () => {
    const root = await temporaryFolder();
    const paths = [
      'Data/A.pak',
      'data/a.pak',
      'notes.txt',
      'notes.txt.',
      'Maps',
      'maps/one.map',
      'maps/two.map',
    ];
    await writeTree(root, Object.fromEntries(paths.map((path) => [path, path])));

    const scan = await scanDirectory(root);

    const sorted = (groups: string[][]): string[] => groups.map((group) => group.join(' = ')).sort();
    expect(sorted(scan.collisions)).toEqual(sorted(findPathCollisions(paths)));
    expect(scan.collisions).toEqual(
      expect.arrayContaining([
        ['Data/A.pak', 'data/a.pak'],
        ['notes.txt', 'notes.txt.'],
        ['Maps', 'maps/one.map'],
        ['Maps', 'maps/two.map'],
      ]),
    );
    expect(scan.collisions).toHaveLength(4);
  });

  it('reports no collision for names that only look alike', async () => {
    const root = await temporaryFolder();
    await writeTree(root, { 'a/b.txt': '1', 'a.b/txt': '2', 'ab.txt': '3', 'a b.txt': '4', '가/x': '5' });

    expect((await scanDirectory(root)).collisions).toEqual([]);
  });

  it('keeps every cache hit when files are looked up in another order, and re-reads only changed files', async () => {
    const root = await temporaryFolder();
    const files = Object.fromEntries(
      Array.from({ length: 30 }, (_, index) => [`d${index % 3}/f${index}`, `${index}`]),
    );
    await writeTree(root, files);
    await age(root, Object.keys(files));
    await scanDirectory(root);
    await writeFile(join(root, 'd1/f4'), 'changed');
    await writeTree(root, { 'd0/new': 'new' });
    await age(root, ['d1/f4', 'd0/new']);

    const second = await scanDirectory(root);
    const third = await scanDirectory(root);

    expect([second.hashedFiles, second.cachedFiles]).toEqual([2, 29]);
    expect([third.hashedFiles, third.cachedFiles]).toEqual([0, 31]);
    expect(third.files.get('d1/f4')?.sha256).toBe(createHash('sha256').update('changed').digest('hex'));
  });

  it('works without a stat cache', async () => {
    const root = await temporaryFolder();
    await writeTree(root, { 'a.txt': 'a' });

    const first = await scanDirectory(root, { statCachePath: false });
    const second = await scanDirectory(root, { statCachePath: false });

    expect([first.hashedFiles, second.hashedFiles]).toEqual([1, 1]);
  });

  it('reports progress for every file', async () => {
    const root = await temporaryFolder();
    await writeTree(root, { 'a.txt': 'a', 'b.txt': 'bb' });
    const seen: number[] = [];

    await scanDirectory(root, { onProgress: (progress) => seen.push(progress.files) });

    expect(seen.sort()).toEqual([1, 2]);
  });

  it('stops with ABORTED when the signal fires', async () => {
    const root = await temporaryFolder();
    await writeTree(root, { 'a.txt': 'a' });

    const error = await scanDirectory(root, { signal: AbortSignal.abort() }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({ code: 'ABORTED' });
  });
});
