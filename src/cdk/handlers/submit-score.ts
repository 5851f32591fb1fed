/** POST /scoreboard (IAM auth): records a play of the calling player, as `GameScores` deploys it. */
import { createSubmitScoreHandler, type SubmitScoreHandlerOptions } from '../../scores/lambda.js';
import { handlerOptions } from './environment.js';

export const handler = createSubmitScoreHandler(handlerOptions<SubmitScoreHandlerOptions>());
