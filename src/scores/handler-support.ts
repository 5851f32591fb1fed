import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ApiGatewayEvent } from '../core/lambda/http-request.js';
import { queryParameters, RequestError, requestMethod } from '../core/lambda/http-request.js';
import { errorResponse, type HttpResult } from '../core/lambda/http-response.js';
import { isGameKitError } from '../core/errors.js';
import { consoleLogger, isLogger, type LogFields, type Logger, safeLogger } from '../core/logger.js';
import type { BoardResolver, ResolvedBoardSettings } from './board-settings.js';
import { SCORES_ERROR_STATUS, ScoresError } from './errors.js';

/** An HTTP handler of the scores module: an API Gateway proxy event (HTTP API 2.0 or REST API 1.0) in, a JSON result out. */
export type ScoresHttpHandler = (event: ApiGatewayEvent, context?: unknown) => Promise<HttpResult>;

/**
 * A function logger `(message, error)`, the scores handlers' former contract; still accepted by their `logger`
 * option, which writes every level to it.
 *
 * @deprecated Pass a {@link Logger} (`console`, a Powertools `Logger`, …), the contract every module takes.
 */
export type ScoresLogger = (message: string, error?: unknown) => void;

/**
 * The handler's logger: the one given (a deprecated function logger adapted), else `console` for warnings and
 * errors; secret-looking fields are redacted.
 *
 * @throws {ScoresError} `INVALID_OPTIONS` for anything else.
 * @example
 * ```ts
 * const log = resolveScoresLogger(options.logger);
 * log.error('scores handler failed', { error });
 * ```
 */
export function resolveScoresLogger(logger: Logger | ScoresLogger | undefined): Required<Logger> {
  if (logger === undefined) return safeLogger(consoleLogger(['warn', 'error']));
  if (typeof logger === 'function') {
    const write = (message: string, fields?: LogFields): void => logger(message, fields?.error);
    return safeLogger({ info: write, warn: write, error: write });
  }
  if (!isLogger(logger)) {
    throw new ScoresError(
      'INVALID_OPTIONS',
      'logger must have info, warn and error methods (console works).',
    );
  }
  return safeLogger(logger);
}

/** Options every scores handler takes for its DynamoDB client. */
export interface DynamoDbClientOption {
  /** The client to use; default: `new DynamoDBClient({})` (region and credentials from the Lambda environment). Never destroyed by the handler. */
  dynamoDBClient?: DynamoDBClient;
  /** @deprecated Use `dynamoDBClient`; ignored when `dynamoDBClient` is given. */
  dynamodb?: DynamoDBClient;
}

/**
 * The injected client, or a default one built once at cold start.
 *
 * @example
 * ```ts
 * const dynamodb = resolveDynamoDbClient(options);
 * ```
 */
export function resolveDynamoDbClient(options: DynamoDbClientOption): DynamoDBClient {
  const client = options.dynamoDBClient ?? options.dynamodb;
  if (client !== undefined && typeof (client as { send?: unknown }).send !== 'function') {
    throw new ScoresError(
      'INVALID_OPTIONS',
      'dynamoDBClient must be a DynamoDBClient from @aws-sdk/client-dynamodb.',
    );
  }
  return client ?? new DynamoDBClient({});
}

/**
 * Runs a request, answering typed errors as `{ error: { code, message } }` with their status, and anything else
 * as 500 `INTERNAL` (logged, details never sent to the caller).
 *
 * @example
 * ```ts
 * return answerErrors(log, async () => jsonResponse(200, await work()));
 * ```
 */
export async function answerErrors(log: Logger, work: () => Promise<HttpResult>): Promise<HttpResult> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ScoresError) {
      const headers: Record<string, string> =
        error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
      return errorResponse(SCORES_ERROR_STATUS[error.code], error.code, error.message, headers);
    }
    if (error instanceof RequestError || (isGameKitError(error, 'RequestError') && 'statusCode' in error)) {
      const requestError = error as RequestError;
      return errorResponse(requestError.statusCode, requestError.code, requestError.message);
    }
    log.error('scores handler failed', { error });
    return errorResponse(500, 'INTERNAL', 'The request failed; try again later.');
  }
}

/**
 * Parses an integer query parameter within bounds, or returns `fallback` when it is absent.
 *
 * @throws {ScoresError} `INVALID_QUERY`
 * @example
 * ```ts
 * const limit = integerParameter(query.limit, 'limit', { min: 1, max: 100, fallback: 10 });
 * ```
 */
export function integerParameter(
  raw: string | undefined,
  name: string,
  bounds: { min: number; max: number; fallback: number },
): number {
  if (raw === undefined || raw === '') return bounds.fallback;
  if (!/^\d{1,9}$/.test(raw))
    throw new ScoresError('INVALID_QUERY', `${name} must be an integer from ${bounds.min} to ${bounds.max}.`);
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) {
    throw new ScoresError('INVALID_QUERY', `${name} must be an integer from ${bounds.min} to ${bounds.max}.`);
  }
  return value;
}

/**
 * A handler option that is a whole number from 1 to `max`, or `fallback` when it is not given.
 *
 * @throws {ScoresError} `INVALID_OPTIONS` at factory time.
 * @example
 * ```ts
 * const maxLimit = integerOption(options.maxLimit, 'maxLimit', 100, 1000);
 * ```
 */
export function integerOption(
  value: number | undefined,
  name: string,
  fallback: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ScoresError('INVALID_OPTIONS', `${name} must be an integer from 1 to ${max}.`);
  }
  return value;
}

/**
 * The settings of the board a request names.
 *
 * @throws {ScoresError} `UNKNOWN_BOARD` when no entry of the catalog matches it.
 * @example
 * ```ts
 * const settings = settingsOfBoard(boards, body.board ?? defaultBoard);
 * ```
 */
export function settingsOfBoard(boards: BoardResolver, board: string): ResolvedBoardSettings {
  const settings = boards.settingsOf(board);
  if (!settings) throw new ScoresError('UNKNOWN_BOARD', `There is no board "${board}".`);
  return settings;
}

/** A read request: its query string, and the board it names with that board's settings. */
export interface BoardRead {
  query: Record<string, string | undefined>;
  board: string;
  settings: ResolvedBoardSettings;
}

/**
 * Checks a read request (GET only) and resolves the board its `?board` names (default `defaultBoard`).
 *
 * @throws {ScoresError} `METHOD_NOT_ALLOWED`, `UNKNOWN_BOARD`.
 * @example
 * ```ts
 * const { query, board, settings } = boardRead(event, boards, defaultBoard);
 * ```
 */
export function boardRead(event: ApiGatewayEvent, boards: BoardResolver, defaultBoard: string): BoardRead {
  if (requestMethod(event) !== 'GET') throw new ScoresError('METHOD_NOT_ALLOWED', 'Use GET.');
  const query = queryParameters(event);
  const board = query.board ?? defaultBoard;
  return { query, board, settings: settingsOfBoard(boards, board) };
}
