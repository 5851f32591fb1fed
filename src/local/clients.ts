import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClientConfig } from './client-config.js';

/** Endpoints of the local services, as returned by their `start…` functions. */
export interface LocalEndpoints {
  dynamodb?: string;
  s3?: string;
}

/** AWS SDK v3 clients pointed at the local services, see {@link createLocalAwsClients}. */
export interface LocalAwsClients {
  dynamodb: DynamoDBClient;
  /** Marshalls plain JavaScript values (`removeUndefinedValues` on). */
  documents: DynamoDBDocumentClient;
  streams: DynamoDBStreamsClient;
  s3: S3Client;
  /** Closes every client's sockets. */
  destroy(): void;
}

/**
 * The real AWS SDK v3 clients, already pointed at local endpoints with dummy credentials — what tests,
 * benchmarks and scripts use to talk to DynamoDB Local and the S3 server.
 *
 * @example
 * ```ts
 * import { createLocalAwsClients, startDynamoDbLocal, startS3Local } from 'serverless-game-kit/local';
 *
 * const [dynamo, s3] = await Promise.all([startDynamoDbLocal(), startS3Local()]);
 * const aws = createLocalAwsClients({ dynamodb: dynamo.endpoint, s3: s3.endpoint });
 * ```
 */
export function createLocalAwsClients(endpoints: LocalEndpoints): LocalAwsClients {
  const unreachable = 'http://127.0.0.1:9';
  const dynamodb = new DynamoDBClient(localClientConfig(endpoints.dynamodb ?? unreachable));
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const streams = new DynamoDBStreamsClient(localClientConfig(endpoints.dynamodb ?? unreachable));
  const s3 = new S3Client(localClientConfig(endpoints.s3 ?? unreachable));
  return {
    dynamodb,
    documents,
    streams,
    s3,
    destroy() {
      documents.destroy();
      dynamodb.destroy();
      streams.destroy();
      s3.destroy();
    },
  };
}
