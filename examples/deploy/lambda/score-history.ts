/** `GET /scorehistory` (IAM auth): how many plays ended with each score. */
import { createScoreHistoryHandler } from 'serverless-game-kit/scores/lambda';
import { scoreTablesFromEnv } from './score-tables.js';

export const handler = createScoreHistoryHandler({ tables: scoreTablesFromEnv() });
