import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The p-th percentile (0–100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Formats a number with thousands separators and `digits` decimals. */
export function format(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Writes items with BatchWriteItem, 25 per request, `concurrency` requests at a time, retrying unprocessed ones. */
export async function batchWrite(
  dynamodb: DynamoDBClient,
  table: string,
  items: Array<WriteRequest['PutRequest']>,
  concurrency = 8,
): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let index = 0; index < items.length; index += 25) {
    batches.push(items.slice(index, index + 25).map((PutRequest) => ({ PutRequest })));
  }
  const worker = async (): Promise<void> => {
    for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) {
      let pending = batch;
      for (let attempt = 0; attempt < 20 && pending.length > 0; attempt++) {
        const output = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = output.UnprocessedItems?.[table] ?? [];
      }
      if (pending.length > 0) throw new Error(`batchWrite: ${pending.length} items stayed unprocessed`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** A minimal HTTP API v2 GET event for calling a read handler directly. */
export function getEvent(query: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /scoreboard',
    rawPath: '/scoreboard',
    rawQueryString: new URLSearchParams(query).toString(),
    headers: {},
    queryStringParameters: query,
    requestContext: { http: { method: 'GET', path: '/scoreboard' } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}
