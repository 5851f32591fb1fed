import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAws, uniqueName } from '../support/aws.js';

const aws = localAws();
afterAll(() => aws.destroy());

describe('DynamoDB Local', () => {
  const table = uniqueName('services');

  beforeAll(async () => {
    await aws.dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'board', AttributeType: 'S' },
          { AttributeName: 'score', AttributeType: 'N' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byScore',
            KeySchema: [
              { AttributeName: 'board', KeyType: 'HASH' },
              { AttributeName: 'score', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await waitUntilTableExists({ client: aws.dynamodb, maxWaitTime: 30 }, { TableName: table });
  });

  afterAll(async () => {
    await aws.dynamodb.send(new DeleteTableCommand({ TableName: table }));
  });

  it('queries items back through a global secondary index in score order', async () => {
    for (const [pk, score] of [
      ['a', 30],
      ['b', 10],
      ['c', 20],
    ] as const) {
      await aws.documents.send(new PutCommand({ TableName: table, Item: { pk, board: 'global', score } }));
    }
    const result = await aws.documents.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'byScore',
        KeyConditionExpression: 'board = :b',
        ExpressionAttributeValues: { ':b': 'global' },
        ScanIndexForward: false,
      }),
    );
    expect(result.Items?.map((item) => String(item.pk))).toEqual(['a', 'c', 'b']);
  });

  it('reports consumed capacity when asked', async () => {
    const result = await aws.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'capacity' }, board: { S: 'other' }, score: { N: '1' } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    expect(result.ConsumedCapacity?.CapacityUnits).toBeGreaterThan(0);
  });

  it('records old and new images in the table stream', async () => {
    await aws.documents.send(
      new PutCommand({ TableName: table, Item: { pk: 'streamed', board: 'x', score: 1 } }),
    );
    await aws.documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: 'streamed' },
        UpdateExpression: 'SET score = :s',
        ExpressionAttributeValues: { ':s': 2 },
      }),
    );
    const description = await aws.dynamodb.send(new DescribeTableCommand({ TableName: table }));
    const streamArn = description.Table?.LatestStreamArn;
    expect(streamArn).toBeDefined();
    const stream = await aws.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const records: _Record[] = [];
    for (const shard of stream.StreamDescription?.Shards ?? []) {
      const { ShardIterator } = await aws.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      let iterator = ShardIterator;
      for (let page = 0; iterator && page < 20; page++) {
        const batch = await aws.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        records.push(...(batch.Records ?? []));
        if ((batch.Records ?? []).length === 0) break;
        iterator = batch.NextShardIterator;
      }
    }
    const modify = records.find(
      (record) => record.eventName === 'MODIFY' && record.dynamodb?.Keys?.pk?.S === 'streamed',
    );
    expect(modify?.dynamodb?.OldImage?.score?.N).toBe('1');
    expect(modify?.dynamodb?.NewImage?.score?.N).toBe('2');
  });
});

describe('S3 server', () => {
  const bucket = uniqueName('bucket');

  beforeAll(async () => {
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('stores, lists, reads ranges of and deletes objects', async () => {
    await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/a.txt', Body: 'hello world' }));
    await aws.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'dir/b.bin', Body: Buffer.from([0, 1, 2, 255]) }),
    );
    const listing = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir/' }));
    expect(listing.Contents?.map((object) => object.Key).sort()).toEqual(['dir/a.txt', 'dir/b.bin']);

    const range = await aws.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'dir/a.txt', Range: 'bytes=6-' }),
    );
    expect(await range.Body?.transformToString()).toBe('world');

    await aws.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'dir/a.txt' }));
    await expect(
      aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dir/a.txt' })),
    ).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  it('stores a streamed body byte for byte (no aws-chunked framing)', async () => {
    const body = randomBytes(300_000);
    await new Upload({
      client: aws.s3,
      params: {
        Bucket: bucket,
        Key: 'streamed.bin',
        Body: Readable.from([body.subarray(0, 1000), body.subarray(1000)]),
      },
    }).done();
    const object = await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'streamed.bin' }));
    const stored = Buffer.from(await object.Body!.transformToByteArray());
    expect(createHash('sha256').update(stored).digest('hex')).toBe(
      createHash('sha256').update(body).digest('hex'),
    );
  });

  it('assembles a multipart upload from its parts', async () => {
    const part1 = randomBytes(5 * 1024 * 1024);
    const part2 = randomBytes(1234);
    const { UploadId } = await aws.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big.bin' }),
    );
    try {
      const etags: string[] = [];
      for (const [index, part] of [part1, part2].entries()) {
        const uploaded = await aws.s3.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: 'big.bin',
            UploadId,
            PartNumber: index + 1,
            Body: part,
          }),
        );
        etags.push(uploaded.ETag ?? '');
      }
      await aws.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'big.bin',
          UploadId,
          MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
        }),
      );
    } catch (error) {
      await aws.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'big.bin', UploadId }));
      throw error;
    }
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
    expect(head.ContentLength).toBe(part1.length + part2.length);
    const object = await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
    const stored = Buffer.from(await object.Body!.transformToByteArray());
    expect(stored.equals(Buffer.concat([part1, part2]))).toBe(true);
  });
});
