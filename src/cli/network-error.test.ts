import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isGameKitError } from '../core/errors.js';
import { describeNetworkFailure } from './network-error.js';

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('describeNetworkFailure', () => {
  it('names the endpoint fetch could not reach and what to check', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const failure: unknown = await fetch(url).catch((error: unknown) => error);

    const error = describeNetworkFailure(failure, [
      { name: 'DynamoDB Local', url, hint: 'Is it running? Is SGK_LOCAL_DYNAMODB_ENDPOINT right?' },
    ]);

    expect(isGameKitError(error)).toBe(true);
    expect(error?.code).toBe('ENDPOINT_UNREACHABLE');
    expect(error?.message).toBe(
      `Could not reach DynamoDB Local at ${url} (ECONNREFUSED). Is it running? Is SGK_LOCAL_DYNAMODB_ENDPOINT right?`,
    );
    expect(error?.cause).toBe(failure);
  });

  it('gives the address and a general hint for an endpoint it was not told about', async () => {
    const port = await closedPort();
    const failure: unknown = await fetch(`http://127.0.0.1:${port}/x`).catch((error: unknown) => error);

    expect(describeNetworkFailure(failure)?.message).toBe(
      `Could not reach 127.0.0.1:${port} (ECONNREFUSED). Check the endpoint URL, that the service is running, and your network or proxy.`,
    );
  });

  it('leaves errors that are not connection failures alone', () => {
    expect(describeNetworkFailure(Object.assign(new Error('no'), { code: 'ENOENT' }))).toBeUndefined();
    expect(describeNetworkFailure(new Error('boom'))).toBeUndefined();
    expect(describeNetworkFailure(undefined)).toBeUndefined();
  });
});
