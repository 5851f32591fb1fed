import { GameKitError } from '../core/errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** What a command knows about the endpoints it talks to, to name the one that failed. */
export interface KnownEndpoint {
  /** e.g. `'DynamoDB Local'`. */
  name: string;
  /** e.g. `'http://127.0.0.1:8000'`. */
  url: string;
  /** What to check when it cannot be reached, as a sentence: `'Is it running? Is SGK_LOCAL_DYNAMODB_ENDPOINT right?'`. */
  hint: string;
}

/**
 * Turns a connection failure anywhere in `error`'s `cause` chain (`ECONNREFUSED`, `ENOTFOUND`, a fetch or SDK
 * timeout, …) into a `GameKitError` `ENDPOINT_UNREACHABLE` that says which endpoint could not be reached and
 * what to check; `undefined` when `error` is not a connection failure.
 *
 * @example
 * ```ts
 * throw describeNetworkFailure(error, [{ name: 'S3', url: endpoint, hint: 'Is the S3 server running?' }]) ?? error;
 * ```
 */
export function describeNetworkFailure(
  error: unknown,
  endpoints: readonly KnownEndpoint[] = [],
): GameKitError<'ENDPOINT_UNREACHABLE'> | undefined {
  const failure = findNetworkFailure(error);
  if (!failure) return undefined;
  const where = failure.address ?? '(unknown address)';
  const known = endpoints.find(
    (endpoint) => failure.address !== undefined && sameHost(endpoint.url, failure.address),
  );
  const subject = known ? `${known.name} at ${known.url}` : where;
  const check =
    known?.hint ?? 'Check the endpoint URL, that the service is running, and your network or proxy.';
  return new GameKitError('ENDPOINT_UNREACHABLE', `Could not reach ${subject} (${failure.code}). ${check}`, {
    cause: error,
  });
}

interface NetworkFailure {
  code: string;
  /** `host:port` when the error says. */
  address?: string;
}

function findNetworkFailure(error: unknown): NetworkFailure | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 8; depth += 1) {
    const candidate = current as { code?: unknown; address?: unknown; port?: unknown; hostname?: unknown };
    if (typeof candidate.code === 'string' && NETWORK_CODES.has(candidate.code)) {
      const host = typeof candidate.address === 'string' ? candidate.address : candidate.hostname;
      const address =
        typeof host === 'string'
          ? typeof candidate.port === 'number'
            ? `${host}:${candidate.port}`
            : host
          : undefined;
      return address === undefined ? { code: candidate.code } : { code: candidate.code, address };
    }
    const nested = (current as { errors?: unknown }).errors; // AggregateError of a dual-stack connect
    if (Array.isArray(nested) && nested.length > 0) {
      const inner = findNetworkFailure(nested[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function sameHost(url: string, address: string): boolean {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
    return address === `${parsed.hostname}:${port}` || address === parsed.hostname;
  } catch {
    return false;
  }
}
