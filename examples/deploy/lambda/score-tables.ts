import type { ScoreTablesConfig } from 'serverless-game-kit/scores/lambda';
import { requiredEnv } from './environment.js';

/**
 * The scores tables the stack created, from the function's environment.
 *
 * @returns The `tables` option of every scores handler.
 * @example
 * ```ts
 * export const handler = createLeaderboardHandler({ tables: scoreTablesFromEnv() });
 * ```
 */
export function scoreTablesFromEnv(): ScoreTablesConfig {
  return {
    scoresTable: requiredEnv('SCORES_TABLE'),
    scoreIndex: requiredEnv('SCORE_INDEX'),
    distributionTable: requiredEnv('SCORE_DISTRIBUTION_TABLE'),
  };
}
