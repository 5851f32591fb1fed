/** A single byte range of a `Range` header: `bytes=start-end`, `bytes=start-` or the suffix form `bytes=-length`. */
export type ByteRange =
  | { readonly kind: 'span'; readonly start: number; readonly end: number | undefined }
  | { readonly kind: 'suffix'; readonly length: number };

/**
 * Parses a `Range` header the way S3 reads it: one `bytes` range; anything else (syntax errors, other units,
 * several ranges) is ignored and the whole object is served, so it yields `undefined`.
 *
 * @example
 * ```ts
 * parseRange('bytes=100-'); // { kind: 'span', start: 100, end: undefined }
 * parseRange('bytes=-500'); // { kind: 'suffix', length: 500 }
 * parseRange('bytes=0-1,5-9'); // undefined
 * ```
 */
export function parseRange(header: string | undefined): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') return { kind: 'suffix', length: Number(last) };
  const start = Number(first);
  const end = last === '' ? undefined : Number(last);
  if (!Number.isSafeInteger(start) || (end !== undefined && (!Number.isSafeInteger(end) || end < start)))
    return undefined;
  return { kind: 'span', start, end };
}

/**
 * Resolves a suffix range against the object's size: the `bytes=start-end` header to send, or `undefined` when it
 * cannot be satisfied (an empty suffix or an empty object → 416).
 *
 * @example
 * ```ts
 * resolveSuffix({ kind: 'suffix', length: 3 }, 11); // 'bytes=8-10'
 * ```
 */
export function resolveSuffix(range: { readonly length: number }, size: number): string | undefined {
  if (range.length <= 0 || size <= 0) return undefined;
  return `bytes=${Math.max(0, size - range.length)}-${size - 1}`;
}
