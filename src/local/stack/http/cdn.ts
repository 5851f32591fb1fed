import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { IncomingHttpHeaders } from 'node:http';
import { validateHeaderValue } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { parseRange, resolveSuffix } from './range.js';

/**
 * Where the CDN route is mounted, normalized: `'/cdn'` by default, a leading slash, never a trailing one.
 *
 * @example
 * ```ts
 * normalizeCdnPrefix('static/'); // '/static'
 * ```
 */
export function normalizeCdnPrefix(pathPrefix: string | undefined): string {
  const trimmed = (pathPrefix ?? '/cdn').trim().replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * The object key a CDN request asks for: `undefined` when the path is not under the prefix (or names no key),
 * `null` when the key is invalid — a broken percent-escape, or a NUL or other control character once decoded
 * (the gateway answers 400). Each segment is URL-decoded, so keys with spaces or Korean characters work.
 *
 * @example
 * ```ts
 * cdnKey('/cdn', '/cdn/patches/%ED%8C%A8%EC%B9%98.bin'); // 'patches/패치.bin'
 * cdnKey('/cdn', '/cdn/%00'); // null
 * ```
 */
export function cdnKey(prefix: string, encodedPath: string): string | undefined | null {
  if (!encodedPath.startsWith(`${prefix}/`)) return undefined;
  const segments: string[] = [];
  for (const segment of encodedPath.slice(prefix.length + 1).split('/')) {
    try {
      segments.push(decodeURIComponent(segment));
    } catch {
      return null;
    }
  }
  const key = segments.join('/');
  if (key === '') return undefined;
  return /[\u0000-\u001f\u007f-\u009f]/.test(key) ? null : key;
}

/** What the CDN answers: status, headers, and the body stream for a `GET` with content. */
export interface CdnResponse {
  readonly statusCode: number;
  readonly headers: Map<string, string[]>;
  readonly body?: Readable;
  /** Set when the gateway should answer with its JSON error body instead. */
  readonly errorMessage?: string;
}

/** One request to the CDN route. */
export interface CdnRequest {
  readonly s3Client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly method: 'GET' | 'HEAD';
  readonly headers: IncomingHttpHeaders;
  readonly versionId?: string;
  readonly signal: AbortSignal;
}

type ObjectMetadata = Pick<
  HeadObjectCommandOutput,
  | 'ContentType'
  | 'ContentLength'
  | 'ETag'
  | 'LastModified'
  | 'CacheControl'
  | 'ContentEncoding'
  | 'ContentDisposition'
  | 'ContentLanguage'
  | 'ContentRange'
  | 'ExpiresString'
  | 'Expires'
  | 'Metadata'
  | 'VersionId'
>;

function setHeader(headers: Map<string, string[]>, name: string, value: string | number | undefined): void {
  if (value === undefined || value === '') return;
  const text = String(value);
  try {
    validateHeaderValue(name, text);
  } catch {
    return;
  }
  headers.set(name, [text]);
}

/** The validators and caching headers, shared by 200, 206 and 304 answers. */
function cachingHeaders(object: ObjectMetadata): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  setHeader(headers, 'etag', object.ETag);
  setHeader(headers, 'last-modified', object.LastModified?.toUTCString());
  setHeader(headers, 'cache-control', object.CacheControl);
  setHeader(headers, 'expires', object.ExpiresString ?? object.Expires?.toUTCString());
  if (object.VersionId && object.VersionId !== 'null')
    setHeader(headers, 'x-amz-version-id', object.VersionId);
  return headers;
}

function contentHeaders(object: ObjectMetadata): Map<string, string[]> {
  const headers = cachingHeaders(object);
  setHeader(headers, 'content-type', object.ContentType ?? 'application/octet-stream');
  setHeader(headers, 'content-length', object.ContentLength);
  setHeader(headers, 'content-range', object.ContentRange);
  setHeader(headers, 'content-encoding', object.ContentEncoding);
  setHeader(headers, 'content-disposition', object.ContentDisposition);
  setHeader(headers, 'content-language', object.ContentLanguage);
  setHeader(headers, 'accept-ranges', 'bytes');
  for (const [name, value] of Object.entries(object.Metadata ?? {}))
    setHeader(headers, `x-amz-meta-${name.toLowerCase()}`, value);
  return headers;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function opaqueTag(tag: string): string {
  return tag.trim().replace(/^W\//, '');
}

/** RFC 9110 §13.1.2/§13.1.3: `If-None-Match` (weak comparison) wins; `If-Modified-Since` only without it. */
function isNotModified(object: ObjectMetadata, headers: IncomingHttpHeaders): boolean {
  const ifNoneMatch = first(headers['if-none-match']);
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true;
    const etag = object.ETag ? opaqueTag(object.ETag) : undefined;
    return etag !== undefined && ifNoneMatch.split(',').some((tag) => opaqueTag(tag) === etag);
  }
  const ifModifiedSince = first(headers['if-modified-since']);
  if (ifModifiedSince !== undefined && object.LastModified) {
    const since = Date.parse(ifModifiedSince);
    if (Number.isNaN(since)) return false;
    return Math.floor(object.LastModified.getTime() / 1000) <= Math.floor(since / 1000);
  }
  return false;
}

function statusOf(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

function toReadable(body: GetObjectCommandOutput['Body']): Readable | undefined {
  if (body === undefined) return undefined;
  if (body instanceof Readable) return body;
  const web = body as { transformToWebStream?: () => ReadableStream<Uint8Array> };
  if (typeof web.transformToWebStream === 'function') {
    return Readable.fromWeb(web.transformToWebStream() as NodeReadableStream<Uint8Array>);
  }
  return undefined;
}

function errorResponse(
  statusCode: number,
  message: string,
  headers = new Map<string, string[]>(),
): CdnResponse {
  return { statusCode, headers, errorMessage: message };
}

/**
 * Serves one object of the CDN bucket like CloudFront in front of S3: `GET` streams the body (never buffered),
 * `HEAD` answers headers only; `Range` gives 206 with `content-range` (416 when unsatisfiable), `If-None-Match`
 * and `If-Modified-Since` give 304; `ETag`, `Last-Modified`, `Content-Type`, `Content-Length`, `Cache-Control`
 * come from the object; `versionId` is passed on as `VersionId`. A missing object is 404. Rejects only when
 * `signal` aborts.
 *
 * @example
 * ```ts
 * const response = await fetchCdnObject({ s3Client, bucket: 'patches', key: 'v2/game.pak', method: 'GET',
 *   headers: req.headers, signal: controller.signal });
 * ```
 */
export async function fetchCdnObject(request: CdnRequest): Promise<CdnResponse> {
  const { s3Client, bucket, key, method, headers, versionId, signal } = request;
  const target = { Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) };
  const range = parseRange(first(headers.range));
  const conditional = headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined;

  try {
    let rangeHeader: string | undefined;
    if (conditional || range?.kind === 'suffix') {
      const head = await s3Client.send(new HeadObjectCommand(target), { abortSignal: signal });
      if (conditional && isNotModified(head, headers))
        return { statusCode: 304, headers: cachingHeaders(head) };
      if (range?.kind === 'suffix') {
        rangeHeader = resolveSuffix(range, head.ContentLength ?? 0);
        if (rangeHeader === undefined) {
          return errorResponse(
            416,
            'Requested Range Not Satisfiable',
            new Map([['content-range', [`bytes */${head.ContentLength ?? 0}`]]]),
          );
        }
      }
    }
    if (range?.kind === 'span') rangeHeader = `bytes=${range.start}-${range.end ?? ''}`;
    const withRange = { ...target, ...(rangeHeader ? { Range: rangeHeader } : {}) };

    if (method === 'HEAD') {
      const head = await s3Client.send(new HeadObjectCommand(withRange), { abortSignal: signal });
      return { statusCode: head.ContentRange ? 206 : 200, headers: contentHeaders(head) };
    }
    const object = await s3Client.send(new GetObjectCommand(withRange), { abortSignal: signal });
    const body = toReadable(object.Body);
    return {
      statusCode: object.ContentRange ? 206 : 200,
      headers: contentHeaders(object),
      ...(body ? { body } : {}),
    };
  } catch (error) {
    if (signal.aborted) throw error;
    const status = statusOf(error);
    if (status === 404) return errorResponse(404, 'Not Found');
    if (status === 403) return errorResponse(403, 'Forbidden');
    if (status === 416) {
      const size = await s3Client
        .send(new HeadObjectCommand(target), { abortSignal: signal })
        .then((head) => head.ContentLength)
        .catch(() => undefined);
      return errorResponse(
        416,
        'Requested Range Not Satisfiable',
        new Map<string, string[]>(size === undefined ? [] : [['content-range', [`bytes */${size}`]]]),
      );
    }
    return errorResponse(502, 'Bad Gateway');
  }
}
