import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server on 127.0.0.1 that answers every request with a body that does not end (see {@link startEndlessServer}). */
export interface EndlessServer {
  url: string;
  /** Body bytes handed to the socket so far, all requests together. */
  sent: () => number;
  close: () => Promise<void>;
}

/** Most bytes an {@link EndlessServer} sends in all, so its loop stops by itself. */
export const ENDLESS_SERVER_CAP_BYTES = 64 * 1024 * 1024;

/**
 * Starts a server that answers `200` with `headers` and spaces in 64 KiB pieces, written only while the client
 * reads (it waits for `drain`) and at most {@link ENDLESS_SERVER_CAP_BYTES} in all: a client that stops reading
 * leaves `sent()` far below the cap.
 *
 * @example
 * ```ts
 * const endless = await startEndlessServer({ 'content-type': 'application/json' });
 * await expect(readSomething(endless.url)).rejects.toThrow();
 * expect(endless.sent()).toBeLessThan(16 * 1024 * 1024);
 * await endless.close();
 * ```
 */
export async function startEndlessServer(headers: Record<string, string> = {}): Promise<EndlessServer> {
  let sent = 0;
  const piece = Buffer.alloc(64 * 1024, 0x20);
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, headers);
    const pump = (): void => {
      while (sent < ENDLESS_SERVER_CAP_BYTES) {
        sent += piece.length;
        if (!response.write(piece)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end();
    };
    response.on('close', () => response.removeAllListeners('drain'));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
