import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../src/local/dynamodb-local.js';
import { type S3Local, startS3Local } from '../../src/local/s3-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local started once for the whole test run. */
    dynamodbEndpoint: string;
    /** Endpoint of the S3 server started once for the whole test run. */
    s3Endpoint: string;
  }
}

interface SharedServices {
  users: number;
  started: Promise<[DynamoDbLocal, S3Local]>;
}

/** Every project that lists this setup shares one DynamoDB Local (one JVM) and one S3 server per run. */
const SHARED = Symbol.for('serverless-game-kit.test.global-services');
const registry = globalThis as { [SHARED]?: SharedServices };

/**
 * Starts DynamoDB Local and the S3 server once per test run and hands their endpoints to every test file
 * through `inject()`; stops both when the last project using them ends. Suites create their own uniquely named
 * tables and buckets. Only the `integration` and `e2e` projects use it: the `unit` project starts nothing.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = (registry[SHARED] ??= {
    users: 0,
    // A JVM can take far longer than its usual few seconds to start on a busy machine; an early exit still fails
    // at once.
    started: Promise.all([startDynamoDbLocal({ startTimeoutMs: 120_000 }), startS3Local()]),
  });
  shared.users += 1;
  const [dynamodb, s3] = await shared.started;
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete registry[SHARED];
    await Promise.all([dynamodb.stop(), s3.stop()]);
  };
}
