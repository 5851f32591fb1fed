import type { S3Client } from '@aws-sdk/client-s3';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/local/stack/start-local-stack.js';
import { STATE_DIR_NAME } from '../../src/patch/paths.js';
import { uniqueName } from '../support/aws.js';

/** A local stack with one bucket served by its CDN route, as the patch tests use it. */
export interface PatchStack {
  stack: LocalStack;
  bucket: string;
  /** `stack.endpoints.cdn`: serves the bucket's keys at `<cdn>/<key>`. */
  cdn: string;
}

/** Starts the local stack (reusing the run's S3 server) with a fresh bucket behind the CDN route. */
export async function startPatchStack(prefix = 'patch'): Promise<PatchStack> {
  const bucket = uniqueName(prefix);
  const stack = await startLocalStack({
    buckets: [bucket],
    http: { cdn: { bucket } },
    services: { dynamodbEndpoint: inject('dynamodbEndpoint'), s3Endpoint: inject('s3Endpoint') },
    log: () => {},
  });
  const cdn = stack.endpoints.cdn;
  if (!cdn) throw new Error('the local stack did not start its CDN route');
  return { stack, bucket, cdn };
}

/** A new empty temporary folder. */
export function temporaryFolder(name = 'sgk-patch-'): Promise<string> {
  return mkdtemp(join(tmpdir(), name));
}

/** Path → content: a string, bytes, or `null` to delete the file. */
export type TreeSpec = Record<string, string | Uint8Array | null>;

/** Writes (or deletes) files under `root`. */
export async function writeTree(root: string, files: TreeSpec): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, ...path.split('/'));
    if (content === null) {
      await rm(target, { force: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Path (POSIX, as on disk) → SHA-256 of every file under `root`, leaving out the `.sgk-patch` folder. */
export async function hashTree(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (path === STATE_DIR_NAME) continue;
      if (entry.isDirectory()) await walk(path);
      else
        result[path] = createHash('sha256')
          .update(await readFile(join(root, path)))
          .digest('hex');
    }
  };
  await walk('');
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** SHA-256 of each file of a tree spec (deleted files left out). */
export function hashSpec(files: TreeSpec): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [path, content] of Object.entries(files)) {
    if (content !== null) result[path] = createHash('sha256').update(content).digest('hex');
  }
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Deterministic pseudo-random bytes (for file contents that differ per seed). */
export function seededBytes(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

/** A `fetch` that records every request's URL and `Range` header, and the body bytes it passed on. */
export function recordingFetch(): {
  fetch: typeof fetch;
  requests: Array<{ url: string; range: string | null }>;
  bodyBytes: () => number;
} {
  const requests: Array<{ url: string; range: string | null }> = [];
  let bytes = 0;
  const recorder = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    requests.push({ url, range: new Headers(init?.headers).get('range') });
    const response = await fetch(input, init);
    if (!response.body) return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return { fetch: recorder, requests, bodyBytes: () => bytes };
}

/** Counts the S3 commands a client sends (name → calls, and PutObject/UploadPart body bytes). */
export function countS3Commands(client: S3Client): {
  calls: Record<string, number>;
  uploadedBytes: () => number;
  reset: () => void;
} {
  const calls: Record<string, number> = {};
  let bytes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      calls[name] = (calls[name] ?? 0) + 1;
      if (name === 'PutObjectCommand' || name === 'UploadPartCommand') {
        const input = args.input as { ContentLength?: unknown; Body?: unknown };
        bytes +=
          typeof input.ContentLength === 'number'
            ? input.ContentLength
            : input.Body instanceof Uint8Array
              ? input.Body.length
              : 0;
      }
      return next(args);
    },
    { step: 'initialize', name: `countCommands${++counters}` },
  );
  return {
    calls,
    uploadedBytes: () => bytes,
    reset: () => {
      for (const key of Object.keys(calls)) delete calls[key];
      bytes = 0;
    },
  };
}

let counters = 0;

/**
 * Deterministic pseudo-random bytes at memory speed (AES-128-CTR of zeros keyed by the seed): for the tens of
 * MiB the chunking tests need.
 */
export function seededBigBytes(seed: number, length: number): Buffer {
  const key = createHash('sha256').update(`seed-${seed}`).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length));
}
