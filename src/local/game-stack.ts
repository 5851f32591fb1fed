import { randomBytes } from 'node:crypto';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { createKakaoAuthHandler } from '../auth/kakao-auth-handler.js';
import { getChoseong } from '../hangul/getChoseong.js';
import { createJwtTokenVerifier } from '../quiz/player-identity.js';
import { createQuizSocketHandler } from '../quiz/socket-handler.js';
import { DEFAULT_QUIZ_TABLE_NAMES, type QuizTableNames, quizTables } from '../quiz/tables.js';
import { GAME_API_EXPOSED_HEADERS } from '../core/client/exposed-headers.js';
import { createScoreHistoryHandler } from '../scores/history-handler.js';
import { createLeaderboardHandler } from '../scores/leaderboard-handler.js';
import { createScoreStreamHandler } from '../scores/stream-handler.js';
import { createSubmitScoreHandler } from '../scores/submit-handler.js';
import { DEFAULT_SCORE_TABLES, type ScoreTablesConfig, scoreTables } from '../scores/table.js';
import { localClientConfig } from './client-config.js';
import { transcriptLogger } from './transcript-logger.js';
import type { LocalStack } from './stack/start-local-stack.js';
import type { LocalStackConfig } from './stack/types.js';

/** Fixed identifiers of the local game, the stand-ins for what a deployment's outputs hold. */
export const LOCAL_GAME = Object.freeze({
  identityPoolId: 'ap-northeast-2:00000000-0000-4000-8000-000000000000',
  developerProviderName: 'gamingonaws.auth',
  kakaoAppId: 100000,
  cdnBucket: 'game-cdn',
  patchPrefix: 'patch',
  /** `global` keeps each player's best; `daily#<date>` and `test-<anything>` boards too. */
  boards: Object.freeze({ global: {}, 'daily#*': {}, 'test-*': {} }),
});

/** What a game client needs to reach the backend: the shape of the `config.json` a deployment outputs. */
export interface GameClientConfig {
  region: string;
  /** Base URL of the HTTP API (`POST /auth/kakao`, `/scoreboard`, `/scorehistory`). */
  httpApi: string;
  authEndpoint: string;
  identityPoolId: string;
  /** Cognito Identity endpoint; absent for the real service (the client derives it from the region). */
  cognitoEndpoint?: string;
  /** Base URL of the Kakao API the auth handler checks tokens with (local stack only). */
  kakaoApiBaseUrl?: string;
  kakaoAppId: number;
  websocket: string;
  cdn: string;
  patchPrefix: string;
}

/** Options of {@link gameStackConfig}. */
export interface GameStackOptions {
  /**
   * Put in front of every table name (`GameScores` → `<prefix>GameScores`). Stacks that share one DynamoDB
   * Local — parallel tests, say — need distinct prefixes: each stack polls its scores table's stream, so two
   * stacks on one table would both count every play.
   */
  tablePrefix?: string;
}

/**
 * The whole product on one machine: the tables of the scores and quiz modules, the CDN bucket, local Kakao and
 * Cognito, and every handler on its route — `POST /auth/kakao`, `POST|GET /scoreboard` (IAM), `GET
 * /scorehistory`, the quiz WebSocket routes, the score stream aggregator, and a `GET /hangul/choseong` demo.
 * This is what `sgk local` runs without `--config`.
 *
 * @example
 * ```ts
 * import { gameStackConfig, startLocalStack } from 'serverless-game-kit/local';
 *
 * const stack = await startLocalStack(gameStackConfig());
 * ```
 */
export function gameStackConfig(options: GameStackOptions = {}): LocalStackConfig {
  const prefix = options.tablePrefix ?? '';
  const scoreTableNames: ScoreTablesConfig = {
    scoresTable: `${prefix}${DEFAULT_SCORE_TABLES.scoresTable}`,
    distributionTable: `${prefix}${DEFAULT_SCORE_TABLES.distributionTable}`,
  };
  const quizTableNames: Partial<QuizTableNames> = {
    connections: `${prefix}${DEFAULT_QUIZ_TABLE_NAMES.connections}`,
    rooms: `${prefix}${DEFAULT_QUIZ_TABLE_NAMES.rooms}`,
    chat: `${prefix}${DEFAULT_QUIZ_TABLE_NAMES.chat}`,
  };
  const boards = { ...LOCAL_GAME.boards };
  // A fresh random cursor secret per local stack, as a deployment sets one (cursors do not outlive the stack).
  const cursorKey = randomBytes(32);
  return {
    tables: [...scoreTables(scoreTableNames), ...quizTables(quizTableNames)],
    buckets: [LOCAL_GAME.cdnBucket],
    identity: {
      kakao: { defaultAppId: LOCAL_GAME.kakaoAppId },
      cognito: {
        identityPools: [
          {
            identityPoolId: LOCAL_GAME.identityPoolId,
            developerProviderName: LOCAL_GAME.developerProviderName,
          },
        ],
      },
    },
    http: {
      cdn: { bucket: LOCAL_GAME.cdnBucket },
      cors: {
        allowOrigins: ['*'],
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: ['*'],
        exposeHeaders: [...GAME_API_EXPOSED_HEADERS],
        maxAgeSeconds: 600,
      },
    },
    functions: (env) => {
      const dynamodb = env.clients.dynamodb;
      const cognito = env.identity.cognito;
      const log = env.log;
      const quiz = createQuizSocketHandler({
        logger: transcriptLogger(
          log,
          (level, message, fields) =>
            `quiz ${level}: ${message}${fields?.error instanceof Error ? ` (${fields.error.message})` : ''}`,
        ),
        dynamoDBDocumentClient: env.clients.documents,
        tables: quizTableNames,
        apiGatewayManagementApiClient: new ApiGatewayManagementApiClient(
          localClientConfig(env.endpoints.connections),
        ),
        ...(cognito?.jwks.keys[0]
          ? {
              verifyToken: createJwtTokenVerifier({
                jwk: cognito.jwks.keys[0],
                issuer: 'https://cognito-identity.amazonaws.com',
                audience: LOCAL_GAME.identityPoolId,
              }),
            }
          : {}),
      });
      return {
        http: {
          'POST /auth/kakao': {
            name: 'auth-kakao',
            handler: createKakaoAuthHandler({
              identityPoolId: LOCAL_GAME.identityPoolId,
              developerProviderName: LOCAL_GAME.developerProviderName,
              kakaoAppIds: [LOCAL_GAME.kakaoAppId],
              ...(env.endpoints.kakao ? { kakaoApiBaseUrl: env.endpoints.kakao } : {}),
              cognitoIdentityClient: new CognitoIdentityClient(
                localClientConfig(env.endpoints.cognito ?? ''),
              ),
              logger: transcriptLogger(
                log,
                (level, message, fields) =>
                  `${level === 'info' ? '' : `${level}: `}${message}${describe(fields)}`,
              ),
            }),
          },
          'POST /scoreboard': {
            name: 'scores-submit',
            auth: 'iam',
            handler: createSubmitScoreHandler({ dynamoDBClient: dynamodb, tables: scoreTableNames, boards }),
          },
          'GET /scoreboard': {
            name: 'scores-leaderboard',
            auth: 'iam',
            handler: createLeaderboardHandler({
              dynamoDBClient: dynamodb,
              tables: scoreTableNames,
              boards,
              cursorKey,
            }),
          },
          'GET /scorehistory': {
            name: 'scores-history',
            handler: createScoreHistoryHandler({
              dynamoDBClient: dynamodb,
              tables: scoreTableNames,
              boards,
              cursorKey,
            }),
          },
          'GET /hangul/choseong': {
            name: 'hangul-choseong',
            handler: (event: { queryStringParameters?: Record<string, string | undefined> }) => {
              const text = event.queryStringParameters?.text ?? '';
              return { text, choseong: getChoseong(text) };
            },
          },
        },
        websocket: {
          $connect: { name: 'quiz-socket', handler: quiz },
          $disconnect: { name: 'quiz-socket', handler: quiz },
          $default: { name: 'quiz-socket', handler: quiz },
        },
        streams: [
          {
            table: `${prefix}${DEFAULT_SCORE_TABLES.scoresTable}`,
            function: {
              name: 'scores-aggregator',
              handler: createScoreStreamHandler({ dynamoDBClient: dynamodb, tables: scoreTableNames }),
            },
            reportBatchItemFailures: true,
            batchSize: 100,
          },
        ],
      };
    },
  };
}

/**
 * The client configuration of a running game stack, as a deployment's `config.json` would give it.
 *
 * @example
 * ```ts
 * import { gameClientConfig, gameStackConfig, startLocalStack } from 'serverless-game-kit/local';
 *
 * const stack = await startLocalStack(gameStackConfig());
 * console.log(JSON.stringify(gameClientConfig(stack)));
 * ```
 */
export function gameClientConfig(stack: LocalStack): GameClientConfig {
  return {
    region: stack.region,
    httpApi: stack.endpoints.http,
    authEndpoint: `${stack.endpoints.http}/auth/kakao`,
    identityPoolId: LOCAL_GAME.identityPoolId,
    ...(stack.endpoints.cognito ? { cognitoEndpoint: stack.endpoints.cognito } : {}),
    ...(stack.endpoints.kakao ? { kakaoApiBaseUrl: stack.endpoints.kakao } : {}),
    kakaoAppId: LOCAL_GAME.kakaoAppId,
    websocket: stack.endpoints.websocket,
    cdn: stack.endpoints.cdn ?? `${stack.endpoints.http}/cdn`,
    patchPrefix: LOCAL_GAME.patchPrefix,
  };
}

/** Log details as compact JSON; the auth handler never puts tokens in them. */
function describe(details: Record<string, unknown> | undefined): string {
  return details === undefined ? '' : ` ${JSON.stringify(details)}`;
}
