/** `POST /scoreboard` (IAM auth): records a play of the calling Cognito identity. */
import { createSubmitScoreHandler } from 'serverless-game-kit/scores/lambda';
import { scoreTablesFromEnv } from './score-tables.js';

export const handler = createSubmitScoreHandler({ tables: scoreTablesFromEnv() });
