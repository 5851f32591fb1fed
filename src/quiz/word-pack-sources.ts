/**
 * Where a socket handler can load its word pack at cold start (server side): a JSON file, an S3 object, or the
 * items of a DynamoDB table. Each source validates the pack with `parseWordPack`.
 */
import { readFile } from 'node:fs/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { QuizError, isQuizError } from './errors.js';
import { parseWordPack } from './word-pack.js';

/** Loads and validates a word pack; the socket handler calls it once per cold start (again after a failure). */
export type WordPackSource = () => Promise<readonly string[]>;

function unavailable(source: string, cause: unknown): QuizError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new QuizError('WORD_PACK_UNAVAILABLE', `Could not read the word pack from ${source}: ${reason}`, {
    cause,
  });
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new QuizError('INVALID_WORD_PACK', `The word pack at ${source} is not valid JSON.`, {
      cause: error,
    });
  }
}

/**
 * A word pack in a JSON file (an array of words), e.g. one shipped next to the Lambda bundle.
 *
 * @param path - File path.
 * @returns The source.
 * @example
 * ```ts
 * import { createQuizSocketHandler, wordPackFromFile } from 'serverless-game-kit/quiz/lambda';
 *
 * export const handler = createQuizSocketHandler({ loadWords: wordPackFromFile('./words/animals.json') });
 * ```
 */
export function wordPackFromFile(path: string): WordPackSource {
  return async () => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw unavailable(path, error);
    }
    return parseWordPack(parseJson(text, path), path);
  };
}

/** Options of {@link wordPackFromS3}. */
export interface S3WordPackOptions {
  bucket: string;
  key: string;
  /** Default: a new `S3Client` from the environment. */
  client?: S3Client;
}

/**
 * A word pack stored as a JSON object in S3.
 *
 * @param options - Bucket, key, optional client.
 * @returns The source.
 * @example
 * ```ts
 * import { createQuizSocketHandler, wordPackFromS3 } from 'serverless-game-kit/quiz/lambda';
 *
 * export const handler = createQuizSocketHandler({
 *   loadWords: wordPackFromS3({ bucket: 'my-game-data', key: 'quiz/words.json' }),
 * });
 * ```
 */
export function wordPackFromS3(options: S3WordPackOptions): WordPackSource {
  const where = `s3://${options.bucket}/${options.key}`;
  return async () => {
    const client = options.client ?? new S3Client({});
    let text: string;
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: options.key }));
      text = (await object.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      throw unavailable(where, error);
    } finally {
      if (!options.client) client.destroy();
    }
    return parseWordPack(parseJson(text, where), where);
  };
}

/** Options of {@link wordPackFromTable}: one item per word, all under one partition key value. */
export interface TableWordPackOptions {
  tableName: string;
  /** The partition key value naming the pack, e.g. `'default'`. */
  pack: string;
  /** Partition key attribute. Default `'pack'`. */
  partitionKey?: string;
  /** Attribute holding the word. Default `'word'`. */
  wordAttribute?: string;
  /** Default: a new document client from the environment. */
  client?: DynamoDBDocumentClient;
}

/**
 * A word pack kept as DynamoDB items (`{ pack: 'default', word: '사람' }`), read with a paginated Query, in
 * sort-key order.
 *
 * @param options - Table and pack.
 * @returns The source.
 * @example
 * ```ts
 * import { createQuizSocketHandler, wordPackFromTable } from 'serverless-game-kit/quiz/lambda';
 *
 * export const handler = createQuizSocketHandler({
 *   loadWords: wordPackFromTable({ tableName: 'quiz-words', pack: 'animals' }),
 * });
 * ```
 */
export function wordPackFromTable(options: TableWordPackOptions): WordPackSource {
  const partitionKey = options.partitionKey ?? 'pack';
  const wordAttribute = options.wordAttribute ?? 'word';
  const where = `table ${options.tableName} (${partitionKey} = ${options.pack})`;
  return async () => {
    const client = options.client ?? DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const words: unknown[] = [];
    try {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: options.tableName,
            KeyConditionExpression: '#pk = :pack',
            ProjectionExpression: '#word',
            ExpressionAttributeNames: { '#pk': partitionKey, '#word': wordAttribute },
            ExpressionAttributeValues: { ':pack': options.pack },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) words.push(item[wordAttribute]);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      if (isQuizError(error)) throw error;
      throw unavailable(where, error);
    } finally {
      if (!options.client) client.destroy();
    }
    return parseWordPack(words, where);
  };
}
