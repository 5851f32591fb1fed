/**
 * Options of `createQuizSocketHandler`, their defaults and their validation (at factory time, before any I/O).
 */
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { QuizPatternOptions } from './dictionary.js';
import { QuizError } from './errors.js';
import type { QuizRulesOptions } from './game.js';
import type { TokenVerifier } from './player-identity.js';
import { DEFAULT_QUIZ_TABLE_NAMES, type QuizTableNames } from './tables.js';

/** One log line of the socket handler. */
export interface QuizLogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  connectionId?: string;
  roomId?: string;
  error?: unknown;
}

/** Everything `createQuizSocketHandler` accepts; all optional. */
export interface QuizSocketHandlerOptions {
  /** Table and index names; defaults in {@link DEFAULT_QUIZ_TABLE_NAMES}. */
  tables?: Partial<QuizTableNames>;
  /** Document client for the tables (never destroyed). Default: built from `dynamoDBClient`. */
  documentClient?: DynamoDBDocumentClient;
  /** DynamoDB client to wrap (never destroyed). Default: `new DynamoDBClient({})`. */
  dynamoDBClient?: DynamoDBClient;
  /**
   * The management API endpoint, e.g. `https://abc123.execute-api.ap-northeast-2.amazonaws.com/prod` (or the
   * local stack's `env.endpoints.connections`). Default: `https://${domainName}/${stage}` of each event.
   */
  managementEndpoint?: string;
  /** A management client, or a factory given the endpoint (called once per endpoint). */
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
  /** Verifies `?token=` on `$connect`; the player id then comes from the token. */
  verifyToken?: TokenVerifier;
  /** Refuse connections without a token (needs `verifyToken`). Default `false`. */
  requireToken?: boolean;
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
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Log sink. Default: `console.error` for errors and warnings, nothing for info. */
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
}

const tableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table or index name');
const positiveInt = z.number().int().positive();

const settingsSchema = z.object({
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
  };
}
