import { type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { QuizSocketHandlerOptions } from '../quiz/socket-options.js';
import { DEFAULT_QUIZ_TABLE_NAMES, type QuizTableNames, quizTables } from '../quiz/tables.js';
import { parseWordPack } from '../quiz/word-pack.js';
import { acknowledgeRules, arnFinding, environmentFinding } from './acknowledge.js';
import { deployModuleTables, type GameTableSettings } from './dynamodb-tables.js';
import { createGameFunction, type GameFunctionSettings } from './game-function.js';
import { type ApiThrottle, DEFAULT_API_THROTTLE } from './game-http-api.js';
import type { JsonHandlerOptions } from './json-options.js';

/** Options of {@link QuizRealtime}. */
export interface QuizRealtimeProps {
  /** Table names before the prefix; default the module's (`quiz-connections`, `quiz-rooms`, `quiz-chat`). */
  tables?: Partial<QuizTableNames>;
  /**
   * Name prefix and removal policy (default `RETAIN`). Point-in-time recovery is off by default: the tables hold
   * minutes to days of room state, all of it under TTL.
   */
  tableSettings?: GameTableSettings;
  /**
   * The word pack (Hangul words) questions are drawn from; checked at synth time and shipped next to the function
   * as `words.json`. Default: the module's built-in pack.
   */
  words?: readonly string[];
  /**
   * Cognito identity pool whose OpenID tokens players may join with (sent in `Sec-WebSocket-Protocol`): they
   * then play as their Cognito identity. `GameBackend` passes `GameAuth`'s. Without one, every player is a guest.
   */
  identityPoolId?: string;
  /** Refuse connections without a valid token; default false (guests may play). Needs `identityPoolId`. */
  requireToken?: boolean;
  /** Default `prod`. */
  stageName?: string;
  /** Default {@link DEFAULT_API_THROTTLE}. */
  throttle?: ApiThrottle;
  /**
   * Stage access logs; default false, because WebSocket (unlike HTTP) API logging needs the account's API Gateway
   * CloudWatch role to be set once per region (`AWS::ApiGateway::Account`).
   */
  accessLogs?: boolean;
  /** Anything else `createQuizSocketHandler` accepts (JSON values only), e.g. `{ recentChat: 50 }`. */
  handlerOptions?: JsonHandlerOptions<QuizSocketHandlerOptions>;
  functionSettings?: GameFunctionSettings;
}

/**
 * Realtime choseong quiz rooms: the WebSocket API (`$connect`, `$disconnect`, `$default`), the three tables
 * `quizTables()` defines, and the socket function, the only principal allowed to post to (and drop) this API's
 * connections.
 *
 * @example
 * ```ts
 * import { QuizRealtime } from 'serverless-game-kit/cdk';
 *
 * const quiz = new QuizRealtime(this, 'Quiz', { words: ['사과', '사람', '사랑'], identityPoolId: auth.identityPoolId });
 * new CfnOutput(this, 'QuizUrl', { value: quiz.url });
 * ```
 */
export class QuizRealtime extends Construct {
  readonly webSocketApi: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly function: LambdaFunction;
  /** The table names the handler runs with (prefixed). */
  readonly tableNames: QuizTableNames;
  /** Every table, by the setting that names it (`connections`, `rooms`, `chat`, …). */
  readonly tables: Readonly<Record<string, Table>>;
  /** `wss://<id>.execute-api.<region>.amazonaws.com/<stage>`: `QuizRoom.join`'s `url`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: QuizRealtimeProps = {}) {
    super(scope, id);
    if (props.requireToken === true && props.identityPoolId === undefined) {
      throw new Error('QuizRealtime: requireToken needs an identityPoolId to verify tokens against.');
    }
    const tableSettings = props.tableSettings ?? {};
    const { settings, tables } = deployModuleTables(this, tableSettings, {
      settings: { ...DEFAULT_QUIZ_TABLE_NAMES, ...props.tables },
      definitionsOf: (names) => quizTables(names),
      defaultDefinitions: quizTables(),
      defaultPointInTimeRecovery: false,
    });
    if (tableSettings.pointInTimeRecovery !== true) {
      for (const table of Object.values(tables)) {
        acknowledgeRules(table, [
          {
            id: 'AwsSolutions-DDB3',
            reason: 'Quiz tables hold minutes to days of room state, all under TTL.',
          },
        ]);
      }
    }
    this.tableNames = settings;
    this.tables = tables;

    const words =
      props.words === undefined ? undefined : parseWordPack([...props.words], 'QuizRealtime words');
    this.function = createGameFunction(this, 'SocketFunction', {
      name: 'quizSocket',
      description: 'Quiz WebSocket: $connect, $disconnect, $default',
      // API Gateway's WebSocket integration timeout; a broadcast posts to every connection of a room.
      timeout: Duration.seconds(29),
      memorySize: 512,
      options: {
        ...props.handlerOptions,
        ...(props.requireToken === undefined ? {} : { requireToken: props.requireToken }),
        ...(props.identityPoolId === undefined ? {} : { identityPoolId: props.identityPoolId }),
        tables: this.tableNames,
      },
      ...(words === undefined ? {} : { files: { 'words.json': JSON.stringify(words) } }),
      settings: props.functionSettings,
    });
    for (const table of Object.values(tables)) table.grantReadWriteData(this.function);

    const integration = new WebSocketLambdaIntegration('SocketIntegration', this.function);
    this.webSocketApi = new WebSocketApi(this, 'Api', {
      description: 'serverless-game-kit: realtime choseong quiz rooms',
      connectRouteOptions: { integration },
      disconnectRouteOptions: { integration },
      defaultRouteOptions: { integration },
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.webSocketApi,
      stageName: props.stageName ?? 'prod',
      autoDeploy: true,
      throttle: props.throttle ?? DEFAULT_API_THROTTLE,
      ...(props.accessLogs === true
        ? {
            accessLogSettings: {
              destination: new LogGroupLogDestination(
                new LogGroup(this, 'AccessLogs', {
                  retention: RetentionDays.ONE_MONTH,
                  removalPolicy: RemovalPolicy.DESTROY,
                }),
              ),
            },
          }
        : {}),
    });
    if (props.accessLogs !== true) {
      acknowledgeRules(this.stage, [
        {
          id: 'AwsSolutions-APIG1',
          reason:
            'WebSocket access logs need the account-wide API Gateway CloudWatch role; opt in with accessLogs: true. ' +
            'The socket function logs every connection and message.',
        },
      ]);
    }
    // execute-api:ManageConnections on this stage's @connections only: PostToConnection, DeleteConnection.
    this.grantManageConnections(this.function);
    const environment = environmentFinding(this);
    const apiId = Stack.of(this).getLogicalId(this.webSocketApi.node.defaultChild as CfnElement);
    acknowledgeRules(this, [
      {
        id: 'AwsSolutions-IAM5',
        appliesTo: [
          ...Object.values(tables).map((table) => `Resource::${arnFinding(table)}/index/*`),
          `Resource::arn:<AWS::Partition>:execute-api:${environment.region}:${environment.account}:<${apiId}>/${this.stage.stageName}/*/@connections/*`,
        ],
        reason:
          'The socket function queries the connections table\'s room index ("<table>/index/*") and posts to any ' +
          'connection of its own stage ("<api>/<stage>/*/@connections/*"); connection ids are only known at run time.',
      },
      {
        id: 'AwsSolutions-APIG4',
        reason:
          '$connect accepts guests by design; players who sign in pass a Cognito OpenID token that the function ' +
          'verifies (requireToken: true refuses guests).',
      },
    ]);
    this.url = this.stage.url;
  }

  /**
   * Lets a principal post to and drop connections of this API's stage (`execute-api:ManageConnections`), e.g. a
   * function that announces rounds from outside the socket handler.
   *
   * @param grantee - The principal.
   * @returns The grant.
   * @example
   * ```ts
   * quiz.grantManageConnections(announcer);
   * ```
   */
  grantManageConnections(grantee: IGrantable): Grant {
    return this.stage.grantManagementApiAccess(grantee);
  }
}
