/**
 * The scores table's stream → the score distribution, exactly once. `STREAM_CHECKPOINT` comes from the stack,
 * which sets it together with the event source mapping's `BisectBatchOnFunctionError`: `item` checkpoints stay
 * correct when Lambda bisects a batch; the cheaper per-batch markers (`auto`) need bisection off.
 */
import { createScoreStreamHandler } from 'serverless-game-kit/scores/lambda';
import { requiredEnv } from './environment.js';
import { scoreTablesFromEnv } from './score-tables.js';

const checkpoint = requiredEnv('STREAM_CHECKPOINT');
if (checkpoint !== 'item' && checkpoint !== 'auto') {
  throw new Error(`STREAM_CHECKPOINT must be "item" or "auto", not "${checkpoint}".`);
}

export const handler = createScoreStreamHandler({ tables: scoreTablesFromEnv(), checkpoint });
