/**
 * Options of `createQuizSocketHandler`, their defaults and their validation (at factory time, before any I/O).
 */
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { consoleLogger, isLogger, type Logger, safeLogger } from '../core/logger.js';
import type { QuizPatternOptions } from './dictionary.js';
import { QuizError } from './errors.js';
import type { QuizRulesOptions } from './game.js';
import type { TokenVerifier } from './player-identity.js';
import type { QuizRateLimits, TokenBucketLimit } from './socket/rate-limit.js';
import { DEFAULT_QUIZ_TABLE_NAMES, type QuizTableNames } from './tables.js';

/**
 * One log line of the socket handler, as the deprecated `log` option receives it.
 *
 * @deprecated Pass a {@link Logger} as `logger`; it gets `message` and the other fields.
 */
export interface QuizLogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  connectionId?: string;
  roomId?: string;
  error?: unknown;
}

/**
 * Rate limits of the socket handler: token buckets (`perSecond` tokens a second, at most `burst` at once) for
 * every frame (`messages`) and for chat lines (`chat`), per connection and per player. A refused frame costs
 * no DynamoDB write and no broadcast; the sender gets at most one `RATE_LIMITED` error per `replyIntervalMs`,
 * and a connection refused more than `disconnectAfter` times faster than once a second is disconnected.
 */
export interface QuizRateLimitOptions {
  /** Frames of any kind per connection. Default 10/s, burst 20. */
  connectionMessages?: TokenBucketLimit;
  /** Chat lines (answers included) per connection. Default 3/s, burst 8. */
  connectionChat?: TokenBucketLimit;
  /** Frames of any kind per player, over all its connections. Default 20/s, burst 40. */
  playerMessages?: TokenBucketLimit;
  /** Chat lines per player, over all its connections. Default 5/s, burst 12. */
  playerChat?: TokenBucketLimit;
  /** Refusals in a row (faster than one a second) before the connection is disconnected. Default 20. */
  disconnectAfter?: number;
  /** At most one `RATE_LIMITED` reply per connection this often. Default 1,000 ms. */
  replyIntervalMs?: number;
}

/** The rate limits after defaults. */
export interface QuizRateLimitSettings extends QuizRateLimits {
  disconnectAfter: number;
  replyIntervalMs: number;
}

/** The default rate limits. */
export const DEFAULT_QUIZ_RATE_LIMITS: Readonly<QuizRateLimitSettings> = Object.freeze({
  connectionMessages: { perSecond: 10, burst: 20 },
  connectionChat: { perSecond: 3, burst: 8 },
  playerMessages: { perSecond: 20, burst: 40 },
  playerChat: { perSecond: 5, burst: 12 },
  disconnectAfter: 20,
  replyIntervalMs: 1_000,
});

/** Everything `createQuizSocketHandler` accepts; all optional. */
export interface QuizSocketHandlerOptions {
  /** Table and index names; defaults in {@link DEFAULT_QUIZ_TABLE_NAMES}. */
  tables?: Partial<QuizTableNames>;
  /** Document client for the tables (never destroyed). Default: built from `dynamoDBClient`. */
  dynamoDBDocumentClient?: DynamoDBDocumentClient;
  /** @deprecated Use `dynamoDBDocumentClient`; ignored when `dynamoDBDocumentClient` is given. */
  documentClient?: DynamoDBDocumentClient;
  /** DynamoDB client to wrap (never destroyed). Default: `new DynamoDBClient({})`. */
  dynamoDBClient?: DynamoDBClient;
  /**
   * The management API endpoint, e.g. `https://abc123.execute-api.ap-northeast-2.amazonaws.com/prod` (or the
   * local stack's `env.endpoints.connections`). Default: `https://${domainName}/${stage}` of each event.
   */
  managementEndpoint?: string;
  /** A management API client, or a factory given the endpoint (called once per endpoint). */
  apiGatewayManagementApiClient?:
    ApiGatewayManagementApiClient | ((endpoint: string) => ApiGatewayManagementApiClient);
  /** @deprecated Use `apiGatewayManagementApiClient`; ignored when `apiGatewayManagementApiClient` is given. */
  managementClient?: ApiGatewayManagementApiClient | ((endpoint: string) => ApiGatewayManagementApiClient);
  /** The answers; validated at factory time. Default: the bundled pack of 1,948 nouns. */
  words?: readonly string[];
  /** Loads the answers at cold start instead (file, S3, table: see `wordPackFrom…`); retried after a failure. */
  loadWords?: () => Promise<readonly string[]>;
  /** Which patterns a round may ask. Default: 2–3 syllables with at least 3 answers. */
  patterns?: QuizPatternOptions;
  /** How rounds end and score. Default: the first correct answer wins the round, 1 point. */
  rules?: QuizRulesOptions;
  /** Seed of every new room's pattern draws (tests); default a random seed per room. */
  seed?: number;
  /** Verifies the join token of `$connect` (from `Sec-WebSocket-Protocol`); the player id then comes from the token. */
  verifyToken?: TokenVerifier;
  /** Refuse connections without a token (needs `verifyToken`). Default `false`. */
  requireToken?: boolean;
  /**
   * Also accept `?token=` and `?player=` in the connection URL, for clients that cannot set
   * `Sec-WebSocket-Protocol`. Default `false`: URLs end up in access logs, proxies and browser consoles, so a
   * URL carrying them is refused (400 `CREDENTIALS_IN_QUERY`).
   */
  queryCredentials?: boolean;
  /** Posts in flight at once per broadcast. Default 50. */
  broadcastConcurrency?: number;
  /** Chat lines in a `state`. Default 20. */
  recentChat?: number;
  /** Players listed in a `state` (best first; `playerCount` has the total). Default 50. */
  maxPlayersInState?: number;
  /** Chat lines expire after this long. Default 86,400 s (a day). */
  chatTtlSeconds?: number;
  /** A room with no joins, leaves or answers expires after this long. Default 10,800 s (3 h, above the 2 h connection limit). */
  roomTtlSeconds?: number;
  /** Connection items expire after this long even without `$disconnect`. Default 7,500 s (2 h 5 min). */
  connectionTtlSeconds?: number;
  /** Conditional-write attempts of one answer under contention before `BUSY`. Default 8. */
  maxAnswerAttempts?: number;
  /** Rate limits per connection and per player, or `false` to turn them off. On by default, see {@link DEFAULT_QUIZ_RATE_LIMITS}. */
  rateLimits?: false | QuizRateLimitOptions;
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
  /**
   * Where the handler writes its log lines (`console`, a Powertools `Logger`, …), with `connectionId`, `roomId`
   * and `error` as fields. Default: `console`, warnings and errors only.
   */
  logger?: Logger;
  /**
   * A log sink given one entry per line.
   *
   * @deprecated Use `logger`. When both are given, `log` wins.
   */
  log?: (entry: QuizLogEntry) => void;
}

/** The numeric settings after defaults. */
export interface QuizSocketSettings {
  tables: QuizTableNames;
  broadcastConcurrency: number;
  recentChat: number;
  maxPlayersInState: number;
  chatTtlSeconds: number;
  roomTtlSeconds: number;
  connectionTtlSeconds: number;
  maxAnswerAttempts: number;
  requireToken: boolean;
  queryCredentials: boolean;
  rateLimits: QuizRateLimitSettings | false;
}

const tableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table or index name');
const positiveInt = z.number().int().positive();

const bucket = z.object({
  perSecond: z.number().positive().max(10_000),
  burst: z.number().int().min(1).max(10_000),
});

const settingsSchema = z.object({
  rateLimits: z
    .union([
      z.literal(false),
      z.object({
        connectionMessages: bucket.optional(),
        connectionChat: bucket.optional(),
        playerMessages: bucket.optional(),
        playerChat: bucket.optional(),
        disconnectAfter: positiveInt.max(100_000).optional(),
        replyIntervalMs: positiveInt.optional(),
      }),
    ])
    .optional(),
  tables: z
    .object({
      connections: tableName.optional(),
      rooms: tableName.optional(),
      chat: tableName.optional(),
      byRoomIndex: tableName.optional(),
    })
    .optional(),
  managementEndpoint: z.url().optional(),
  seed: z.number().int().optional(),
  requireToken: z.boolean().optional(),
  queryCredentials: z.boolean().optional(),
  broadcastConcurrency: positiveInt.max(10_000).optional(),
  recentChat: z.number().int().min(0).max(200).optional(),
  maxPlayersInState: positiveInt.max(2_000).optional(),
  chatTtlSeconds: positiveInt.optional(),
  roomTtlSeconds: positiveInt.optional(),
  connectionTtlSeconds: positiveInt.optional(),
  maxAnswerAttempts: positiveInt.max(100).optional(),
});

function requireFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new QuizError('INVALID_OPTIONS', `${name} must be a function.`);
  }
}

/**
 * Checks the options and fills in the defaults of the numeric settings.
 *
 * @throws {QuizError} `INVALID_OPTIONS`, naming the first bad option.
 * @example
 * ```ts
 * const settings = resolveSocketSettings({ broadcastConcurrency: 20 });
 * ```
 */
export function resolveSocketSettings(options: QuizSocketHandlerOptions): QuizSocketSettings {
  if (typeof options !== 'object' || options === null) {
    throw new QuizError('INVALID_OPTIONS', 'createQuizSocketHandler takes an options object.');
  }
  const parsed = settingsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? 'options';
    throw new QuizError('INVALID_OPTIONS', `Invalid option ${path}: ${issue?.message ?? 'invalid value'}.`, {
      cause: parsed.error,
    });
  }
  requireFunction(options.loadWords, 'loadWords');
  requireFunction(options.verifyToken, 'verifyToken');
  requireFunction(options.now, 'now');
  requireFunction(options.log, 'log');
  if (options.logger !== undefined && !isLogger(options.logger)) {
    throw new QuizError('INVALID_OPTIONS', 'logger must have info, warn and error methods (console works).');
  }
  if (options.requireToken && !options.verifyToken) {
    throw new QuizError('INVALID_OPTIONS', 'requireToken needs verifyToken to check the tokens.');
  }
  if (options.words !== undefined && options.loadWords !== undefined) {
    throw new QuizError('INVALID_OPTIONS', 'Pass words or loadWords, not both.');
  }
  const settings = parsed.data;
  return {
    tables: { ...DEFAULT_QUIZ_TABLE_NAMES, ...settings.tables },
    broadcastConcurrency: settings.broadcastConcurrency ?? 50,
    recentChat: settings.recentChat ?? 20,
    maxPlayersInState: settings.maxPlayersInState ?? 50,
    chatTtlSeconds: settings.chatTtlSeconds ?? 86_400,
    roomTtlSeconds: settings.roomTtlSeconds ?? 10_800,
    connectionTtlSeconds: settings.connectionTtlSeconds ?? 7_500,
    maxAnswerAttempts: settings.maxAnswerAttempts ?? 8,
    requireToken: settings.requireToken ?? false,
    queryCredentials: settings.queryCredentials ?? false,
    rateLimits:
      settings.rateLimits === false ? false : { ...DEFAULT_QUIZ_RATE_LIMITS, ...settings.rateLimits },
  };
}

/**
 * The handler's log sink: the deprecated `log` when given, else `logger` (default `console`, warnings and errors)
 * with secret-looking fields redacted.
 *
 * @example
 * ```ts
 * const log = resolveQuizLog(options);
 * log({ level: 'warn', message: 'postToConnection failed', connectionId, error });
 * ```
 */
export function resolveQuizLog(
  options: Pick<QuizSocketHandlerOptions, 'log' | 'logger'>,
): (entry: QuizLogEntry) => void {
  if (options.log !== undefined) return options.log;
  const logger = safeLogger(options.logger ?? consoleLogger(['warn', 'error']));
  return ({ level, message, ...fields }) => logger[level](message, fields);
}
