import { PatchError } from './errors.js';
import { BodyTooLargeError, type ReadBodyOptions, readBodyUpTo } from '../core/client/read-body.js';

/** Default limit of the `version.json` pointer body: 64 KiB (a pointer is about 400 bytes). */
export const DEFAULT_MAX_POINTER_BYTES = 64 * 1024;

/** Default limit of a release manifest body: 64 MiB (about 450,000 files at ~140 bytes each). */
export const DEFAULT_MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/**
 * Reads a response body into memory, never holding more than `maxBytes`: a `Content-Length` above the limit is
 * refused before reading any byte of the body, and a body that streams past it (no or a false `Content-Length`,
 * an endless response) is cancelled the moment it does. Memory stays O(`maxBytes`) whatever the server sends.
 *
 * @param what - named in the error, e.g. `'version.json pointer'`.
 * @throws {PatchError} `TOO_LARGE` (with `url`); the reason of `options.signal` once it aborts; errors of the body
 * stream as they are.
 * @example
 * ```ts
 * import { readBoundedBody } from 'serverless-game-kit/patch';
 *
 * const bytes = await readBoundedBody(await fetch(url), 64 * 1024, url, 'version.json pointer');
 * ```
 */
export async function readBoundedBody(
  response: Response,
  maxBytes: number,
  url: string,
  what: string,
  options: ReadBodyOptions = {},
): Promise<Uint8Array> {
  try {
    return await readBodyUpTo(response, maxBytes, options);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    const detail =
      error.declaredBytes === undefined ? 'larger' : `${error.declaredBytes} bytes (Content-Length)`;
    throw new PatchError(
      'TOO_LARGE',
      `The ${what} at ${url} is ${detail}, over its limit of ${maxBytes} bytes: refused before parsing it.`,
      { url },
    );
  }
}
