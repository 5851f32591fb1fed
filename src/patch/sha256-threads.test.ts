import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Sha256Threads } from './sha256-threads.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function bytesOf(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index * 31 + seed) & 255);
}

describe('Sha256Threads', () => {
  let threads: Sha256Threads | undefined;
  afterEach(async () => {
    await threads?.close();
    threads = undefined;
  });

  it('hashes 0-byte, 1-byte and multi-MiB inputs, and the caller may reuse its bytes at once', async () => {
    threads = new Sha256Threads({ maxThreads: 1 });
    const inputs = [0, 1, 1024 * 1024, 1024 * 1024 + 1, 5 * 1024 * 1024 + 3].map((length, seed) =>
      bytesOf(length, seed),
    );
    const expected = inputs.map(sha256);

    const pending = inputs.map((input) => threads!.digest(input));
    for (const input of inputs) input.fill(0);

    await expect(Promise.all(pending)).resolves.toEqual(expected);
  });

  it('spreads concurrent digests over at most maxThreads threads and keeps every answer with its input', async () => {
    threads = new Sha256Threads({ maxThreads: 2 });
    const inputs = Array.from({ length: 40 }, (_, seed) => bytesOf(64 * 1024 + seed, seed));

    const digests = await Promise.all(inputs.map((input) => threads!.digest(input)));

    expect(digests).toEqual(inputs.map(sha256));
    expect(threads.threadCount).toBeGreaterThanOrEqual(1);
    expect(threads.threadCount).toBeLessThanOrEqual(2);
  });

  it('rejects the digests of a thread that stops, and starts a new thread for the next one', async () => {
    threads = new Sha256Threads({ maxThreads: 1 });
    const pending = threads.digest(bytesOf(8 * 1024 * 1024, 1));
    await threads.close();

    await expect(pending).rejects.toThrow(/SHA-256 thread stopped/);
    const input = bytesOf(100, 2);
    await expect(threads.digest(input)).resolves.toBe(sha256(input));
  });

  it('ends idle threads', async () => {
    threads = new Sha256Threads({ maxThreads: 1, idleMs: 20 });
    await threads.digest(bytesOf(10, 3));
    expect(threads.threadCount).toBe(1);

    await vi.waitFor(() => expect(threads!.threadCount).toBe(0), { timeout: 5_000, interval: 10 });
  });

  it('keeps the process alive while a digest runs, and never once idle', async () => {
    // A script whose only work is a digest: it must print the hash (the thread kept the process alive) and
    // then exit by itself although the idle thread would live 10 minutes.
    const script = `
      import { Sha256Threads } from './src/patch/sha256-threads.ts';
      const threads = new Sha256Threads({ idleMs: 600000 });
      console.log(await threads.digest(new TextEncoder().encode('chunk')));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 60_000 },
    );

    expect(stdout.trim()).toBe(sha256(new TextEncoder().encode('chunk')));
  });
});
