import { Duration, Stack } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { type Grant, type IGrantable, Grant as IamGrant } from 'aws-cdk-lib/aws-iam';
import { type Function as LambdaFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BoardCatalog } from '../scores/board-settings.js';
import type { LeaderboardHandlerOptions } from '../scores/leaderboard-handler.js';
import type { ScoreHistoryHandlerOptions } from '../scores/history-handler.js';
import type { ScoreStreamHandlerOptions } from '../scores/stream-handler.js';
import type { SubmitScoreHandlerOptions } from '../scores/submit-handler.js';
import { type RateLimit, RECOMMENDED_RATE_LIMIT } from '../scores/submit-plan.js';
import {
  DEFAULT_SCORE_TABLES,
  type ResolvedScoreTables,
  resolveScoreTables,
  type ScoreTablesConfig,
  scoreTables,
} from '../scores/table.js';
import { acknowledgeRules, arnFinding } from './acknowledge.js';
import { deployModuleTables, type GameTableSettings, settingOfTable } from './dynamodb-tables.js';
import { createGameFunction, type GameFunctionSettings } from './game-function.js';
import { CURSOR_KEY_ENV } from '../scores/cursor.js';
import { GameHttpApi } from './game-http-api.js';
import type { JsonHandlerOptions } from './json-options.js';

/** The score routes: all IAM-authorized, the only thing a signed-in player may invoke. */
export const SCORE_ROUTES = [
  { method: HttpMethod.POST, path: '/scoreboard', function: 'submitScore' },
  { method: HttpMethod.GET, path: '/scoreboard', function: 'leaderboard' },
  { method: HttpMethod.GET, path: '/scorehistory', function: 'scoreHistory' },
] as const;

/** The four scores functions. */
export type ScoreFunctionName = 'submitScore' | 'leaderboard' | 'scoreHistory' | 'scoreStream';

/**
 * The per-player limit of score submissions deployed by default: the module's `RECOMMENDED_RATE_LIMIT`, 30 per
 * board per minute. Enough for any real play rate (a round every 2 s), low enough that a scripted flood costs at
 * most 30 writes a minute per identity.
 *
 * @example
 * ```ts
 * new GameScores(this, 'Scores', { rateLimit: { ...DEFAULT_PLAYER_RATE_LIMIT, maxSubmissions: 60 } });
 * ```
 */
export const DEFAULT_PLAYER_RATE_LIMIT: Readonly<RateLimit> = RECOMMENDED_RATE_LIMIT;

/** How the score stream reaches the aggregator. */
export interface ScoreStreamSettings {
  /** Records per invocation; default 100. */
  batchSize?: number;
  /** Retries of a failing record before it goes to the dead-letter queue; default 5. */
  retryAttempts?: number;
  /**
   * Split a failing batch and retry each half (`BisectBatchOnFunctionError`); default true. The mapping always has
   * a 1 s tumbling window, so every event names its stream shard and the aggregator runs with shard checkpoints
   * (`checkpoint: 'shard'`), which stay exactly-once under bisection and retries.
   */
  bisectBatchOnError?: boolean;
  /** Wait up to this long to fill a batch; default none. */
  maxBatchingWindow?: Duration;
}

/** Handler factory options of each scores function (JSON values only; tables are set by the construct). */
export interface ScoreHandlerOptions {
  submitScore?: JsonHandlerOptions<SubmitScoreHandlerOptions>;
  leaderboard?: JsonHandlerOptions<LeaderboardHandlerOptions>;
  scoreHistory?: JsonHandlerOptions<ScoreHistoryHandlerOptions>;
  scoreStream?: JsonHandlerOptions<ScoreStreamHandlerOptions>;
}

/** Options of {@link GameScores}. */
export interface GameScoresProps {
  /** The HTTP API to add the score routes to; default a new {@link GameHttpApi}. */
  httpApi?: GameHttpApi;
  /** Table and attribute names (before the prefix); default the module's (`GameScores`, `byScore`, …). */
  tables?: ScoreTablesConfig;
  /** Name prefix, removal policy (default `RETAIN`) and point-in-time recovery (default on). */
  tableSettings?: GameTableSettings;
  /** Which boards exist, shared by the three HTTP handlers; default `{ global: { mode: 'best', order: 'desc' } }`. */
  boards?: BoardCatalog;
  /** The board of a request without one; default `'global'`. */
  defaultBoard?: string;
  /** Submissions per player per board per window; default {@link DEFAULT_PLAYER_RATE_LIMIT}. `false`: no limit. */
  rateLimit?: RateLimit | false;
  /** Anything else the handler factories accept (JSON values only). */
  handlerOptions?: ScoreHandlerOptions;
  stream?: ScoreStreamSettings;
  functionSettings?: GameFunctionSettings;
}

/** Which scores functions may read or write a scores table, by the setting that names it. */
const TABLE_ACCESS: Record<string, Partial<Record<ScoreFunctionName, 'read' | 'readWrite'>>> = {
  scoresTable: { submitScore: 'readWrite', leaderboard: 'read' },
  // The leaderboard reads the rank histogram kept in the distribution table (`around`'s O(1) exact rank).
  distributionTable: { leaderboard: 'read', scoreHistory: 'read', scoreStream: 'readWrite' },
};

/**
 * Leaderboards with a score distribution: the tables `scoreTables()` defines (keys, the score index, the stream),
 * `POST /scoreboard`, `GET /scoreboard` and `GET /scorehistory` with IAM auth, a per-player submission limit,
 * and the stream aggregator mapped with `ReportBatchItemFailures`, bisection and a dead-letter queue.
 *
 * Every table comes from the module's own `scoreTables()`, so a table the module adds deploys with it. A table the
 * construct has no access rule for is readable and writable by all four functions.
 *
 * @example
 * ```ts
 * import { GameScores } from 'serverless-game-kit/cdk';
 *
 * const scores = new GameScores(this, 'Scores', {
 *   boards: { global: {}, 'daily#*': { mode: 'best' } },
 *   rateLimit: { maxSubmissions: 10, windowSeconds: 60 },
 * });
 * scores.grantInvoke(playerRole);
 * ```
 */
export class GameScores extends Construct {
  readonly httpApi: GameHttpApi;
  /** The resolved table settings the handlers run with (prefixed names). */
  readonly tableConfig: ResolvedScoreTables;
  /** Every table, by the setting that names it (`scoresTable`, `distributionTable`, …). */
  readonly tables: Readonly<Record<string, Table>>;
  /** `board` + `playerId`, GSI by score, stream to the aggregator. */
  readonly scoresTable: Table;
  /** `board` + `score` → count of plays. */
  readonly distributionTable: Table;
  readonly functions: Readonly<Record<ScoreFunctionName, LambdaFunction>>;
  /** Stream records the aggregator could not apply after its retries. */
  readonly streamFailures: Queue;

  constructor(scope: Construct, id: string, props: GameScoresProps = {}) {
    super(scope, id);
    const { settings, definitions, tables } = deployModuleTables(this, props.tableSettings ?? {}, {
      settings: resolveScoreTables(props.tables),
      definitionsOf: (config) => scoreTables(config),
      defaultDefinitions: scoreTables(DEFAULT_SCORE_TABLES),
      defaultPointInTimeRecovery: true,
    });
    this.tableConfig = settings;
    this.tables = tables;
    this.scoresTable = tables.scoresTable!;
    this.distributionTable = tables.distributionTable!;

    this.functions = this.createFunctions(props);
    this.grantTables();
    this.streamFailures = this.mapStreams(definitions, props.stream ?? {});

    this.httpApi = props.httpApi ?? new GameHttpApi(this, 'HttpApi');
    const authorizer = new HttpIamAuthorizer();
    for (const route of SCORE_ROUTES) {
      const fn = this.functions[route.function];
      this.httpApi.api.addRoutes({
        path: route.path,
        methods: [route.method],
        authorizer,
        integration: new HttpLambdaIntegration(`${fn.node.id}Integration`, fn),
      });
    }
  }

  /**
   * Lets a principal (the players' role) call the three score routes, and nothing else.
   *
   * @param grantee - E.g. `GameAuth.playerRole`.
   * @returns The grant.
   * @example
   * ```ts
   * scores.grantInvoke(auth.playerRole);
   * ```
   */
  grantInvoke(grantee: IGrantable): Grant {
    const api = this.httpApi;
    return IamGrant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: SCORE_ROUTES.map((route) =>
        api.api.arnForExecuteApi(route.method, route.path, api.stage.stageName),
      ),
    });
  }

  private createFunctions(props: GameScoresProps): Record<ScoreFunctionName, LambdaFunction> {
    const tables = this.tableConfig;
    const handlerOptions = props.handlerOptions ?? {};
    const boards = {
      ...(props.boards === undefined ? {} : { boards: props.boards }),
      ...(props.defaultBoard === undefined ? {} : { defaultBoard: props.defaultBoard }),
    };
    const rateLimit = props.rateLimit ?? DEFAULT_PLAYER_RATE_LIMIT;
    const common = { timeout: Duration.seconds(10), settings: props.functionSettings };
    // Paging cursors are signed (HMAC) so an edited cursor is refused. The stack id holds a random UUID that no
    // player sees, so it serves as a per-deployment key without a secret store; a `cursorKey` option overrides it.
    const cursorKey = { [CURSOR_KEY_ENV]: Stack.of(this).stackId };
    return {
      submitScore: createGameFunction(this, 'SubmitScoreFunction', {
        ...common,
        name: 'submitScore',
        description: 'POST /scoreboard: record a play of the calling player',
        options: {
          ...boards,
          ...(rateLimit === false ? {} : { rateLimit }),
          ...handlerOptions.submitScore,
          tables,
        },
      }),
      leaderboard: createGameFunction(this, 'LeaderboardFunction', {
        ...common,
        name: 'leaderboard',
        description: 'GET /scoreboard: top N, pages and ranks',
        options: { ...boards, ...handlerOptions.leaderboard, tables },
        environment: cursorKey,
      }),
      scoreHistory: createGameFunction(this, 'ScoreHistoryFunction', {
        ...common,
        name: 'scoreHistory',
        description: 'GET /scorehistory: the score distribution',
        options: { ...boards, ...handlerOptions.scoreHistory, tables },
        environment: cursorKey,
      }),
      scoreStream: createGameFunction(this, 'ScoreStreamFunction', {
        ...common,
        name: 'scoreStream',
        description: 'Scores table stream → score distribution, exactly once',
        timeout: Duration.seconds(60),
        // The mapping's tumbling window names the shard in every event: shard marks are exactly-once under any
        // redelivery, bisected halves included.
        options: { checkpoint: 'shard', ...handlerOptions.scoreStream, tables },
      }),
    };
  }

  private grantTables(): void {
    for (const [setting, table] of Object.entries(this.tables)) {
      const access = TABLE_ACCESS[setting];
      for (const [name, fn] of Object.entries(this.functions) as Array<[ScoreFunctionName, LambdaFunction]>) {
        const level = access === undefined ? 'readWrite' : access[name];
        if (level === 'read') table.grantReadData(fn);
        if (level === 'readWrite') table.grantReadWriteData(fn);
      }
    }
    acknowledgeRules(this, [
      {
        id: 'AwsSolutions-IAM5',
        appliesTo: Object.values(this.tables).map((table) => `Resource::${arnFinding(table)}/index/*`),
        reason:
          'DynamoDB grants include "<table>/index/*" so the handlers can query the tables\' own indexes (the ' +
          'score index); no other wildcard is granted on data.',
      },
    ]);
  }

  private mapStreams(definitions: ReturnType<typeof scoreTables>, stream: ScoreStreamSettings): Queue {
    const failures = new Queue(this, 'StreamFailures', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
    });
    acknowledgeRules(this.functions.scoreStream, [
      {
        id: 'AwsSolutions-IAM5',
        appliesTo: ['Resource::*'],
        reason: 'dynamodb:ListStreams has no resource-level permission; the event source mapping needs it.',
      },
    ]);
    acknowledgeRules(failures, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is the dead-letter destination of the score stream itself.',
      },
    ]);
    for (const definition of definitions.filter((d) => d.stream !== undefined)) {
      const key = settingOfTable(this.tableConfig, definition.name) ?? definition.name;
      this.functions.scoreStream.addEventSource(
        new DynamoEventSource(this.tables[key]!, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: stream.batchSize ?? 100,
          reportBatchItemFailures: true,
          bisectBatchOnError: stream.bisectBatchOnError ?? true,
          retryAttempts: stream.retryAttempts ?? 5,
          // Shard checkpoints need each event to name its shard (Lambda adds `shardId` to events of a mapping with a
          // tumbling window) and one batch in flight per shard.
          tumblingWindow: Duration.seconds(1),
          parallelizationFactor: 1,
          ...(stream.maxBatchingWindow ? { maxBatchingWindow: stream.maxBatchingWindow } : {}),
          onFailure: new SqsDlq(failures),
        }),
      );
    }
    return failures;
  }
}
