/**
 * `serverless-game-kit/scores`: the browser-safe leaderboard client. No AWS SDK, no Node built-ins; requests are
 * signed with SigV4 through WebCrypto when credentials are given. The Lambda side is
 * `serverless-game-kit/scores/lambda`.
 */
export { ScoreClient } from './client.js';
export type { ScoreCallOptions, ScoreClientOptions } from './client.js';
export { createSigningFetch, regionOfApiUrl } from './signing-fetch.js';
export type { SigningFetchOptions } from './signing-fetch.js';
export { BOARD_NAME_PATTERN } from './board-name.js';
export { ScoresError, isScoresAnswerCode, isScoresError } from './errors.js';
export type { ScoresErrorCode } from './errors.js';
export { HttpClientError } from '../core/client/request-json.js';
export type { FetchLike, HttpClientErrorCode } from '../core/client/request-json.js';
export { GameKitError, isGameKitError } from '../core/errors.js';
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
