/** The parts of a request target the gateway works with. */
export interface RequestTarget {
  /** The path as sent (percent-encoding kept, dot segments resolved), e.g. `/files/%ED%8C%A8.txt`. */
  readonly encodedPath: string;
  /** URL-decoded segments without the leading slash; `[]` for `/`. */
  readonly segments: readonly string[];
  /** The decoded path, as an HTTP API reports it in `rawPath`. */
  readonly path: string;
  /** Everything after `?`, undecoded; `''` when there is none. */
  readonly rawQueryString: string;
}

/**
 * Decodes one path segment; a malformed escape (`%zz`) is kept as written instead of failing the request.
 *
 * @example
 * ```ts
 * decodeSegment('%ED%8C%A8%EC%B9%98'); // '패치'
 * decodeSegment('100%'); // '100%'
 * ```
 */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Splits a request's target (`req.url`) into path segments and query string. Accepts origin-form (`/a?b`) and
 * absolute-form (`http://host/a?b`) targets; anything else resolves against `/`.
 *
 * @example
 * ```ts
 * parseRequestTarget('/items/%EC%A0%90%EC%88%98?x=1');
 * // { segments: ['items', '점수'], path: '/items/점수', rawQueryString: 'x=1', … }
 * ```
 */
export function parseRequestTarget(target: string | undefined): RequestTarget {
  let url: URL;
  try {
    url = new URL(target ?? '/', 'http://gateway.local');
  } catch {
    url = new URL('/', 'http://gateway.local');
  }
  const encodedPath = url.pathname || '/';
  const segments = encodedPath === '/' ? [] : encodedPath.slice(1).split('/').map(decodeSegment);
  return {
    encodedPath,
    segments,
    path: `/${segments.join('/')}`,
    rawQueryString: url.search.startsWith('?') ? url.search.slice(1) : '',
  };
}
