/**
 * CloudFront invalidation. The local stack has no CloudFront API, so `CreateInvalidation` and `GetInvalidation`
 * go to a mocked CloudFrontClient (aws-sdk-client-mock); S3 is the real local server.
 */
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { PatchPublisher } from '../../src/patch/index.js';
import { startPatchSuite, temporaryFolder, writeTree } from './support.js';

const env = startPatchSuite('patch-cf');
let counter = 0;

async function setup(options: { distributionId?: string; waitForInvalidation?: boolean } = {}) {
  const cloudFront = new CloudFrontClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const mock = mockClient(cloudFront);
  mock.on(CreateInvalidationCommand).resolves({
    Invalidation: {
      Id: 'I123',
      Status: 'InProgress',
      CreateTime: new Date(),
      InvalidationBatch: undefined,
    },
  });
  mock.on(GetInvalidationCommand).resolves({
    Invalidation: { Id: 'I123', Status: 'Completed', CreateTime: new Date(), InvalidationBatch: undefined },
  });
  const prefix = `cf-${++counter}/game`;
  const source = await temporaryFolder('sgk-src-');
  await writeTree(source, { 'a.txt': 'a' });
  const publisher = new PatchPublisher({ s3: env.s3, bucket: env.bucket, prefix, cloudFront, ...options });
  await publisher.scan(source);
  return { publisher, mock, prefix, source };
}

describe('CloudFront invalidation (mocked CloudFront, real local S3)', () => {
  it('invalidates only version.json after publishing', async () => {
    const { publisher, mock, prefix } = await setup({ distributionId: 'E2EXAMPLE' });

    const result = await publisher.publish();

    const calls = mock.commandCalls(CreateInvalidationCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({
      DistributionId: 'E2EXAMPLE',
      InvalidationBatch: { Paths: { Quantity: 1, Items: [`/${prefix}/version.json`] } },
    });
    expect(result.invalidationId).toBe('I123');
    expect(mock.commandCalls(GetInvalidationCommand)).toHaveLength(0);
  });

  it('waits for the invalidation to complete when asked', async () => {
    const { publisher, mock } = await setup({ distributionId: 'E2EXAMPLE', waitForInvalidation: true });

    await publisher.publish();

    expect(mock.commandCalls(GetInvalidationCommand)[0]?.args[0].input).toEqual({
      DistributionId: 'E2EXAMPLE',
      Id: 'I123',
    });
  });

  it('invalidates version.json after a rollback', async () => {
    const { publisher, mock, source } = await setup({ distributionId: 'E2EXAMPLE' });
    const first = await publisher.publish();
    await writeTree(source, { 'a.txt': 'b' });
    await publisher.scan(source);
    await publisher.publish();

    await publisher.rollback(first.release);

    expect(mock.commandCalls(CreateInvalidationCommand)).toHaveLength(3);
  });

  it('invalidates nothing without a distribution id', async () => {
    const { publisher, mock } = await setup();

    const result = await publisher.publish();

    expect(mock.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
    expect(result.invalidationId).toBeUndefined();
  });
});
