import type { S3Client } from '@aws-sdk/client-s3';
import { type ChildProcess, spawn } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import { isDeepStrictEqual as isEqual } from 'node:util';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatchPublisher, PatchUpdater } from '../../src/patch/index.js';
import { chunkRefsOf } from '../../src/patch/release-format.js';
import { seededRandom } from '../support/seeded-random.js';
import {
  type PatchStack,
  type TreeSpec,
  hashSpec,
  hashTree,
  seededBigBytes,
  seededBytes,
  startPatchStack,
  temporaryFolder,
  writeTree,
} from './support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = join(root, 'test', 'patch', 'fixtures', 'run-updater.ts');
const PREFIX = 'crash';

/**
 * Release A, and the changes that make release B: 4 changed, 6 removed (a whole folder tree among them), 6 added
 * (one a rename, two empty files), folders added and removed, a file replaced by a folder.
 */
const releaseA: TreeSpec = {
  'game.exe': seededBytes(1, 150_000),
  'data/level1.pak': seededBytes(2, 120_000),
  'data/level2.pak': seededBytes(3, 90_000),
  'data/old.pak': seededBytes(4, 30_000),
  'audio/theme.ogg': seededBytes(5, 80_000),
  'audio/legacy.ogg': seededBytes(6, 20_000),
  'readme.txt': 'release A',
  'config/defaults.ini': 'volume=5',
  'logs/.gitkeep': '',
  'mods/old/pack.dat': seededBytes(7, 10_000),
  'mods/old/.keep': '',
  notes: 'a file in release A',
};
const changes: TreeSpec = {
  'game.exe': seededBytes(11, 160_000),
  'data/level1.pak': seededBytes(12, 125_000),
  'audio/theme.ogg': seededBytes(15, 85_000),
  'readme.txt': 'release B',
  'data/old.pak': null,
  'audio/legacy.ogg': null,
  'audio/music/legacy.ogg': seededBytes(6, 20_000),
  'data/level3.pak': seededBytes(17, 110_000),
  'maps/서울.map': seededBytes(18, 40_000),
  // Folders come and go, with empty files: mods/ disappears, saves/slots/ appears, the file notes becomes a folder.
  notes: null,
  'notes/today.txt': 'a folder in release B',
  'mods/old/pack.dat': null,
  'mods/old/.keep': null,
  'logs/.gitkeep': null,
  'saves/slots/.keep': '',
  'config/empty.ini': '',
};
const releaseB: TreeSpec = Object.fromEntries(
  Object.entries({ ...releaseA, ...changes }).filter(([, content]) => content !== null),
);

let env: PatchStack;
let s3: S3Client;
let template: string;
let releaseIdB: string;
let killPoints: { download: string[]; apply: string[] };

/** What the next run does first, offline: finish a committed journal. The install is then exactly old or new. */
async function expectRecoveredToOldOrNew(
  install: string,
  prefix: string,
  pauseAt: string,
  oldTree: Record<string, string>,
  newTree: Record<string, string>,
): Promise<void> {
  await new PatchUpdater({ cdnUrl: 'http://127.0.0.1:9', prefix, installDir: install }).recover();
  const recovered = await hashTree(install);
  expect({
    pauseAt,
    exactlyOldOrNew: isEqual(recovered, oldTree) || isEqual(recovered, newTree),
  }).toEqual({
    pauseAt,
    exactlyOldOrNew: true,
  });
}

function runUpdater(
  installDir: string,
  pauseAt?: string,
  prefix = PREFIX,
): { child: ChildProcess; output: Promise<string> } {
  const args = ['--import', 'tsx', fixture, env.cdn, prefix, installDir, ...(pauseAt ? [pauseAt] : [])];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`updater timed out; stdout: ${stdout}; stderr: ${stderr}`));
    }, 45_000);
    const poll = setInterval(() => {
      if (pauseAt && stdout.includes('PAUSED')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(stdout);
      }
    }, 10);
    child.on('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      if (code === 0 || stdout.includes('PAUSED')) resolve(stdout);
      else reject(new Error(`updater exited with ${code}; stdout: ${stdout}; stderr: ${stderr}`));
    });
  });
  return { child, output };
}

function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const shuffled = [...items];
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  return shuffled;
}

async function killAt(installDir: string, pauseAt: string, prefix = PREFIX): Promise<void> {
  const { child, output } = runUpdater(installDir, pauseAt, prefix);
  const stdout = await output;
  expect(stdout).toContain(`PAUSED ${pauseAt}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  env = await startPatchStack('patch-kill');
  s3 = env.stack.clients.s3;
  const source = await temporaryFolder('sgk-src-');
  template = await temporaryFolder('sgk-template-');
  const publisher = new PatchPublisher({ s3, bucket: env.bucket, prefix: PREFIX });
  await writeTree(source, releaseA);
  await publisher.scan(source);
  await publisher.publish();
  await new PatchUpdater({ cdnUrl: env.cdn, prefix: PREFIX, installDir: template }).update();
  await writeTree(source, changes);
  await publisher.scan(source);
  releaseIdB = (await publisher.publish()).release;
  const plan = await new PatchUpdater({ cdnUrl: env.cdn, prefix: PREFIX, installDir: template }).check();
  const downloads = new Set(plan.download.map((file) => file.sha256)).size - 1; // the rename is copied locally
  const totalBytes = plan.downloadBytes;
  killPoints = {
    download: [
      ...[1, 2, 3, 5, 8, 13].map((fraction) => `bytes:${Math.floor((totalBytes * fraction) / 21)}`),
      ...Array.from({ length: downloads }, (_, index) => `downloaded:${index}`),
      'staged',
    ],
    apply: [
      'journal-committed',
      ...plan.download.map((_, index) => `written:${index}`),
      ...plan.delete.map((_, index) => `deleted:${index}`),
      'state-written',
    ],
  };
}, 120_000);

afterAll(async () => {
  await env.stack.stop();
});

describe('killing the updater (SIGKILL in a child process)', () => {
  const seeds = Array.from({ length: 20 }, (_, index) => index + 1);

  it.each(seeds)(
    'leaves the old or the new release and finishes on the next run (seed %i)',
    { timeout: 120_000 },
    async (seed) => {
      // Odd seeds kill during apply, even ones during download; each phase's points are visited in a seeded random
      // order, so 20 runs hit 10 different points of each phase.
      const phase = seed % 2 === 0 ? killPoints.download : killPoints.apply;
      const pauseAt = seededShuffle(phase, 2026)[Math.floor((seed - 1) / 2) % phase.length]!;
      const install = await temporaryFolder('sgk-kill-');
      await cp(template, install, { recursive: true });
      const oldTree = hashSpec(releaseA);
      const newTree = hashSpec(releaseB);

      await killAt(install, pauseAt);

      // Right after the kill: no half-written or foreign file; each file holds its old or its new content, and
      // without a journal the folder is exactly the old or the new release.
      const afterKill = await hashTree(install);
      const foreign = Object.entries(afterKill).filter(
        ([path, hash]) => hash !== oldTree[path] && hash !== newTree[path],
      );
      const journaled = existsSync(join(install, '.sgk-patch', 'journal.json'));
      const whole = isEqual(afterKill, oldTree) || isEqual(afterKill, newTree);
      expect({ pauseAt, foreign, wholeOrJournaled: whole || journaled }).toEqual({
        pauseAt,
        foreign: [],
        wholeOrJournaled: true,
      });
      await expectRecoveredToOldOrNew(install, PREFIX, pauseAt, oldTree, newTree);

      const { output } = runUpdater(install);
      expect(await output).toContain(`DONE ${releaseIdB}`);
      expect(await hashTree(install)).toEqual(newTree);
      const state = await new PatchUpdater({
        cdnUrl: env.cdn,
        prefix: PREFIX,
        installDir: install,
      }).readState();
      expect(state?.release).toBe(releaseIdB);
      await rm(install, { recursive: true, force: true });
    },
  );
});

/** Two archives cut into ~20 chunks each; release B inserts into one and overwrites part of the other. */
const CHUNKED_PREFIX = 'crash-chunked';
const chunking = { minSize: 64 * 1024, avgSize: 256 * 1024, maxSize: 1024 * 1024 };
const worldA = seededBigBytes(31, 5 * 1024 * 1024);
const voicesA = seededBigBytes(32, 4 * 1024 * 1024);
const worldB = Buffer.concat([
  worldA.subarray(0, 2_000_000),
  seededBigBytes(33, 100_000),
  worldA.subarray(2_000_000),
]);
const voicesB = Buffer.from(voicesA);
seededBigBytes(34, 300_000).copy(voicesB, 1_500_000);
const chunkedA: TreeSpec = { 'data/world.pak': worldA, 'audio/voices.bank': voicesA, 'readme.txt': 'A' };
const chunkedB: TreeSpec = { 'data/world.pak': worldB, 'audio/voices.bank': voicesB, 'readme.txt': 'B' };

describe('killing the updater during a multi-chunk rebuild (format 2)', () => {
  let chunkedTemplate: string;
  let chunkedReleaseB: string;
  let points: string[];

  beforeAll(async () => {
    const source = await temporaryFolder('sgk-src-');
    chunkedTemplate = await temporaryFolder('sgk-template-');
    const publisher = new PatchPublisher({
      s3,
      bucket: env.bucket,
      prefix: CHUNKED_PREFIX,
      chunking,
      chunkThreshold: chunking.avgSize,
    });
    await writeTree(source, chunkedA);
    await publisher.scan(source);
    await publisher.publish();
    const chunksOfA = new Set(
      Object.values((await publisher.readPublished())?.chunked?.files.files ?? {}).flatMap((entry) =>
        chunkRefsOf(entry).map((ref) => ref[0]),
      ),
    );
    await new PatchUpdater({ cdnUrl: env.cdn, prefix: CHUNKED_PREFIX, installDir: chunkedTemplate }).update();
    await writeTree(source, chunkedB);
    await publisher.scan(source);
    const published = await publisher.publish();
    chunkedReleaseB = published.release;
    const plan = await new PatchUpdater({
      cdnUrl: env.cdn,
      prefix: CHUNKED_PREFIX,
      installDir: chunkedTemplate,
    }).check();
    const entries = plan.download.map((file) => file.chunks?.length ?? 0);
    if (Math.min(...entries.slice(0, 2)) <= 5)
      throw new Error(`archives not cut into chunks: ${entries.join()}`);
    // Chunk bytes the update downloads: only the chunks around the edits (the rest is cut from the old files).
    const missing = new Map<string, number>();
    for (const ref of plan.download.flatMap((file) => file.chunks ?? [])) {
      if (!chunksOfA.has(ref[0])) missing.set(ref[0], ref.length === 4 ? ref[2] : ref[1]);
    }
    const fetchBytes = [...missing.values()].reduce((sum, size) => sum + size, 0);
    if (fetchBytes < 100_000 || fetchBytes > worldA.length / 2) {
      throw new Error(`the update should fetch only the chunks around the edits, not ${fetchBytes} bytes`);
    }
    points = [
      ...[1, 3, 5].map((fraction) => `bytes:${Math.floor((fetchBytes * fraction) / 7)}`),
      ...plan.download.map((_, index) => `downloaded:${index}`),
      'staged',
      'journal-committed',
      ...plan.download.map((_, index) => `written:${index}`),
      'state-written',
    ];
  }, 120_000);

  it.each(Array.from({ length: 8 }, (_, index) => index))(
    'leaves release A or B, never a half-rebuilt archive, and finishes on the next run (point %i)',
    { timeout: 120_000 },
    async (index) => {
      const pauseAt = seededShuffle(points, 12)[index % points.length]!;
      const install = await temporaryFolder('sgk-kill-chunked-');
      await cp(chunkedTemplate, install, { recursive: true });
      const oldTree = hashSpec(chunkedA);
      const newTree = hashSpec(chunkedB);

      await killAt(install, pauseAt, CHUNKED_PREFIX);

      const afterKill = await hashTree(install);
      const foreign = Object.entries(afterKill).filter(
        ([path, hash]) => hash !== oldTree[path] && hash !== newTree[path],
      );
      expect({ pauseAt, foreign }).toEqual({ pauseAt, foreign: [] });
      await expectRecoveredToOldOrNew(install, CHUNKED_PREFIX, pauseAt, oldTree, newTree);

      const { output } = runUpdater(install, undefined, CHUNKED_PREFIX);
      expect(await output).toContain(`DONE ${chunkedReleaseB}`);
      expect(await hashTree(install)).toEqual(newTree);
      await rm(install, { recursive: true, force: true });
    },
  );
});
