/** The scores table's stream → the score distribution, as `GameScores` deploys it. */
import { createScoreStreamHandler, type ScoreStreamHandlerOptions } from '../../scores/lambda.js';
import { handlerOptions } from './environment.js';

export const handler = createScoreStreamHandler(handlerOptions<ScoreStreamHandlerOptions>());
