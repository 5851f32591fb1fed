import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ChunkingParameters, chunkBytes, chunkFile, nextCut } from './chunker.js';

/** Deterministic pseudo-random bytes, four at a time (fast enough for tens of MiB). */
function seeded(seed: number, length: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  let state = seed >>> 0 || 1;
  for (let index = 0; index < words.length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[index] = state >>> 0;
  }
  return new Uint8Array(words.buffer, 0, length);
}

const SMALL: ChunkingParameters = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };

function newBytes(before: Array<{ sha256: string }>, after: Array<{ sha256: string; size: number }>): number {
  const known = new Set(before.map((chunk) => chunk.sha256));
  return after.filter((chunk) => !known.has(chunk.sha256)).reduce((sum, chunk) => sum + chunk.size, 0);
}

function fixedBlocks(data: Uint8Array, size: number): Array<{ sha256: string; size: number }> {
  const blocks: Array<{ sha256: string; size: number }> = [];
  for (let offset = 0; offset < data.length; offset += size) {
    const block = data.subarray(offset, offset + size);
    blocks.push({ sha256: Buffer.from(block).toString('base64'), size: block.length });
  }
  return blocks;
}

describe('content-defined chunking', () => {
  it('cuts within min/max, covers every byte, and is deterministic', () => {
    const data = seeded(1, 8 * 1024 * 1024);
    const chunks = chunkBytes(data, SMALL);
    let offset = 0;
    for (const chunk of chunks) {
      expect(chunk.offset).toBe(offset);
      offset += chunk.size;
    }
    expect(Math.max(...chunks.map((chunk) => chunk.size))).toBeLessThanOrEqual(SMALL.maxSize);
    expect(Math.min(...chunks.slice(0, -1).map((chunk) => chunk.size))).toBeGreaterThanOrEqual(SMALL.minSize);
    expect(offset).toBe(data.length);
    const mean = data.length / chunks.length;
    expect(mean).toBeGreaterThan(SMALL.avgSize / 2);
    expect(mean).toBeLessThan(SMALL.avgSize * 2);
    expect(chunkBytes(data, SMALL)).toEqual(chunks);
  });

  it('handles empty, 1-byte and exactly-min inputs', () => {
    expect(chunkBytes(new Uint8Array(0), SMALL)).toEqual([]);
    expect(chunkBytes(new Uint8Array([7]), SMALL)).toHaveLength(1);
    expect(chunkBytes(seeded(2, SMALL.minSize), SMALL)).toHaveLength(1);
  });

  it('costs only the chunks around an insertion, where fixed-size blocks lose everything after it', () => {
    const original = seeded(3, 8 * 1024 * 1024);
    const inserted = seeded(4, 4096);
    const middle = 3 * 1024 * 1024 + 12345;
    const edited = new Uint8Array(original.length + inserted.length);
    edited.set(original.subarray(0, middle), 0);
    edited.set(inserted, middle);
    edited.set(original.subarray(middle), middle + inserted.length);

    const cdc = newBytes(chunkBytes(original, SMALL), chunkBytes(edited, SMALL));
    expect(cdc).toBeLessThanOrEqual(2 * SMALL.maxSize + inserted.length);
    const fixed = newBytes(fixedBlocks(original, SMALL.avgSize), fixedBlocks(edited, SMALL.avgSize));
    expect(fixed).toBeGreaterThan(edited.length - middle - SMALL.avgSize);
  });

  it('costs only the chunks around a deletion and an overwrite', () => {
    const original = seeded(5, 8 * 1024 * 1024);
    const deleted = new Uint8Array(original.length - 10_000);
    deleted.set(original.subarray(0, 2_000_000), 0);
    deleted.set(original.subarray(2_010_000), 2_000_000);
    expect(newBytes(chunkBytes(original, SMALL), chunkBytes(deleted, SMALL))).toBeLessThanOrEqual(
      2 * SMALL.maxSize,
    );
    const overwritten = Uint8Array.from(original);
    overwritten.set(seeded(6, 100_000), 5_000_000);
    expect(newBytes(chunkBytes(original, SMALL), chunkBytes(overwritten, SMALL))).toBeLessThanOrEqual(
      100_000 + 2 * SMALL.maxSize,
    );
  });

  it('refuses impossible sizes with INVALID_OPTIONS', () => {
    expect(() => chunkBytes(new Uint8Array(1), { minSize: 10, avgSize: 5, maxSize: 20 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }),
    );
  });
});

/** The plain byte-by-byte FastCDC loop the chunker must agree with (the documented definition of a cut). */
function referenceCut(data: Uint8Array, start: number, end: number, parameters: ChunkingParameters): number {
  const available = end - start;
  if (available <= parameters.minSize) return available;
  const limit = Math.min(available, parameters.maxSize);
  const normal = Math.min(limit, parameters.avgSize);
  const bits = Math.round(Math.log2(parameters.avgSize));
  const mask = (n: number): number => (0xffffffff << (32 - Math.max(1, Math.min(31, n)))) | 0;
  let hash = 0;
  for (let index = start + parameters.minSize; index < start + limit; index++) {
    hash = ((hash << 1) + (GEAR_FOR_TESTS[data[index] as number] as number)) | 0;
    const strict = index < start + normal;
    if ((hash & mask(strict ? bits + 2 : bits - 2)) === 0) return index - start + 1;
  }
  return limit;
}

const GEAR_FOR_TESTS = Int32Array.from({ length: 256 }, (_, index) =>
  createHash('sha256').update(`sgk-gear-${index}`).digest().readInt32LE(0),
);

describe('cut points', () => {
  it('are exactly those of the byte-by-byte FastCDC loop, for any data, sizes, start and alignment (seeded)', () => {
    const parametersArb = fc
      .tuple(
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 0, max: 4096 }),
        fc.integer({ min: 0, max: 8192 }),
      )
      .map(([minSize, extraAvg, extraMax]) => ({
        minSize,
        avgSize: minSize + extraAvg,
        maxSize: minSize + extraAvg + extraMax,
      }));
    fc.assert(
      fc.property(
        parametersArb,
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 0, max: 7 }),
        (parameters, length, seed, start, byteOffset) => {
          // Low-entropy data as well: long zero runs make the gear hash hit (or miss) the masks in bursts.
          const bytes = seed % 3 === 0 ? seeded(seed, length).map((byte) => byte & 3) : seeded(seed, length);
          // A view that starts anywhere in its buffer, and an end before the end of the data: the cutter reads
          // aligned 32-bit words where it can, and must never look at a byte outside [start, end).
          const data = new Uint8Array(new ArrayBuffer(byteOffset + length + 8), byteOffset, length);
          data.set(bytes);
          const from = Math.min(start, data.length);
          const end = Math.max(from, data.length - (seed % 8));
          expect(nextCut(data, from, end, parameters)).toBe(referenceCut(data, from, end, parameters));
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });

  it('are exact at every word boundary: tiny sizes, short data, every start and end (seeded)', () => {
    // With chunks of a few bytes the masks hit often, so a byte read outside [start, end) or twice shows.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 3 }),
        (minSize, extraAvg, extraMax, seed, byteOffset) => {
          const parameters = { minSize, avgSize: minSize + extraAvg, maxSize: minSize + extraAvg + extraMax };
          const data = new Uint8Array(new ArrayBuffer(byteOffset + 72), byteOffset, 64);
          data.set(seeded(seed, 64));
          for (let start = 0; start < 24; start++) {
            for (let end = start; end <= 64; end += 1 + (seed % 3)) {
              expect(nextCut(data, start, end, parameters)).toBe(referenceCut(data, start, end, parameters));
            }
          }
        },
      ),
      { seed: 13, numRuns: 400 },
    );
  });
});

describe('chunkFile', () => {
  it.each([0, 1, SMALL.minSize, SMALL.maxSize - 1, SMALL.maxSize + 1, 3 * 1024 * 1024 + 7])(
    'finds the chunks and hashes of chunkBytes for a %i-byte file',
    async (size) => {
      const folder = await mkdtemp(join(tmpdir(), 'sgk-chunker-'));
      try {
        const data = seeded(size + 11, size);
        await writeFile(join(folder, 'f'), data);

        const result = await chunkFile(join(folder, 'f'), { parameters: SMALL, wholeFileHash: true });

        expect(result).toEqual({
          size,
          chunks: chunkBytes(data, SMALL),
          sha256: createHash('sha256').update(data).digest('hex'),
        });
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  );

  it('stops with ABORTED and leaves no digest running', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sgk-chunker-'));
    try {
      await writeFile(join(folder, 'f'), seeded(9, 2 * 1024 * 1024));
      const controller = new AbortController();
      let chunks = 0;

      const error = await chunkFile(join(folder, 'f'), {
        parameters: { minSize: 1024, avgSize: 2048, maxSize: 4096 },
        signal: controller.signal,
        onBytes: () => {
          chunks += 1;
          if (chunks === 3) controller.abort();
        },
      }).catch((caught: unknown) => caught);

      expect(error).toMatchObject({ code: 'ABORTED' });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
