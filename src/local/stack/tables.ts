import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { LocalKey, LocalTable } from './types.js';

function keySchema(partitionKey: LocalKey, sortKey?: LocalKey): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

/** Every key attribute of the table and its indexes, each once. */
function attributeDefinitions(table: LocalTable): AttributeDefinition[] {
  const keys = [
    table.partitionKey,
    table.sortKey,
    ...(table.globalSecondaryIndexes ?? []).flatMap((index) => [index.partitionKey, index.sortKey]),
  ].filter((key): key is LocalKey => key !== undefined);
  const byName = new Map<string, LocalKey>();
  for (const key of keys) {
    const seen = byName.get(key.name);
    if (seen && seen.type !== key.type) {
      throw new Error(
        `Table ${table.name}: attribute ${key.name} is declared as both ${seen.type} and ${key.type}`,
      );
    }
    byName.set(key.name, key);
  }
  return [...byName.values()].map((key) => ({ AttributeName: key.name, AttributeType: key.type }));
}

/**
 * Creates a table as declared (keys, GSIs, stream, TTL attribute), on-demand billing, and waits until it is
 * active. A table that already exists is left as it is. Resolves with its stream ARN, if it has a stream.
 *
 * @example
 * ```ts
 * const streamArn = await createLocalTable(client, {
 *   name: 'scores', partitionKey: { name: 'board', type: 'S' }, sortKey: { name: 'playerId', type: 'S' },
 *   stream: 'NEW_AND_OLD_IMAGES',
 * });
 * ```
 */
export async function createLocalTable(
  client: DynamoDBClient,
  table: LocalTable,
): Promise<string | undefined> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(table),
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        GlobalSecondaryIndexes: table.globalSecondaryIndexes?.map((index) => ({
          IndexName: index.name,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          Projection:
            index.projection === undefined || index.projection === 'ALL'
              ? { ProjectionType: 'ALL' }
              : index.projection === 'KEYS_ONLY'
                ? { ProjectionType: 'KEYS_ONLY' }
                : { ProjectionType: 'INCLUDE', NonKeyAttributes: index.projection },
        })),
        StreamSpecification: table.stream ? { StreamEnabled: true, StreamViewType: table.stream } : undefined,
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException || (error as Error).name === 'ResourceInUseException'))
      throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: table.name });
  if (table.ttlAttribute) {
    await client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: table.name,
          TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
        }),
      )
      .catch((error: Error) => {
        // Enabling TTL twice is an error in the service; the setting is what we want either way.
        if (!/already enabled/i.test(error.message)) throw error;
      });
  }
  const described = await client.send(new DescribeTableCommand({ TableName: table.name }));
  return described.Table?.LatestStreamArn;
}
