import type { Stats } from 'node:fs';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatCache } from './stat-cache.js';

const SHA = (digit: string): string => digit.repeat(64);

let folder = '';
let cachePath = '';
const infos = new Map<string, Stats>();

/** Files `names`, a minute old, so a cache saved now is newer than all of them (no racy entry). */
async function makeFiles(names: string[]): Promise<void> {
  const past = new Date(Date.now() - 60_000);
  for (const name of names) {
    const path = join(folder, name.replaceAll('/', '_'));
    await writeFile(path, name);
    await utimes(path, past, past);
    infos.set(name, await stat(path));
  }
}

function info(name: string): Stats {
  const found = infos.get(name);
  if (!found) throw new Error(`no file ${name}`);
  return found;
}

/** Saves a cache holding `names` (in that order) with SHA(index). */
async function saveCache(names: string[]): Promise<void> {
  const cache = await StatCache.load(cachePath);
  names.forEach((name, index) => cache.set(name, info(name), SHA(String(index % 10))));
  await cache.save();
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sgk-stat-cache-'));
  cachePath = join(folder, 'cache', 'scan-cache.json');
  infos.clear();
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('StatCache', () => {
  it('finds every entry again, in order or not, and writes nothing for an unchanged tree', async () => {
    const names = ['a', 'b/c', 'd\tweird', 'é'];
    await makeFiles(names);
    await saveCache(names);
    const { mtimeMs } = await stat(cachePath);

    for (const order of [names, [...names].reverse()]) {
      const cache = await StatCache.load(cachePath);
      expect(order.map((name) => cache.lookup(name, info(name)))).toEqual(
        order.map((name) => SHA(String(names.indexOf(name)))),
      );
      await cache.save();
    }
    // The reversed lookups rewrote the file in their order; the next reversed walk reads it in place.
    const rewritten = await readFile(cachePath, 'utf8');
    expect(rewritten.indexOf('\té')).toBeLessThan(rewritten.indexOf('\ta'));
    const before = await stat(cachePath);
    const cache = await StatCache.load(cachePath);
    for (const name of [...names].reverse()) cache.lookup(name, info(name));
    await cache.save();
    expect((await stat(cachePath)).mtimeMs).toBe(before.mtimeMs);
    expect(before.mtimeMs).toBeGreaterThanOrEqual(mtimeMs);
  });

  it('misses a file whose stat data changed, and forgets files not looked up', async () => {
    await makeFiles(['a', 'b', 'c']);
    await saveCache(['a', 'b', 'c']);
    const changed = { ...info('b'), size: info('b').size + 1 };

    const cache = await StatCache.load(cachePath);
    expect([cache.lookup('a', info('a')), cache.lookup('b', changed)]).toEqual([SHA('0'), undefined]);
    cache.set('b', changed, SHA('7'));
    await cache.save();

    const reloaded = await StatCache.load(cachePath);
    expect(reloaded.size).toBe(2);
    expect([
      reloaded.lookup('a', info('a')),
      reloaded.lookup('b', changed),
      reloaded.lookup('c', info('c')),
    ]).toEqual([SHA('0'), SHA('7'), undefined]);
  });

  it('keeps the entries not looked up with saveMerged', async () => {
    await makeFiles(['a', 'b']);
    await saveCache(['a', 'b']);

    const cache = await StatCache.load(cachePath);
    cache.lookup('b', info('b'));
    await cache.saveMerged();

    expect((await StatCache.load(cachePath)).lookup('a', info('a'))).toBe(SHA('0'));
  });

  it('distrusts entries as new as the cache file (racy entries)', async () => {
    await makeFiles(['a']);
    await saveCache(['a']);
    const future = new Date(Date.now() + 60_000);
    await utimes(join(folder, 'a'), future, future);

    const cache = await StatCache.load(cachePath);

    expect(cache.lookup('a', { ...info('a'), mtimeMs: future.getTime() })).toBeUndefined();
  });

  it('never caches a key holding a line feed', async () => {
    await makeFiles(['x']);
    const cache = await StatCache.load(cachePath);
    cache.set('bad\nkey', info('x'), SHA('1'));
    cache.set('x', info('x'), SHA('2'));
    await cache.save();

    const reloaded = await StatCache.load(cachePath);
    expect(reloaded.size).toBe(1);
    expect(reloaded.lookup('x', info('x'))).toBe(SHA('2'));
  });

  it.each([
    ['a JSON cache of an earlier version', () => JSON.stringify({ formatVersion: 2, entries: {} })],
    ['a torn file', (text: string) => text.slice(0, text.length - 30)],
    ['a line without a tab', (text: string) => text.replace('\t', ' ')],
    ['a hash that is not hex', (text: string) => text.replace(/[0-9a-f]{64}/, 'z'.repeat(64))],
    ['an empty file', () => ''],
  ])('trusts nothing of %s', async (_, damage: (text: string) => string) => {
    await makeFiles(['a', 'b']);
    await saveCache(['a', 'b']);
    await writeFile(cachePath, damage(await readFile(cachePath, 'utf8')));

    const cache = await StatCache.load(cachePath);

    expect(cache.lookup('a', info('a'))).toBeUndefined();
  });
});
