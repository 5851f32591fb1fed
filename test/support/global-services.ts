import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../src/local/dynamodb-local.js';
import { startS3Local } from '../../src/local/s3-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local started once for the whole test run. */
    dynamodbEndpoint: string;
    /** Endpoint of the S3 server started once for the whole test run. */
    s3Endpoint: string;
  }
}

/**
 * Starts DynamoDB Local and the S3 server once per test run and hands their endpoints to every test file
 * through `inject()`; stops both when the run ends. Suites create their own uniquely named tables and buckets.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamodb, s3] = await Promise.all([startDynamoDbLocal(), startS3Local()]);
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await Promise.all([dynamodb.stop(), s3.stop()]);
  };
}
