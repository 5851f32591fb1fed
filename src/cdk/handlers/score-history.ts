/** GET /scorehistory (IAM auth): the score distribution, as `GameScores` deploys it. */
import { createScoreHistoryHandler, type ScoreHistoryHandlerOptions } from '../../scores/lambda.js';
import { handlerOptions } from './environment.js';

export const handler = createScoreHistoryHandler(handlerOptions<ScoreHistoryHandlerOptions>());
