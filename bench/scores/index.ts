/**
 * Benchmarks `serverless-game-kit/scores` in one run, on a DynamoDB Local of its own (capacity from
 * `ReturnConsumedCapacity`), each figure against a baseline measured in the same run — a naive leaderboard
 * (Scan + sort, put-then-update per stream record, unsigned PutItem) or the previous method:
 *
 * 1. Stream aggregation: WCU per 1,000 plays, exactly-once with shard marks (bisect-safe), batch-start marks,
 *    at-least-once, and with the rank histogram, vs put-then-update per record; narrow and wide scores.
 * 2. Submit throughput through the local stack (signed client → gateway → handler → DynamoDB Local) vs an
 *    unsigned PutItem behind the same gateway.
 * 3. Top-10 read: GSI Query vs Scan + sort at 10,000 and 100,000 players; top 10 on 16 shards vs 1; exact rank of
 *    the median and last of 100,000 players from the rank histogram vs counting the index (RCU, p50).
 * 4. Partition-load model: hottest partition key at 20,000 submissions/s on one board, 1 shard vs the sizing rule.
 *
 * Run with `npm run bench -- scores` (about 10 minutes; most of it loads 100,000 players twice).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClientConfig } from '../../src/local/client-config.js';
import { startDynamoDbLocal } from '../../src/local/dynamodb-local.js';
import { meterCapacity } from './capacity.js';
import { benchmarkPartitionLoad } from './partition-load.js';
import { benchmarkStreamAggregation } from './stream-aggregation.js';
import { benchmarkSubmitThroughput } from './submit-throughput.js';
import { benchmarkTopRead } from './top-read.js';

export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dynamodbLocal = await startDynamoDbLocal({ jvmArgs: ['-Xmx2g'], startTimeoutMs: 180_000 });
  const dynamodb = new DynamoDBClient(localClientConfig(dynamodbLocal.endpoint));
  const meter = meterCapacity(dynamodb);
  try {
    await benchmarkStreamAggregation(dynamodb, meter);
    await benchmarkSubmitThroughput(dynamodbLocal.endpoint);
    await benchmarkTopRead(dynamodb, meter);
    benchmarkPartitionLoad();
  } finally {
    dynamodb.destroy();
    await dynamodbLocal.stop();
  }
}
