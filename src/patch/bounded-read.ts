import { PatchError } from './errors.js';
import { cancelReadOnAbort } from './stall-guard.js';

/** Default limit of the `version.json` pointer body: 64 KiB (a pointer is about 400 bytes). */
export const DEFAULT_MAX_POINTER_BYTES = 64 * 1024;

/** Default limit of a release manifest body: 64 MiB (about 450,000 files at ~140 bytes each). */
export const DEFAULT_MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** Options of {@link readBoundedBody}. */
export interface BoundedReadOptions {
  /** Ends the read (even a pending one, whatever the `fetch`) and throws its reason. */
  signal?: AbortSignal;
  /** Called before each read of the body, e.g. to restart a stall timer. */
  beforeRead?: () => void;
}

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
  options: BoundedReadOptions = {},
): Promise<Uint8Array> {
  const tooLarge = (detail: string): PatchError =>
    new PatchError(
      'TOO_LARGE',
      `The ${what} at ${url} is ${detail}, over its limit of ${maxBytes} bytes: refused before parsing it.`,
      { url },
    );
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(`${declared} bytes (Content-Length)`);
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  const stopCancelling = cancelReadOnAbort(reader, options.signal);
  try {
    for (;;) {
      options.beforeRead?.();
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge('larger');
      }
      chunks.push(value);
    }
  } finally {
    stopCancelling();
  }
  options.signal?.throwIfAborted();
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}
