import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, inject, vi } from 'vitest';
import { registerPatchCommand } from '../../src/cli/commands/patch.js';
import { LOCAL_CREDENTIALS } from '../../src/local/client-config.js';
import { type LocalStack, startLocalStack } from '../../src/local/stack/start-local-stack.js';
import {
  PatchPublisher,
  type PatchPublisherOptions,
  PatchUpdater,
  type PatchUpdaterOptions,
  type PublishResult,
} from '../../src/patch/index.js';
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

/** What every release of a suite is built with, unless the release says otherwise. */
export interface PatchSuiteOptions {
  /** Publisher options (`format`, `mode`, `signingKey`, …) on top of the suite's client, bucket and prefix. */
  publisher?: Partial<PatchPublisherOptions>;
  /** Updater options (`retryBaseDelayMs`, `publicKey`, …) on top of the CDN, prefix, install folder and fetch. */
  updater?: Partial<PatchUpdaterOptions>;
  /** Sets the AWS credential and region variables the `sgk` CLI reads to the local stack's. */
  cliEnvironment?: boolean;
}

/** A fresh prefix with its source and install folders (nothing published yet). */
export interface PatchFolders {
  prefix: string;
  source: string;
  install: string;
}

/** A fresh release line: folders, a publisher, an updater that records its requests, and shortcuts. */
export interface PatchRelease extends PatchFolders {
  publisher: PatchPublisher;
  updater: PatchUpdater;
  /** What `updater` fetched. */
  network: ReturnType<typeof recordingFetch>;
  /** Another publisher of the same prefix, with other options. */
  publisherWith: (extra: Partial<PatchPublisherOptions>) => PatchPublisher;
  /** Another updater of the same install (sharing `network`), with other options. */
  updaterWith: (extra: Partial<PatchUpdaterOptions>) => PatchUpdater;
  /** Writes `changes` into the source folder, scans it and publishes (with `by`, the suite's publisher by default). */
  publish: (changes?: TreeSpec, by?: PatchPublisher) => Promise<PublishResult>;
  /** Overwrites `<prefix>/<key>` in the bucket. */
  put: (key: string, body: string | Uint8Array) => Promise<unknown>;
}

/** A local stack with its own bucket for one test file, and the releases its tests make in it. */
export interface PatchSuite extends PatchStack {
  readonly s3: S3Client;
  /** A fresh prefix and folders, `initial` written into the source folder. */
  folders: (initial?: TreeSpec) => Promise<PatchFolders>;
  /** A fresh release line, `initial` written into the source folder (not published). */
  release: (
    initial?: TreeSpec,
    options?: Pick<PatchSuiteOptions, 'publisher' | 'updater'>,
  ) => Promise<PatchRelease>;
  /** Every key in the bucket under `<prefix>/`, sorted. */
  listKeys: (prefix: string) => Promise<string[]>;
  /** The `--bucket`, `--prefix` and `--endpoint` arguments of `sgk patch publish` and `rollback`. */
  bucketArgs: (prefix: string) => string[];
}

/**
 * Starts a local stack with a fresh bucket behind its CDN route in the file's `beforeAll` and stops it in
 * `afterAll`. `name` names the bucket and the prefixes (`<name>-1`, `<name>-2`, …).
 *
 * @example
 * ```ts
 * import { startPatchSuite } from './support.js';
 *
 * const env = startPatchSuite('patch-e2e', { publisher: { format: 1 }, updater: { retryBaseDelayMs: 10 } });
 * const { install, updater, publish } = await env.release({ 'a.txt': 'a' });
 * ```
 */
export function startPatchSuite(name: string, options: PatchSuiteOptions = {}): PatchSuite {
  let started: PatchStack | undefined;
  let counter = 0;
  beforeAll(async () => {
    started = await startPatchStack(name);
    if (options.cliEnvironment) {
      vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
      vi.stubEnv('AWS_REGION', 'ap-northeast-2');
    }
  });
  afterAll(async () => {
    if (options.cliEnvironment) vi.unstubAllEnvs();
    await started?.stack.stop();
  });
  const env = (): PatchStack => {
    if (!started) throw new Error('the patch suite starts in beforeAll; use it inside a test');
    return started;
  };
  const folders = async (initial: TreeSpec = {}): Promise<PatchFolders> => {
    const prefix = `${name}-${++counter}`;
    const source = await temporaryFolder('sgk-src-');
    const install = await temporaryFolder('sgk-install-');
    await writeTree(source, initial);
    return { prefix, source, install };
  };
  return {
    get stack() {
      return env().stack;
    },
    get bucket() {
      return env().bucket;
    },
    get cdn() {
      return env().cdn;
    },
    get s3() {
      return env().stack.clients.s3;
    },
    folders,
    release: async (initial = {}, overrides = {}) =>
      releaseLine(env(), await folders(initial), {
        publisher: { ...options.publisher, ...overrides.publisher },
        updater: { ...options.updater, ...overrides.updater },
      }),
    listKeys: async (prefix) => {
      const { stack, bucket } = env();
      const page = await stack.clients.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/` }),
      );
      return (page.Contents ?? []).map((object) => object.Key ?? '').sort();
    },
    bucketArgs: (prefix) => [
      '--bucket',
      env().bucket,
      '--prefix',
      prefix,
      '--endpoint',
      env().stack.endpoints.s3,
    ],
  };
}

function releaseLine(
  env: PatchStack,
  folders: PatchFolders,
  options: Required<Pick<PatchSuiteOptions, 'publisher' | 'updater'>>,
): PatchRelease {
  const { prefix, source, install } = folders;
  const s3 = env.stack.clients.s3;
  const network = recordingFetch();
  const publisherWith = (extra: Partial<PatchPublisherOptions>) =>
    new PatchPublisher({ s3, bucket: env.bucket, prefix, ...options.publisher, ...extra });
  const updaterWith = (extra: Partial<PatchUpdaterOptions>) =>
    new PatchUpdater({
      cdnUrl: env.cdn,
      prefix,
      installDir: install,
      fetch: network.fetch,
      ...options.updater,
      ...extra,
    });
  const publisher = publisherWith({});
  return {
    ...folders,
    publisher,
    updater: updaterWith({}),
    network,
    publisherWith,
    updaterWith,
    publish: async (changes = {}, by = publisher) => {
      await writeTree(source, changes);
      await by.scan(source);
      return by.publish();
    },
    put: (key, body) =>
      s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: `${prefix}/${key}`, Body: body })),
  };
}

/**
 * Runs `sgk …` on a fresh program and returns what it printed.
 *
 * @example
 * ```ts
 * import { sgk } from './support.js';
 *
 * const output = await sgk('patch', 'pull', cdnUrl, installDir);
 * ```
 */
export async function sgk(...args: string[]): Promise<string> {
  let output = '';
  const program = new Command('sgk')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerPatchCommand(program, { stdout: { write: (text: string) => (output += text) } });
  await program.parseAsync(['node', 'sgk', ...args]);
  return output;
}

/** The error `promise` rejects with, or an `Error('expected a failure')` when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
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

/**
 * A `fetch` that records every request's URL and `Range` header, and the body bytes it passed on (of the URLs
 * `counts` accepts: all by default).
 */
export function recordingFetch(counts: (url: string) => boolean = () => true): {
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
    if (!response.body || !counts(url)) return response;
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

/** Headers that describe one connection, not the answer (RFC 9110 §7.6.1), dropped by {@link getOnNewConnection}. */
const HOP_BY_HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
]);

/** A whole answer of {@link getOnNewConnection}. */
export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * GETs `url` on a connection of its own (no keep-alive) and buffers the answer without its hop-by-hop headers, for
 * test proxies in front of the
 * local stack: a reused idle socket can be closed by the server just as a request goes out ("other side closed"),
 * which would fail a proxied request the test did not mean to fail. Rejects on any other network error.
 *
 * @example
 * ```ts
 * const answer = await getOnNewConnection(`${env.cdn}/update/version.json`, { range: 'bytes=0-9' });
 * response.writeHead(answer.status, answer.headers).end(answer.body);
 * ```
 */
export function getOnNewConnection(
  url: string,
  headers: Record<string, string> = {},
): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent: false, headers }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (part: Buffer) => parts.push(part));
      answer.on('error', reject);
      answer.on('end', () => {
        const answerHeaders: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          // Hop-by-hop headers are the proxy's own business: forwarding this connection's `Connection: close`
          // would make the proxy close its connection to the client after each answer.
          if (value !== undefined && !HOP_BY_HOP_HEADERS.has(name)) answerHeaders[name] = value;
        }
        resolve({ status: answer.statusCode ?? 0, headers: answerHeaders, body: Buffer.concat(parts) });
      });
    });
    request.on('error', reject);
  });
}
