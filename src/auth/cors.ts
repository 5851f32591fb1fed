/** CORS settings of the auth handler, shaped like an HTTP API's `CorsConfiguration`. */
export interface AuthCorsOptions {
  /** Allowed origins (`https://game.example.com`), or `['*']` for any. */
  allowOrigins: string[];
  /** Request headers a browser may send; default `['content-type']`. */
  allowHeaders?: string[];
  /** Answer `access-control-allow-credentials: true` (not allowed with `'*'`). */
  allowCredentials?: boolean;
  /** How long a browser may cache a preflight answer; default 600 s. */
  maxAgeSeconds?: number;
}

/**
 * The CORS headers for a request from `origin`: none when CORS is off or the origin is not allowed.
 * With `'*'` and no credentials the answer is `*`; otherwise the origin is echoed with `vary: origin`.
 *
 * @param preflight add the `access-control-allow-methods/headers/max-age` headers of a preflight answer.
 * @example
 * ```ts
 * corsHeaders({ allowOrigins: ['https://game.example.com'] }, 'https://game.example.com', false);
 * // { 'access-control-allow-origin': 'https://game.example.com', vary: 'origin' }
 * ```
 */
export function corsHeaders(
  cors: AuthCorsOptions | undefined,
  origin: string | undefined,
  preflight: boolean,
): Record<string, string> {
  if (!cors || origin === undefined) return {};
  const any = cors.allowOrigins.includes('*');
  if (!any && !cors.allowOrigins.includes(origin)) return {};
  const headers: Record<string, string> =
    any && !cors.allowCredentials
      ? { 'access-control-allow-origin': '*' }
      : { 'access-control-allow-origin': origin, vary: 'origin' };
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (preflight) {
    headers['access-control-allow-methods'] = 'POST, OPTIONS';
    headers['access-control-allow-headers'] = (cors.allowHeaders ?? ['content-type']).join(', ');
    headers['access-control-max-age'] = String(cors.maxAgeSeconds ?? 600);
  }
  return headers;
}
