/** `GET /scoreboard` (IAM auth): top N by the `byScore` index, paged, and `around=me` ranks. */
import { createLeaderboardHandler } from 'serverless-game-kit/scores/lambda';
import { scoreTablesFromEnv } from './score-tables.js';

export const handler = createLeaderboardHandler({ tables: scoreTablesFromEnv() });
