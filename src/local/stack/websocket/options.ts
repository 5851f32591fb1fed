/**
 * The WebSocket gateway's settings with API Gateway's defaults filled in, validated before anything listens.
 */
import { LocalServiceError } from '../../errors.js';
import type { LocalWebSocketConfig } from '../types.js';
import { DEFAULT_ROUTE_SELECTION_EXPRESSION, parseRouteSelectionExpression } from './route-selection.js';

/**
 * API Gateway's WebSocket quotas, the gateway's defaults.
 *
 * @example
 * ```ts
 * WEBSOCKET_DEFAULTS.maxFrameBytes; // 32768
 * ```
 */
export const WEBSOCKET_DEFAULTS = {
  stage: 'local',
  /** Idle connection timeout: 10 minutes. */
  idleTimeoutMs: 10 * 60 * 1000,
  /** Maximum connection duration: 2 hours. */
  maxConnectionMs: 2 * 60 * 60 * 1000,
  /** Frame size: 32 KB. */
  maxFrameBytes: 32 * 1024,
  /** Message payload size: 128 KB. */
  maxMessageBytes: 128 * 1024,
  /** How often sockets are pinged to find ones that vanished without a close frame. */
  heartbeatIntervalMs: 30 * 1000,
} as const;

/**
 * Every setting settled.
 *
 * @example
 * ```ts
 * const settings: ResolvedWebSocketOptions = resolveWebSocketOptions({});
 * ```
 */
export interface ResolvedWebSocketOptions {
  port: number;
  stage: string;
  routeSelectionExpression: string;
  routeSelectionPath: string[];
  idleTimeoutMs: number;
  maxConnectionMs: number;
  maxFrameBytes: number;
  maxMessageBytes: number;
  heartbeatIntervalMs: number;
  /** Route keys whose handler's `body` goes back to the caller. */
  twoWayRoutes: ReadonlySet<string>;
}

const MAX_TIMER_MS = 2_147_483_647;
const STAGE = /^[A-Za-z0-9_-]{1,128}$/;

function invalid(message: string): LocalServiceError {
  return new LocalServiceError('INVALID_OPTIONS', `WebSocket gateway: ${message}`);
}

function routeKeys(name: string, value: readonly string[] | undefined): ReadonlySet<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value) || !value.every((key) => typeof key === 'string' && key !== '')) {
    throw invalid(`${name} must be a list of route keys, got ${JSON.stringify(value)}.`);
  }
  return new Set(value);
}

function positive(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw invalid(`${name} must be a positive number of at most ${max}, got ${String(value)}.`);
  }
  return value;
}

/**
 * Fills in the defaults and validates the settings.
 *
 * @throws {LocalServiceError} `INVALID_OPTIONS` for a bad port, stage, expression, limit or route list.
 * @example
 * ```ts
 * const options = resolveWebSocketOptions({ stage: 'dev', idleTimeoutMs: 300 });
 * options.maxFrameBytes; // 32768
 * ```
 */
export function resolveWebSocketOptions(
  config: LocalWebSocketConfig & { heartbeatIntervalMs?: number },
): ResolvedWebSocketOptions {
  const port = config.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw invalid(`port must be an integer from 0 to 65535, got ${String(config.port)}.`);
  }
  const stage = config.stage ?? WEBSOCKET_DEFAULTS.stage;
  if (typeof stage !== 'string' || !STAGE.test(stage)) {
    throw invalid(`stage must be 1-128 letters, digits, "-" or "_", got ${JSON.stringify(stage)}.`);
  }
  const routeSelectionExpression = config.routeSelectionExpression ?? DEFAULT_ROUTE_SELECTION_EXPRESSION;
  const routeSelectionPath =
    typeof routeSelectionExpression === 'string'
      ? parseRouteSelectionExpression(routeSelectionExpression)
      : undefined;
  if (routeSelectionPath === undefined) {
    throw invalid(
      `routeSelectionExpression must look like "$request.body.action" (a dotted path into the JSON body), got ${JSON.stringify(routeSelectionExpression)}.`,
    );
  }
  return {
    port,
    stage,
    routeSelectionExpression,
    routeSelectionPath,
    idleTimeoutMs: positive(
      'idleTimeoutMs',
      config.idleTimeoutMs,
      WEBSOCKET_DEFAULTS.idleTimeoutMs,
      MAX_TIMER_MS,
    ),
    maxConnectionMs: positive(
      'maxConnectionMs',
      config.maxConnectionMs,
      WEBSOCKET_DEFAULTS.maxConnectionMs,
      MAX_TIMER_MS,
    ),
    maxFrameBytes: positive(
      'maxFrameBytes',
      config.maxFrameBytes,
      WEBSOCKET_DEFAULTS.maxFrameBytes,
      Number.MAX_SAFE_INTEGER,
    ),
    maxMessageBytes: positive(
      'maxMessageBytes',
      config.maxMessageBytes,
      WEBSOCKET_DEFAULTS.maxMessageBytes,
      Number.MAX_SAFE_INTEGER,
    ),
    heartbeatIntervalMs: positive(
      'heartbeatIntervalMs',
      config.heartbeatIntervalMs,
      WEBSOCKET_DEFAULTS.heartbeatIntervalMs,
      MAX_TIMER_MS,
    ),
    twoWayRoutes: routeKeys('twoWayRoutes', config.twoWayRoutes),
  };
}
