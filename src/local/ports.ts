import { createServer } from 'node:net';
import { LocalServiceError } from './errors.js';
import type { LocalStackConfig } from './stack/types.js';

/** The first port `sgk local` listens on when no `--port` is given; the stack uses six in a row. */
export const DEFAULT_LOCAL_PORT = 4700;

/** Each service's port, as an offset from the base port (`--port`). */
export const LOCAL_PORT_OFFSETS = Object.freeze({
  http: 0,
  websocket: 1,
  s3: 2,
  dynamodb: 3,
  kakao: 4,
  cognito: 5,
});

/** A service of the local stack with a port of its own. */
export type LocalPortService = keyof typeof LOCAL_PORT_OFFSETS;

const SERVICE_NAMES: Readonly<Record<LocalPortService, string>> = {
  http: 'HTTP API',
  websocket: 'WebSocket API',
  s3: 'S3',
  dynamodb: 'DynamoDB Local',
  kakao: 'Kakao API (local)',
  cognito: 'Cognito Identity (local)',
};

/**
 * The port of every service for base port `base`: HTTP API `base`, WebSocket API `base + 1`, S3 `base + 2`,
 * DynamoDB Local `base + 3`, Kakao `base + 4`, Cognito `base + 5`.
 *
 * @throws {LocalServiceError} `INVALID_OPTIONS` when the range does not fit in 1…65535.
 * @example
 * ```ts
 * import { localPorts } from 'serverless-game-kit/local';
 *
 * localPorts(4700).s3; // 4702
 * ```
 */
export function localPorts(base: number): Record<LocalPortService, number> {
  const last = Math.max(...Object.values(LOCAL_PORT_OFFSETS));
  if (!Number.isInteger(base) || base < 1 || base + last > 65_535) {
    throw new LocalServiceError(
      'INVALID_OPTIONS',
      `The base port must be an integer from 1 to ${65_535 - last} (the stack uses ${last + 1} ports from it), not ${base}.`,
    );
  }
  const ports = {} as Record<LocalPortService, number>;
  for (const [service, offset] of Object.entries(LOCAL_PORT_OFFSETS)) {
    ports[service as LocalPortService] = base + offset;
  }
  return ports;
}

/**
 * `config` with every service it starts on the fixed ports of {@link localPorts}, so endpoints stay the same from
 * one run to the next. Ports the config sets itself are kept; services it does not start (reused endpoints,
 * identity providers turned off) get none.
 *
 * @example
 * ```ts
 * import { gameStackConfig, startLocalStack, withLocalPorts } from 'serverless-game-kit/local';
 *
 * const stack = await startLocalStack(withLocalPorts(gameStackConfig(), 4700)); // HTTP API on 4700
 * ```
 */
export function withLocalPorts(config: LocalStackConfig, base: number): LocalStackConfig {
  const ports = localPorts(base);
  const identity = config.identity ?? {};
  const withPort = <T extends { port?: number }>(
    option: boolean | T | undefined,
    port: number,
  ): boolean | T | { port: number } | undefined =>
    option === true ? { port } : option ? { port, ...option } : option;
  return {
    ...config,
    http: { port: ports.http, ...config.http },
    websocket: { port: ports.websocket, ...config.websocket },
    services: {
      ...config.services,
      s3: { port: ports.s3, ...config.services?.s3 },
      dynamodb: { port: ports.dynamodb, ...config.services?.dynamodb },
    },
    ...(config.identity
      ? {
          identity: {
            ...identity,
            ...(identity.kakao ? { kakao: withPort(identity.kakao, ports.kakao) } : {}),
            ...(identity.cognito ? { cognito: withPort(identity.cognito, ports.cognito) } : {}),
          },
        }
      : {}),
  };
}

/**
 * Refuses to start when a port of the range is taken (another `sgk local`, a dev server…), naming the port and
 * its service — before anything starts, so nothing has to be stopped again. `skip` leaves out services the stack
 * will not start (an external DynamoDB or S3).
 *
 * @throws {LocalServiceError} `START_FAILED`
 * @example
 * ```ts
 * await assertLocalPortsFree(4700);
 * ```
 */
export async function assertLocalPortsFree(
  base: number,
  skip: readonly LocalPortService[] = [],
): Promise<void> {
  const ports = localPorts(base);
  const taken: string[] = [];
  for (const [service, port] of Object.entries(ports) as Array<[LocalPortService, number]>) {
    if (skip.includes(service)) continue;
    if (!(await isPortFree(port))) taken.push(`${port} (${SERVICE_NAMES[service]})`);
  }
  if (taken.length > 0) {
    throw new LocalServiceError(
      'START_FAILED',
      `Port ${taken.join(', ')} on 127.0.0.1 ${taken.length > 1 ? 'are' : 'is'} in use — another sgk local? Stop it, or pass --port <n> to use ports n to n+5, or --port 0 for free ports.`,
    );
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
