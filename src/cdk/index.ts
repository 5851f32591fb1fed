/**
 * `serverless-game-kit/cdk`: AWS CDK constructs that deploy each workflow — `GameAuth`, `GameScores`,
 * `QuizRealtime`, `GamePatchCdn` — or all of them with `GameBackend`. Needs `aws-cdk-lib` and `constructs` (optional
 * peer dependencies, loaded by no other subpath). The Lambda code is the package's own handlers, prebuilt.
 * @module
 */
export { GameBackend } from './game-backend.js';
export type { GameBackendProps } from './game-backend.js';
export { GameAuth } from './game-auth.js';
export type { GameAuthProps } from './game-auth.js';
export { DEFAULT_PLAYER_RATE_LIMIT, GameScores, SCORE_ROUTES } from './game-scores.js';
export type {
  GameScoresProps,
  ScoreFunctionName,
  ScoreHandlerOptions,
  ScoreStreamSettings,
} from './game-scores.js';
export { QuizRealtime } from './quiz-realtime.js';
export type { QuizRealtimeProps } from './quiz-realtime.js';
export { GamePatchCdn } from './game-patch-cdn.js';
export type { GamePatchCdnProps, PatchCachePolicies } from './game-patch-cdn.js';
export { DEFAULT_API_THROTTLE, GameHttpApi } from './game-http-api.js';
export type { ApiThrottle, GameHttpApiProps } from './game-http-api.js';
export type { GameConfig } from './game-config.js';
export { GAME_RUNTIME } from './game-function.js';
export type { GameFunctionSettings, GameHandlerCode } from './game-function.js';
export type { GameFunctionName } from './handler-entries.js';
export { defaultHandlerBundleDirectory, handlerBundlePath } from './handler-code.js';
export { tableFromDefinition } from './dynamodb-tables.js';
export type { GameTableSettings } from './dynamodb-tables.js';
export type { JsonHandlerOptions } from './json-options.js';
export type { RuleAcknowledgment } from './acknowledge.js';
export type { TableDefinition } from '../core/table-definition.js';
