/**
 * The naive baseline the scores benchmarks measure against (named `sample…` in the code): the straightforward
 * leaderboard a first serverless game backend usually starts with, on SDK v3. `GetUserScore` Scans the whole
 * score table and sorts it descending; `CatchScoreUpdate` handles each stream record with a conditional put of
 * `{score, totalcount: 1}`, then an update on `ConditionalCheckFailedException`. Never shipped.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/** `GetUserScore`: Scan every item (all pages), sort by score descending; the caller shows the first ten. */
export async function sampleScoreboard(
  dynamodb: DynamoDBClient,
  table: string,
): Promise<Array<Record<string, AttributeValue>>> {
  const items: Array<Record<string, AttributeValue>> = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await dynamodb.send(
      new ScanCommand({ TableName: table, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...(output.Items ?? []));
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return items.sort((a, b) => Number(b.score?.N) - Number(a.score?.N));
}

/** `CatchScoreUpdate`: for each record, put `{score, totalcount: 1}` if absent, else increment `totalcount`. */
export async function sampleCatchScoreUpdate(
  dynamodb: DynamoDBClient,
  historyTable: string,
  records: DynamoDBRecord[],
): Promise<void> {
  for (const record of records) {
    const score = record.dynamodb?.NewImage?.lastScore?.N ?? '0';
    try {
      await dynamodb.send(
        new PutItemCommand({
          TableName: historyTable,
          Item: { score: { N: score }, totalcount: { N: '1' } },
          ConditionExpression: '#s <> :s',
          ExpressionAttributeNames: { '#s': 'score' },
          ExpressionAttributeValues: { ':s': { N: score } },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      await dynamodb.send(
        new UpdateItemCommand({
          TableName: historyTable,
          Key: { score: { N: score } },
          UpdateExpression: 'SET totalcount = totalcount + :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      );
    }
  }
}
