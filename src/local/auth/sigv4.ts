import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface SigV4Authorization {
  accessKeyId: string;
  /** `yyyymmdd`. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** A request as an authorizer sees it. Header names are matched case-insensitively. */
export interface SignedRequest {
  method: string;
  /** The path, raw (`/a%20b`) or decoded (`/a b`); may carry `?query`. */
  path: string;
  headers: Record<string, string>;
  /**
   * The query string without `?` (`''` for none), when `path` does not carry it. When neither gives it, a
   * signature that does not match is `'unverifiable'` rather than `'invalid'`: the query may be why.
   */
  rawQueryString?: string;
  /** The request body, when the caller has it; needed to check signatures of requests with a body. */
  body?: string | Uint8Array;
}

/** How a signature check ended. `unverifiable`: the body was needed but not available. */
export type SigV4Check = 'valid' | 'invalid' | 'unverifiable';

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/**
 * Parses a SigV4 `Authorization` header; `undefined` when it is not one.
 *
 * @example
 * ```ts
 * parseSigV4Authorization('AWS4-HMAC-SHA256 Credential=ASIA…/20260101/ap-northeast-2/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab12…');
 * ```
 */
export function parseSigV4Authorization(header: string | undefined): SigV4Authorization | undefined {
  if (!header?.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const [key, ...rest] = part.trim().split('=');
    if (key) fields.set(key, rest.join('='));
  }
  const credential = fields.get('Credential')?.split('/');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (
    !credential ||
    credential.length !== 5 ||
    credential[4] !== 'aws4_request' ||
    !signedHeaders ||
    !signature
  ) {
    return undefined;
  }
  const [accessKeyId, date, region, service] = credential as [string, string, string, string, string];
  if (!accessKeyId || !/^\d{8}$/.test(date) || !/^[0-9a-f]{64}$/.test(signature)) return undefined;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/**
 * Checks a request's SigV4 signature with the secret key it claims to be signed with, rebuilding the canonical
 * request as AWS (and `aws4fetch`, and the AWS SDK) do for non-S3 services: the path URI-encoded twice, the query
 * sorted, the signed headers with collapsed whitespace, and the SHA-256 of the body received (the given `body`,
 * or the empty body for requests without one). A declared `x-amz-content-sha256` that is not signed or does not
 * match the body makes the request `'invalid'`.
 *
 * @returns `'valid'`, `'invalid'`, or `'unverifiable'` when the request has a body this check was not given, or
 *   the signature does not match and the query string was not given.
 * @example
 * ```ts
 * import { parseSigV4Authorization, verifySigV4 } from 'serverless-game-kit/local';
 *
 * const parsed = parseSigV4Authorization(request.headers.authorization);
 * if (parsed && verifySigV4(request, parsed, secretAccessKey) === 'invalid') return undefined;
 * ```
 */
export function verifySigV4(
  request: SignedRequest,
  auth: SigV4Authorization,
  secretAccessKey: string,
): SigV4Check {
  const headers = lowerCaseHeaders(request.headers);
  const amzDate = headers['x-amz-date'];
  if (!amzDate || amzDate.slice(0, 8) !== auth.date) return 'invalid';
  const payload = payloadHashOf(request, headers, auth);
  if (payload === 'invalid' || payload === 'unverifiable') return payload;
  const payloadHash = payload.hash;

  const [rawPath = '/', pathQuery] = splitOnce(request.path, '?');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(rawPath),
    canonicalQuery(request.rawQueryString ?? pathQuery ?? ''),
    auth.signedHeaders
      .map((name) => `${name}:${(headers[name] ?? '').trim().replace(/\s+/g, ' ')}`)
      .join('\n') + '\n',
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const kDate = hmac(`AWS4${secretAccessKey}`, auth.date);
  const kRegion = hmac(kDate, auth.region);
  const kService = hmac(kRegion, auth.service);
  const kSigning = hmac(kService, 'aws4_request');
  const expected = Buffer.from(hmac(kSigning, stringToSign).toString('hex'));
  const given = Buffer.from(auth.signature);
  if (expected.length === given.length && timingSafeEqual(expected, given)) return 'valid';
  // Without the query string (a gateway that does not pass it), a mismatch may just be the query's.
  const queryKnown = request.rawQueryString !== undefined || pathQuery !== undefined;
  return queryKnown ? 'invalid' : 'unverifiable';
}

/**
 * Reads `x-amz-date` (`20260101T120000Z`) as epoch milliseconds; `undefined` when malformed.
 *
 * @example
 * ```ts
 * parseAmzDate('20260101T120000Z'); // 1767268800000
 * ```
 */
export function parseAmzDate(value: string | undefined): number | undefined {
  const match = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/**
 * Headers keyed by lower-case name.
 *
 * @example
 * ```ts
 * lowerCaseHeaders({ 'X-Amz-Date': '…' })['x-amz-date'];
 * ```
 */
export function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}

/**
 * The payload hash of the canonical request: always the SHA-256 of the body received, as API Gateway computes
 * it (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html: "HashedPayload", the hash of
 * the request body). A declared `x-amz-content-sha256` is only a claim: unless it is signed and equals the
 * body's hash (`UNSIGNED-PAYLOAD` included, which only S3 honours), the request is refused — otherwise a body
 * swapped under a captured signature would pass with the original body's hash declared beside it.
 */
function payloadHashOf(
  request: SignedRequest,
  headers: Record<string, string>,
  auth: SigV4Authorization,
): { hash: string } | 'invalid' | 'unverifiable' {
  const declared = headers['x-amz-content-sha256'];
  const length = headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
  let actual: string | undefined;
  if (request.body !== undefined) actual = createHash('sha256').update(request.body).digest('hex');
  else if (!hasBody) actual = EMPTY_SHA256;
  if (declared !== undefined) {
    if (!auth.signedHeaders.includes('x-amz-content-sha256')) return 'invalid';
    if (actual !== undefined && declared.toLowerCase() !== actual) return 'invalid';
  }
  return actual === undefined ? 'unverifiable' : { hash: actual };
}

/** The path as the client's `URL` serialised it, then encoded again (SigV4 for every service but S3). */
function canonicalUri(path: string): string {
  const serialised = path.includes('%') ? path : new URL(path, 'http://local').pathname;
  const collapsed = serialised.replace(/\/+/g, '/');
  return encodeRfc3986(encodeURIComponent(collapsed).replace(/%2F/g, '/'));
}

function canonicalQuery(query: string): string {
  return [...new URLSearchParams(query)]
    .filter(([key]) => key !== '')
    .map(([key, value]) => [encodeRfc3986(encodeURIComponent(key)), encodeRfc3986(encodeURIComponent(value))])
    .sort(([k1 = '', v1 = ''], [k2 = '', v2 = '']) =>
      k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0,
    )
    .map((pair) => pair.join('='))
    .join('&');
}

function encodeRfc3986(text: string): string {
  return text.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}
