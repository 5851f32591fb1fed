import { webcrypto } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * The code each hashing thread runs (CommonJS, evaluated by `worker_threads`, so it works from the ESM and the
 * CommonJS build alike): SHA-256 of the first `length` bytes of a transferred buffer, answered with the buffer
 * transferred back for reuse.
 */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, buffer, length }) => {
  const sha256 = createHash('sha256').update(new Uint8Array(buffer, 0, length)).digest('hex');
  parentPort.postMessage({ id, sha256, buffer }, [buffer]);
});
`;

interface Reply {
  id: number;
  sha256: string;
  buffer: ArrayBuffer;
}

interface Job {
  resolve: (sha256: string) => void;
  reject: (error: Error) => void;
}

/** Options of {@link Sha256Threads}. */
export interface Sha256ThreadsOptions {
  /** Threads at most (default: the machine's cores minus the one the caller's thread uses, 1 to 4). */
  maxThreads?: number;
  /** An idle thread ends after this many milliseconds (default 10 s). */
  idleMs?: number;
}

/** Copy buffers kept for reuse: a fresh large buffer costs page faults on every use. */
const SPARE_BUFFERS = 4;

/** Copy buffers are allocated in multiples of this, so chunks of slightly different sizes share them. */
const BUFFER_GRANULE = 1024 * 1024;

/** One hashing thread and the jobs it has not answered yet. */
class HashThread {
  readonly jobs = new Map<number, Job>();
  idleSince = 0;
  private nextId = 0;

  constructor(
    readonly worker: Worker,
    private readonly recycle: (buffer: ArrayBuffer) => void,
    private readonly ended: (thread: HashThread) => void,
  ) {
    worker.on('message', (reply: Reply) => this.answer(reply));
    worker.on('error', (error: Error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`The SHA-256 thread stopped (exit code ${code}).`)));
    worker.unref();
  }

  digest(buffer: ArrayBuffer, length: number): Promise<string> {
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      if (this.jobs.size === 1) this.worker.ref();
      this.worker.postMessage({ id, buffer, length }, [buffer]);
    });
  }

  private answer(reply: Reply): void {
    const job = this.jobs.get(reply.id);
    this.jobs.delete(reply.id);
    this.recycle(reply.buffer);
    if (this.jobs.size === 0) {
      this.idleSince = Date.now();
      this.worker.unref();
    }
    job?.resolve(reply.sha256);
  }

  private fail(error: Error): void {
    this.ended(this);
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) job.reject(error);
  }
}

/**
 * SHA-256 digests on a few long-lived worker threads, so a caller that has other work (the gear hash of the next
 * chunk) keeps its own core for it. The bytes are copied into a reused buffer and moved, not copied, to the
 * thread and back: cheaper than `crypto.subtle.digest`, which copies into fresh memory for every call.
 *
 * Jobs go to the least busy thread; a new thread starts only when every thread is busy. Threads never keep the
 * process alive while idle and end after `idleMs` without work. Where threads cannot start, the digests run on
 * libuv's thread pool instead.
 *
 * @example
 * ```ts
 * const threads = new Sha256Threads({ maxThreads: 1 });
 * const sha256 = await threads.digest(new TextEncoder().encode('chunk'));
 * ```
 */
export class Sha256Threads {
  private readonly threads: HashThread[] = [];
  private readonly spare: ArrayBuffer[] = [];
  private readonly maxThreads: number;
  private readonly idleMs: number;
  private idleTimer: ReturnType<typeof setInterval> | undefined;
  private unavailable = false;

  constructor(options: Sha256ThreadsOptions = {}) {
    this.maxThreads = options.maxThreads ?? Math.min(4, Math.max(1, availableParallelism() - 1));
    this.idleMs = options.idleMs ?? 10_000;
  }

  /** Lower-case hex SHA-256 of `bytes`; the caller may reuse `bytes` as soon as this returns its promise. */
  digest(bytes: Uint8Array): Promise<string> {
    const thread = this.unavailable ? undefined : this.pickThread();
    if (!thread) return subtleDigest(bytes);
    const buffer = this.takeBuffer(bytes.length);
    new Uint8Array(buffer, 0, bytes.length).set(bytes);
    return thread.digest(buffer, bytes.length);
  }

  /** Threads running now (for tests and diagnostics). */
  get threadCount(): number {
    return this.threads.length;
  }

  /** Ends every thread; digests still running reject. */
  async close(): Promise<void> {
    this.stopIdleTimer();
    await Promise.all(this.threads.splice(0).map((thread) => thread.worker.terminate()));
  }

  private pickThread(): HashThread | undefined {
    let best: HashThread | undefined;
    for (const thread of this.threads) if (!best || thread.jobs.size < best.jobs.size) best = thread;
    if (best && (best.jobs.size === 0 || this.threads.length >= this.maxThreads)) return best;
    return this.startThread() ?? best;
  }

  private startThread(): HashThread | undefined {
    let worker: Worker;
    try {
      // No inherited flags: `--input-type=module` in the caller's flags would make the script a module.
      worker = new Worker(THREAD_SOURCE, { eval: true, execArgv: [] });
    } catch {
      this.unavailable = true;
      return undefined;
    }
    const thread = new HashThread(
      worker,
      (buffer) => this.keepBuffer(buffer),
      (ended) => this.forget(ended),
    );
    this.threads.push(thread);
    this.startIdleTimer();
    return thread;
  }

  private forget(thread: HashThread): void {
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
    if (this.threads.length === 0) this.stopIdleTimer();
  }

  private takeBuffer(length: number): ArrayBuffer {
    const index = this.spare.findIndex((buffer) => buffer.byteLength >= length);
    if (index >= 0) return this.spare.splice(index, 1)[0] as ArrayBuffer;
    return new ArrayBuffer(Math.max(BUFFER_GRANULE, Math.ceil(length / BUFFER_GRANULE) * BUFFER_GRANULE));
  }

  private keepBuffer(buffer: ArrayBuffer): void {
    if (this.spare.length < SPARE_BUFFERS) this.spare.push(buffer);
  }

  private startIdleTimer(): void {
    if (this.idleTimer) return;
    this.idleTimer = setInterval(() => this.endIdleThreads(), Math.max(10, this.idleMs / 2));
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
  }

  private endIdleThreads(): void {
    const now = Date.now();
    for (const thread of [...this.threads]) {
      if (thread.jobs.size === 0 && now - thread.idleSince >= this.idleMs) {
        this.forget(thread);
        void thread.worker.terminate();
      }
    }
    if (this.threads.length === 0) this.spare.length = 0;
  }
}

async function subtleDigest(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}
