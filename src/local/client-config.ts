/** Credentials the local services accept; they are never checked, but the AWS SDK insists on some. */
export const LOCAL_CREDENTIALS = Object.freeze({
  accessKeyId: 'LOCALACCESSKEY',
  secretAccessKey: 'LOCALSECRETKEY',
});

/** The region the local stack reports; any region works. */
export const LOCAL_REGION = 'ap-northeast-2';

/** Client options that work for every AWS SDK v3 client pointed at a local endpoint. */
export interface LocalClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  forcePathStyle: true;
  requestChecksumCalculation: 'WHEN_REQUIRED';
  responseChecksumValidation: 'WHEN_REQUIRED';
  maxAttempts: number;
}

/**
 * Options for any AWS SDK v3 client (`new DynamoDBClient(localClientConfig(endpoint))`) aimed at a local
 * service: the endpoint, a region, dummy credentials, path-style S3 addressing, and checksums only when an
 * operation requires them (see {@link startS3Local} for why). Extra keys are ignored by clients that do not
 * know them.
 *
 * @example
 * ```ts
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { localClientConfig } from 'serverless-game-kit/local';
 *
 * const s3 = new S3Client(localClientConfig('http://127.0.0.1:4568'));
 * ```
 */
export function localClientConfig(
  endpoint: string,
  overrides: Partial<Omit<LocalClientConfig, 'endpoint'>> = {},
): LocalClientConfig {
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    ...overrides,
  };
}
