/**
 * Benchmarks `serverless-game-kit/scores` against the original workshop's Lab 3 code in the same run, on a
 * DynamoDB Local of its own (capacity from `ReturnConsumedCapacity`):
 *
 * 1. Top-10 read: our GSI Query vs the sample's Scan + sort at 10,000 and 100,000 players (RCU and time ratios;
 *    target ≥ 1000× fewer RCU at 100,000), plus the cost of an exact rank at three depths.
 * 2. Stream aggregation: WCU per 1,000 plays, ours (exactly-once with shard or item checkpoints, and
 *    at-least-once) vs the sample's put-then-update per record, for a narrow and a wide score distribution.
 * 3. Submit throughput through the local stack (signed client → gateway → handler → DynamoDB Local) vs the
 *    sample's unsigned PutItem behind the same gateway.
 *
 * Run with `npm run bench -- scores` (about 3–5 minutes; most of it loads 100,000 players).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClientConfig } from '../../src/local/client-config.js';
import { startDynamoDbLocal } from '../../src/local/dynamodb-local.js';
import { meterCapacity } from './capacity.js';
import { benchmarkStreamAggregation } from './stream-aggregation.js';
import { benchmarkSubmitThroughput } from './submit-throughput.js';
import { benchmarkTopRead } from './top-read.js';

export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dynamodbLocal = await startDynamoDbLocal({ jvmArgs: ['-Xmx2g'] });
  const dynamodb = new DynamoDBClient(localClientConfig(dynamodbLocal.endpoint));
  const meter = meterCapacity(dynamodb);
  try {
    await benchmarkStreamAggregation(dynamodb, meter);
    await benchmarkSubmitThroughput(dynamodbLocal.endpoint);
    await benchmarkTopRead(dynamodb, meter);
  } finally {
    dynamodb.destroy();
    await dynamodbLocal.stop();
  }
}
