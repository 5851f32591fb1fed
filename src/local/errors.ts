import { GameKitError } from '../core/errors.js';

/** Why a local service could not start or stopped working. */
export type LocalServiceErrorCode =
  | 'JAVA_NOT_FOUND'
  | 'DYNAMODB_LOCAL_JAR_NOT_FOUND'
  | 'S3RVER_NOT_FOUND'
  | 'START_TIMEOUT'
  | 'START_FAILED'
  | 'INVALID_OPTIONS'
  | 'STREAM_NOT_IDLE'
  | 'STOPPED';

/**
 * A local AWS-compatible service (DynamoDB Local, the S3 server) failed to start or was misconfigured.
 *
 * @example
 * ```ts
 * import { LocalServiceError, startDynamoDbLocal } from 'serverless-game-kit/local';
 *
 * try {
 *   await startDynamoDbLocal();
 * } catch (error) {
 *   if (error instanceof LocalServiceError && error.code === 'JAVA_NOT_FOUND') process.exit(1);
 * }
 * ```
 */
export class LocalServiceError extends GameKitError<LocalServiceErrorCode> {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'LocalServiceError';
}
