import { type DynamoDBClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { numberValue, readInteger, stringValue } from './attribute-values.js';
import { DISTRIBUTION_ATTRIBUTES, type ResolvedScoreTables } from './table.js';
import type { BoardOrder } from './types.js';

/** One bucket of a rank-histogram partition and how many players it counts. */
export interface HistogramBucket {
  bucket: number;
  count: number;
}

/** Which part of a histogram partition to read, and how. */
export interface HistogramPartitionRead {
  /** Only the buckets at or better than this one (`>=` for `desc` boards, `<=` for `asc`); default all. */
  from?: { bucket: number; order: BoardOrder };
  /** A strongly consistent read (1 RCU per 4 KB instead of 0.5); default eventually consistent. */
  consistent?: boolean;
}

/** Pages a histogram partition may take: at most 32 small items fit one page, so more is a surprise, not a need. */
const MAX_PAGES = 10;

/**
 * The buckets of one rank-histogram partition (`<board>~r<level>~<group>`) with their counts: one Query (a
 * partition holds at most 32 items of a few hundred bytes, one page), paging only as a guard. Items without a
 * readable bucket or count are skipped.
 *
 * @example
 * ```ts
 * const buckets = await readHistogramPartition(dynamodb, tables, 'global~r0~31', {
 *   from: { bucket: 1000, order: 'desc' },
 * });
 * ```
 */
export async function readHistogramPartition(
  dynamodb: DynamoDBClient,
  tables: ResolvedScoreTables,
  partition: string,
  read: HistogramPartitionRead = {},
): Promise<HistogramBucket[]> {
  const buckets: HistogramBucket[] = [];
  let startKey: QueryCommandOutput['LastEvaluatedKey'];
  for (let page = 0; page < MAX_PAGES; page++) {
    const output = await dynamodb.send(partitionQuery(tables, partition, read, startKey));
    for (const item of output.Items ?? []) {
      const bucket = readInteger(item, tables.attributes.score);
      const count = readInteger(item, DISTRIBUTION_ATTRIBUTES.count);
      if (bucket !== undefined && count !== undefined) buckets.push({ bucket, count });
    }
    startKey = output.LastEvaluatedKey;
    if (!startKey) break;
  }
  return buckets;
}

function partitionQuery(
  tables: ResolvedScoreTables,
  partition: string,
  { from, consistent }: HistogramPartitionRead,
  startKey: QueryCommandOutput['LastEvaluatedKey'],
): QueryCommand {
  const { attributes } = tables;
  return new QueryCommand({
    TableName: tables.distributionTable,
    KeyConditionExpression: from ? `#b = :b AND #s ${from.order === 'desc' ? '>=' : '<='} :s` : '#b = :b',
    ExpressionAttributeNames: { '#b': attributes.board, ...(from ? { '#s': attributes.score } : {}) },
    ExpressionAttributeValues: {
      ':b': stringValue(partition),
      ...(from ? { ':s': numberValue(from.bucket) } : {}),
    },
    ...(consistent ? { ConsistentRead: true } : {}),
    ...(startKey ? { ExclusiveStartKey: startKey } : {}),
  });
}
