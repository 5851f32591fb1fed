import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalServiceError } from '../errors.js';

/**
 * Starts `server` on 127.0.0.1 (`port` 0 = a free one) and resolves with the port it listens on.
 *
 * @throws {LocalServiceError} `START_FAILED` when the port cannot be bound.
 * @example
 * ```ts
 * const port = await listenLocal(createServer(handler), 0, 'local Kakao');
 * ```
 */
export function listenLocal(server: Server, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        new LocalServiceError(
          'START_FAILED',
          `${what} could not listen on 127.0.0.1:${port}: ${error.message}`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen({ host: '127.0.0.1', port }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Closes `server` and every connection it still has (keep-alive sockets included).
 *
 * @example
 * ```ts
 * await closeServer(server);
 * ```
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      server.closeAllConnections();
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Reads a request body as text, refusing more than `maxBytes` (resolves `undefined` then).
 *
 * @example
 * ```ts
 * const text = await readRequestBody(req, 64 * 1024);
 * ```
 */
export async function readRequestBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
