/**
 * `serverless-game-kit/scores/lambda`: Lambda handler factories for leaderboards, ranks and the score distribution,
 * plus the table definitions and the key layout (write shards, rank histogram). Server-only (uses the AWS SDK and Node); the browser client is `serverless-game-kit/scores`.
 */
export { createSubmitScoreHandler } from './submit-handler.js';
export { RECOMMENDED_RATE_LIMIT } from './submit-plan.js';
export type { SubmitScoreHandlerOptions } from './submit-handler.js';
export { createLeaderboardHandler } from './leaderboard-handler.js';
export type { LeaderboardHandlerOptions } from './leaderboard-handler.js';
export { createScoreHistoryHandler } from './history-handler.js';
export type { ScoreHistoryHandlerOptions } from './history-handler.js';
export { createScoreStreamHandler } from './stream-handler.js';
export { RANK_LEVELS, rankBucket, rankDeltas, rankHistogramItems, rankItemKey } from './rank-histogram.js';
export type { RankItemKey } from './rank-histogram.js';
export { RankSpanStore, rankLevelsToRead, rankSpanPartition, spanOfScores, spanWith } from './rank-span.js';
export type { RankSpan } from './rank-span.js';
export {
  MAX_BOARD_SHARDS,
  boardOfPartitionKey,
  boardShardKeys,
  playerPartitionKey,
  shardKey,
  shardOf,
} from './partition-keys.js';
export { CURSOR_KEY_ENV } from './cursor.js';
export type {
  ScoreStreamEvent,
  ScoreStreamHandlerOptions,
  ScoreStreamResult,
  ScoreStreamSummary,
} from './stream-handler.js';
export type { ScoresHttpHandler, ScoresLogger, DynamoDbClientOption } from './handler-support.js';
export type { LogFields, Logger, LogLevel } from '../core/logger.js';
export { cognitoIdentityOf, isValidPlayerId } from './identity.js';
export type { PlayerResolver } from './identity.js';
export type { RateLimit } from './submit-plan.js';
export { DEFAULT_SUBMIT_LIMITS } from './submit-body.js';
export type { SubmitLimits } from './submit-body.js';
export { BOARD_NAME_PATTERN, DEFAULT_BOARDS } from './board-settings.js';
export type { BoardCatalog, BoardSettings } from './board-settings.js';
export {
  DEFAULT_SCORE_TABLES,
  DISTRIBUTION_ATTRIBUTES,
  SCORE_ITEM_ATTRIBUTES,
  resolveScoreTables,
  scoreTables,
} from './table.js';
export type { ResolvedScoreTables, ScoreTablesConfig } from './table.js';
export { SCORES_ERROR_STATUS, ScoresError, isScoresAnswerCode, isScoresError } from './errors.js';
export type { ScoresErrorCode } from './errors.js';
export type {
  AroundResult,
  BoardMode,
  BoardOrder,
  LeaderboardEntry,
  LeaderboardPage,
  ScoreBucket,
  ScoreHistoryPage,
  SubmitScoreResult,
} from './types.js';
