/** Word pack sources against real local services: a file, an S3 object (s3rver), a DynamoDB Local table. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAwsClients } from '../../src/local/clients.js';
import { wordPackFromFile, wordPackFromS3, wordPackFromTable } from '../../src/quiz/word-pack-sources.js';
import { localAws, uniqueName } from '../support/aws.js';

let aws: LocalAwsClients;
let directory: string;
beforeAll(async () => {
  aws = localAws();
  directory = await mkdtemp(join(tmpdir(), 'quiz-words-'));
});
afterAll(async () => {
  aws.destroy();
  await rm(directory, { recursive: true, force: true });
});

describe('wordPackFromFile', () => {
  it('loads and validates a JSON file', async () => {
    const path = join(directory, 'animals.json');
    await writeFile(path, JSON.stringify(['강아지', '고양이', '거위']));

    await expect(wordPackFromFile(path)()).resolves.toEqual(['강아지', '고양이', '거위']);
  });

  it('reports invalid words by index and unreadable files as unavailable', async () => {
    const path = join(directory, 'bad.json');
    await writeFile(path, JSON.stringify(['강아지', 'dog']));

    await expect(wordPackFromFile(path)()).rejects.toMatchObject({
      code: 'INVALID_WORD_PACK',
      issues: [{ index: 1, word: 'dog', reason: 'not Hangul syllables only' }],
    });
    await expect(wordPackFromFile(join(directory, 'missing.json'))()).rejects.toMatchObject({
      code: 'WORD_PACK_UNAVAILABLE',
    });
  });

  it('refuses a file that is not JSON', async () => {
    const path = join(directory, 'text.json');
    await writeFile(path, '강아지, 고양이');

    await expect(wordPackFromFile(path)()).rejects.toMatchObject({ code: 'INVALID_WORD_PACK' });
  });
});

describe('wordPackFromS3', () => {
  it('loads a JSON object from a bucket', async () => {
    const bucket = uniqueName('quiz-words');
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'quiz/words.json',
        Body: JSON.stringify(['사과', '수박', '참외']),
      }),
    );

    const words = await wordPackFromS3({ bucket, key: 'quiz/words.json', client: aws.s3 })();

    expect(words).toEqual(['사과', '수박', '참외']);
  });

  it('reports a missing object as unavailable', async () => {
    const bucket = uniqueName('quiz-words');
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));

    await expect(wordPackFromS3({ bucket, key: 'none.json', client: aws.s3 })()).rejects.toMatchObject({
      code: 'WORD_PACK_UNAVAILABLE',
    });
  });
});

describe('wordPackFromTable', () => {
  it('reads one word per item of the pack', async () => {
    const tableName = uniqueName('quiz-words');
    await aws.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pack', AttributeType: 'S' },
          { AttributeName: 'word', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pack', KeyType: 'HASH' },
          { AttributeName: 'word', KeyType: 'RANGE' },
        ],
      }),
    );
    try {
      const words = ['가방', '나무', '다리', '라면', '마을'];
      await aws.documents.send(
        new BatchWriteCommand({
          RequestItems: {
            [tableName]: [
              ...words.map((word) => ({ PutRequest: { Item: { pack: 'basic', word } } })),
              { PutRequest: { Item: { pack: 'other', word: '바다' } } },
            ],
          },
        }),
      );

      const loaded = await wordPackFromTable({ tableName, pack: 'basic', client: aws.documents })();

      expect(loaded).toEqual(words);
    } finally {
      await aws.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
    }
  });
});
