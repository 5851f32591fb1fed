import fc from 'fast-check';
import { isDeepStrictEqual as isEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  type PatchFileSystem,
  PatchPublisher,
  PatchUpdater,
  isPatchError,
  nodeFileSystem,
} from '../../src/patch/index.js';
import {
  type TreeSpec,
  hashSpec,
  hashTree,
  seededBigBytes,
  startPatchSuite,
  temporaryFolder,
  writeTree,
} from './support.js';

const SEED = 20261130;
const RUNS = 8;
const chunking = { minSize: 4096, avgSize: 16384, maxSize: 65536 };

const env = startPatchSuite('patch-chunk-prop');
let counter = 0;
/** Faults that fired, and updates they made fail: the property must not pass without any. */
const stats = { injected: 0, failedUpdates: 0 };

/** Sizes real data has at the chunker's edges: empty, 1 byte, around min/avg/max, and several chunks. */
const sizeArb = fc.constantFrom(0, 1, 4095, 4096, 4097, 16383, 16384, 16385, 65535, 65536, 65537, 200_000);
const editArb = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'overwrite'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.constantFrom(1, 100, 5000, 40_000),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});
const fileArb = fc.record({
  size: sizeArb,
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  edit: fc.option(editArb),
});
const faultArb = fc.option(
  fc.record({
    operation: fc.constantFrom('rename', 'mkdir', 'unlink', 'writeFileSynced', 'copyFile'),
    nth: fc.integer({ min: 1, max: 4 }),
    code: fc.constantFrom('EACCES', 'ENOSPC', 'EIO', 'EPERM'),
  }),
  { freq: 2 },
);
const caseArb = fc.record({
  files: fc.array(fileArb, { minLength: 1, maxLength: 4 }),
  forward: faultArb,
  back: faultArb,
});

type Edit = { kind: string; at: number; length: number; seed: number };
type Fault = { operation: string; nth: number; code: string };

function applyEdit(original: Buffer, edit: Edit): Buffer {
  const at = Math.floor(edit.at * original.length);
  const bytes = seededBigBytes(edit.seed, edit.length);
  if (edit.kind === 'insert') return Buffer.concat([original.subarray(0, at), bytes, original.subarray(at)]);
  if (edit.kind === 'delete')
    return Buffer.concat([original.subarray(0, at), original.subarray(at + edit.length)]);
  const copy = Buffer.from(original);
  bytes.copy(copy, at, 0, Math.max(0, Math.min(bytes.length, copy.length - at)));
  return copy;
}

/** `nodeFileSystem` whose nth call of one operation fails with a Node-style error. */
function faulty(fault: Fault | null): PatchFileSystem {
  if (!fault) return nodeFileSystem;
  let calls = 0;
  const wrapped: Record<string, unknown> = { ...nodeFileSystem };
  const original = nodeFileSystem[fault.operation as keyof PatchFileSystem] as (
    ...args: unknown[]
  ) => Promise<unknown>;
  wrapped[fault.operation] = async (...args: unknown[]) => {
    calls += 1;
    if (calls === fault.nth) {
      stats.injected += 1;
      throw Object.assign(new Error(`${fault.code}: injected`), { code: fault.code });
    }
    return original(...args);
  };
  return wrapped as unknown as PatchFileSystem;
}

async function updateWithFault(prefix: string, install: string, fault: Fault | null): Promise<void> {
  const updater = new PatchUpdater({
    cdnUrl: env.cdn,
    prefix,
    installDir: install,
    fileSystem: faulty(fault),
  });
  await updater.update().catch((error: unknown) => {
    if (!isPatchError(error)) throw error;
    stats.failedUpdates += 1;
  });
}

describe('chunked updates under injected faults (seeded property test)', () => {
  it(
    'ends with exactly release A or B after A→B and B→A, and the next clean run installs the target',
    { timeout: 600_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async ({ files, forward, back }) => {
          const prefix = `prop-${++counter}`;
          const releaseA: TreeSpec = {};
          const releaseB: TreeSpec = {};
          files.forEach((file, index) => {
            const content = seededBigBytes(file.seed, file.size);
            releaseA[`f${index}.bin`] = content;
            releaseB[`f${index}.bin`] = file.edit ? applyEdit(content, file.edit) : content;
          });
          releaseB['changed.txt'] = `B ${prefix}`;
          const source = await temporaryFolder('sgk-src-');
          const install = await temporaryFolder('sgk-install-');
          const publisher = new PatchPublisher({
            s3Client: env.s3,
            bucket: env.bucket,
            prefix,
            chunking,
            chunkThreshold: chunking.avgSize,
          });
          await writeTree(source, releaseA);
          await publisher.scan(source);
          const a = await publisher.publish();
          await new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install }).update();
          await writeTree(source, releaseB);
          await publisher.scan(source);
          await publisher.publish();
          const treeA = hashSpec(releaseA);
          const treeB = hashSpec(releaseB);

          await updateWithFault(prefix, install, forward);
          const afterForward = await hashTree(install);
          expect(isEqual(afterForward, treeA) || isEqual(afterForward, treeB)).toBe(true);
          await new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install }).update();
          expect(await hashTree(install)).toEqual(treeB);

          await publisher.rollback(a.release);
          await updateWithFault(prefix, install, back);
          const afterBack = await hashTree(install);
          expect(isEqual(afterBack, treeA) || isEqual(afterBack, treeB)).toBe(true);
          await new PatchUpdater({ cdnUrl: env.cdn, prefix, installDir: install }).update();
          expect(await hashTree(install)).toEqual(treeA);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      expect(stats.injected).toBeGreaterThan(0);
      expect(stats.failedUpdates).toBeGreaterThan(0);
    },
  );
});
