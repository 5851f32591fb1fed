/**
 * Hosts the built browser demo the way a deployment does: its files in the CDN bucket under `web/`, each with
 * its `Content-Type` and `Cache-Control` (the CDN route copies both from the object), plus `web/config.json`
 * with the endpoints. The page is then at `<cdn>/web/index.html`, on the same origin as the HTTP API.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { LOCAL_GAME, gameClientConfig } from '../../src/local/game-stack.js';
import type { LocalStack } from '../../src/local/stack/start-local-stack.js';
import type { WebDemoBuild } from '../web/build.js';
import { DEV_KAKAO_TOKEN_ROUTE } from './dev-kakao-login.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The `Content-Type` to store a file of the page with.
 *
 * @example
 * ```ts
 * contentTypeOf('assets/index-abc.js'); // 'text/javascript; charset=utf-8'
 * ```
 */
export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * `Cache-Control` of a file of the page: Vite's hashed assets never change; everything else is revalidated.
 *
 * @example
 * ```ts
 * cacheControlOf('index.html'); // 'no-cache'
 * ```
 */
export function cacheControlOf(path: string): string {
  return path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** Where the hosted page is. */
export interface HostedWebDemo {
  /** `http://127.0.0.1:<port>/cdn/web/index.html` */
  url: string;
  /** The `config.json` the page reads. */
  config: Record<string, unknown>;
  /** Object keys written. */
  keys: string[];
}

/**
 * Uploads a build of the page and its `config.json` to the CDN bucket.
 *
 * @param options.prefix - Folder in the bucket; default `web` (tests use their own).
 * @example
 * ```ts
 * const { url } = await hostWebDemo(stack, await buildWebDemo());
 * ```
 */
export async function hostWebDemo(
  stack: LocalStack,
  build: WebDemoBuild,
  options: { prefix?: string } = {},
): Promise<HostedWebDemo> {
  const cdn = stack.endpoints.cdn;
  if (!cdn) throw new Error('The stack has no CDN route.');
  const prefix = (options.prefix ?? 'web').replace(/^\/+|\/+$/g, '');
  const config = {
    ...gameClientConfig(stack),
    // The local demo's stand-in for Kakao's JavaScript login (see dev-kakao-login.ts).
    localKakaoTokenUrl: `${stack.endpoints.http}${DEV_KAKAO_TOKEN_ROUTE.split(' ')[1] ?? ''}`,
  };
  const put = (key: string, body: Uint8Array | string, path: string): Promise<unknown> =>
    stack.clients.s3.send(
      new PutObjectCommand({
        Bucket: LOCAL_GAME.cdnBucket,
        Key: key,
        Body: body,
        ContentType: contentTypeOf(path),
        CacheControl: cacheControlOf(path),
      }),
    );

  const keys: string[] = [];
  for (const file of build.files) {
    const key = `${prefix}/${file}`;
    await put(key, await readFile(join(build.dir, file)), file);
    keys.push(key);
  }
  await put(`${prefix}/config.json`, `${JSON.stringify(config, null, 2)}\n`, 'config.json');
  keys.push(`${prefix}/config.json`);
  return { url: `${cdn}/${prefix}/index.html`, config, keys };
}
