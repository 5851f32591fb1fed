import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LocalServiceError } from './errors.js';

/** Options of {@link startS3Local}. */
export interface S3LocalOptions {
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Folder that stores the objects; default: a new temporary folder, removed by `stop()`. */
  directory?: string;
  /** Buckets to create at start. */
  buckets?: string[];
  /** Print one line per request; default false. */
  verbose?: boolean;
}

/** A running S3-compatible server, see {@link startS3Local}. */
export interface S3Local {
  /** `http://127.0.0.1:<port>`, for the `endpoint` option of `S3Client` (with `forcePathStyle: true`). */
  readonly endpoint: string;
  readonly port: number;
  /** Where the objects are stored on disk. */
  readonly directory: string;
  /** Closes the server and every open connection; removes the folder if it was a temporary one. */
  stop(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  httpServer?: Server;
  close(): Promise<void>;
  configureBuckets?: unknown;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

interface S3rverAccounts {
  registry: Map<string, unknown>;
  DUMMY_ACCOUNT: unknown;
}

const require = createRequire(import.meta.url);

async function loadS3rver(): Promise<S3rverConstructor> {
  try {
    const module = (await import('s3rver')) as { default?: S3rverConstructor } & S3rverConstructor;
    acceptAnyAccessKey();
    return module.default ?? module;
  } catch (error) {
    throw new LocalServiceError(
      'S3RVER_NOT_FOUND',
      'The local S3 server is not installed: run `npm install --save-dev s3rver`.',
      { cause: error },
    );
  }
}

/**
 * s3rver only knows the access key `S3RVER`; the local stack signs requests with whatever credentials a player
 * or a test holds (dummy keys, keys issued by the local Cognito). Like the rest of the local stack, the local S3
 * server does not authenticate: every access key maps to its one account.
 */
function acceptAnyAccessKey(): void {
  const accounts = require(
    join(dirname(require.resolve('s3rver')), 'models', 'account.js'),
  ) as S3rverAccounts;
  const { registry, DUMMY_ACCOUNT } = accounts;
  if ((registry as { acceptsAny?: boolean }).acceptsAny) return;
  const known = registry.get.bind(registry);
  registry.get = (accessKeyId: string) => known(accessKeyId) ?? DUMMY_ACCOUNT;
  (registry as { acceptsAny?: boolean }).acceptsAny = true;
}

/**
 * Starts s3rver, a pure-JavaScript S3-compatible server, on 127.0.0.1. GET (with `Range`), PUT, HEAD, DELETE,
 * ListObjectsV2, CopyObject and multipart uploads work; bucket versioning does not (use content addressing).
 *
 * Create `S3Client`s for it with {@link localClientConfig} or with these options, which the current AWS SDK
 * needs: `forcePathStyle: true` (no virtual-host buckets on 127.0.0.1), and
 * `requestChecksumCalculation: 'WHEN_REQUIRED'` / `responseChecksumValidation: 'WHEN_REQUIRED'` — with the SDK's
 * default (`WHEN_SUPPORTED`) a streamed body is sent with `aws-chunked` framing, which s3rver would store
 * verbatim, corrupting the object.
 *
 * @throws {LocalServiceError} `S3RVER_NOT_FOUND`, `START_FAILED`
 * @example
 * ```ts
 * import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
 * import { startS3Local, localClientConfig } from 'serverless-game-kit/local';
 *
 * const s3 = await startS3Local({ buckets: ['patches'] });
 * const client = new S3Client(localClientConfig(s3.endpoint));
 * await client.send(new PutObjectCommand({ Bucket: 'patches', Key: 'hello.txt', Body: 'hi' }));
 * await s3.stop();
 * ```
 */
export async function startS3Local(options: S3LocalOptions = {}): Promise<S3Local> {
  const S3rver = await loadS3rver();
  const temporary = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'sgk-s3-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: !options.verbose,
    allowMismatchedSignatures: true,
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    if (temporary) await rm(directory, { recursive: true, force: true });
    throw new LocalServiceError('START_FAILED', `The local S3 server did not start: ${String(error)}`, {
      cause: error,
    });
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    directory,
    stop: () =>
      (stopping ??= (async () => {
        server.httpServer?.closeAllConnections();
        await server.close().catch(() => undefined);
        if (temporary) await rm(directory, { recursive: true, force: true });
      })()),
  };
}
