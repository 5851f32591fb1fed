import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { resolveDynamoDbClient } from './handler-support.js';

describe('resolveDynamoDbClient', () => {
  const current = new DynamoDBClient({ region: 'ap-northeast-2' });
  const deprecated = new DynamoDBClient({ region: 'ap-northeast-2' });

  it('takes dynamoDBClient, and the deprecated dynamodb only when dynamoDBClient is absent', () => {
    expect(resolveDynamoDbClient({ dynamoDBClient: current, dynamodb: deprecated })).toBe(current);
    expect(resolveDynamoDbClient({ dynamodb: deprecated })).toBe(deprecated);
  });

  it('refuses something that is not a client, under either name', () => {
    expect(() => resolveDynamoDbClient({ dynamoDBClient: {} as DynamoDBClient })).toThrow(
      /dynamoDBClient must be/,
    );
    expect(() => resolveDynamoDbClient({ dynamodb: {} as DynamoDBClient })).toThrow(/dynamoDBClient must be/);
  });
});
