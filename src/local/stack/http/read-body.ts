import type { IncomingMessage } from 'node:http';

/** HTTP API's request payload limit. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

/** Past this many bytes the gateway stops draining an oversized upload and drops the connection. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** A request body, or why there is none. */
export type BodyResult =
  | { readonly status: 'ok'; readonly body: Buffer }
  | { readonly status: 'too-large' }
  | { readonly status: 'aborted' };

/**
 * Reads a request body up to `limit` bytes. A larger body is still drained (so the client reads the 413 instead
 * of a reset connection), up to a hard cap after which the connection is destroyed. Never rejects.
 *
 * @example
 * ```ts
 * const result = await readBody(req);
 * if (result.status === 'too-large') respond(413);
 * ```
 */
export function readBody(
  request: IncomingMessage,
  limit: number = MAX_REQUEST_BODY_BYTES,
): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(request.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        if (received > MAX_DRAIN_BYTES) {
          request.destroy();
          settle({ status: 'aborted' });
        }
        return;
      }
      chunks.push(chunk);
    });
    const finish = () =>
      settle(tooLarge ? { status: 'too-large' } : { status: 'ok', body: Buffer.concat(chunks) });
    request.on('end', finish);
    request.on('error', () => settle({ status: 'aborted' }));
    request.on('close', () => (request.complete ? finish() : settle({ status: 'aborted' })));
  });
}
