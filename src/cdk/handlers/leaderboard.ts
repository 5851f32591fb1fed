/** GET /scoreboard (IAM auth): top N, pages and ranks around the caller, as `GameScores` deploys it. */
import { createLeaderboardHandler, type LeaderboardHandlerOptions } from '../../scores/lambda.js';
import { handlerOptions } from './environment.js';

export const handler = createLeaderboardHandler(handlerOptions<LeaderboardHandlerOptions>());
