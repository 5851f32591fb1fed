import type { IncomingHttpHeaders } from 'node:http';
import type { LocalCorsConfig } from '../types.js';

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function originPattern(allowed: string): RegExp {
  const escaped = allowed.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * Whether `origin` is allowed: listed exactly (case-insensitively), matched by a wildcard entry such as
 * `https://*.example.com`, or `*` is listed.
 *
 * @example
 * ```ts
 * isOriginAllowed({ allowOrigins: ['https://*.game.kr'] }, 'https://play.game.kr'); // true
 * ```
 */
export function isOriginAllowed(cors: LocalCorsConfig, origin: string): boolean {
  return cors.allowOrigins.some((allowed) => allowed === '*' || originPattern(allowed).test(origin));
}

/**
 * Whether a request is a CORS preflight the gateway answers itself: `OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`.
 *
 * @example
 * ```ts
 * if (cors && isPreflight(req.method, req.headers)) respond(preflightHeaders(cors, req.headers));
 * ```
 */
export function isPreflight(method: string | undefined, headers: IncomingHttpHeaders): boolean {
  return (
    method?.toUpperCase() === 'OPTIONS' &&
    firstHeader(headers.origin) !== undefined &&
    firstHeader(headers['access-control-request-method']) !== undefined
  );
}

function allowOriginValue(cors: LocalCorsConfig, origin: string): string {
  // `*` cannot be combined with credentials, so a credentialed API echoes the origin.
  return cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
}

/**
 * The headers of the gateway's `204` answer to a preflight, as an HTTP API's `CorsConfiguration` produces them.
 * A disallowed origin gets no CORS headers, so the browser refuses the request. A `*` in `allowMethods` or
 * `allowHeaders` echoes what the browser asked for.
 *
 * @example
 * ```ts
 * const headers = preflightHeaders({ allowOrigins: ['*'], allowMethods: ['GET', 'POST'] }, req.headers);
 * ```
 */
export function preflightHeaders(cors: LocalCorsConfig, headers: IncomingHttpHeaders): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const origin = firstHeader(headers.origin);
  if (origin === undefined || !isOriginAllowed(cors, origin)) return out;
  out.set('access-control-allow-origin', [allowOriginValue(cors, origin)]);
  if (cors.allowCredentials) out.set('access-control-allow-credentials', ['true']);
  const requestedMethod = firstHeader(headers['access-control-request-method']);
  if (cors.allowMethods && cors.allowMethods.length > 0) {
    const methods =
      cors.allowMethods.includes('*') && requestedMethod ? [requestedMethod] : cors.allowMethods;
    out.set('access-control-allow-methods', [methods.join(',')]);
  }
  const requestedHeaders = firstHeader(headers['access-control-request-headers']);
  if (cors.allowHeaders && cors.allowHeaders.length > 0) {
    const allowed =
      cors.allowHeaders.includes('*') && requestedHeaders ? [requestedHeaders] : cors.allowHeaders;
    out.set('access-control-allow-headers', [allowed.join(',')]);
  }
  if (cors.maxAgeSeconds !== undefined) out.set('access-control-max-age', [String(cors.maxAgeSeconds)]);
  if (!out.get('access-control-allow-origin')?.includes('*')) out.set('vary', ['Origin']);
  return out;
}

/**
 * Applies the CORS configuration to an actual (non-preflight) response: the integration's own
 * `access-control-*` headers are replaced, as API Gateway does once CORS is configured, and an allowed origin
 * gets `access-control-allow-origin` (plus `-allow-credentials` and `-expose-headers` when configured).
 *
 * @example
 * ```ts
 * applyCorsHeaders(cors, req.headers.origin, response.headers);
 * ```
 */
export function applyCorsHeaders(
  cors: LocalCorsConfig,
  origin: string | string[] | undefined,
  headers: Map<string, string[]>,
): void {
  for (const name of [...headers.keys()]) {
    if (name.startsWith('access-control-')) headers.delete(name);
  }
  const value = firstHeader(origin);
  if (value === undefined || !isOriginAllowed(cors, value)) return;
  const allowOrigin = allowOriginValue(cors, value);
  headers.set('access-control-allow-origin', [allowOrigin]);
  if (cors.allowCredentials) headers.set('access-control-allow-credentials', ['true']);
  if (cors.exposeHeaders && cors.exposeHeaders.length > 0) {
    headers.set('access-control-expose-headers', [cors.exposeHeaders.join(',')]);
  }
  if (allowOrigin !== '*') {
    const vary = headers.get('vary') ?? [];
    if (!vary.some((entry) => /(^|,)\s*origin\s*(,|$)/i.test(entry)))
      headers.set('vary', [...vary, 'Origin']);
  }
}
