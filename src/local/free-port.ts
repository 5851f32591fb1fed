import { createServer } from 'node:net';

/**
 * Asks the operating system for a TCP port that is free right now on `host`.
 * Another process may take it before the caller binds it, so callers that hand the port to a child process
 * retry on "address in use".
 *
 * @example
 * ```ts
 * import { getFreePort } from 'serverless-game-kit/local';
 *
 * const port = await getFreePort();
 * ```
 */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('The OS gave no port'))));
    });
  });
}
