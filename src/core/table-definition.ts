/**
 * A DynamoDB table as a module defines it — keys, global secondary indexes, stream and TTL — independent of where it
 * is created. The module that owns a table returns its definitions (`scoreTables()`, `quizTables()`); the local
 * stack creates them in DynamoDB Local and the `serverless-game-kit/cdk` constructs deploy them, so the handlers,
 * the local stack and a deployment always agree on the schema.
 *
 * @example
 * ```ts
 * import type { TableDefinition } from 'serverless-game-kit/local';
 *
 * const sessions: TableDefinition = {
 *   name: 'sessions',
 *   partitionKey: { name: 'sessionId', type: 'S' },
 *   ttlAttribute: 'expiresAt',
 * };
 * ```
 */
export interface TableDefinition {
  name: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  globalSecondaryIndexes?: IndexDefinition[];
  /** Turn on the table's stream with this view type. */
  stream?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  /** Attribute that holds the expiry time (epoch seconds). DynamoDB Local records the setting but, like the
   * service, deletes expired items lazily; readers must filter on it. */
  ttlAttribute?: string;
}

/** A global secondary index of a {@link TableDefinition}. */
export interface IndexDefinition {
  name: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  /** Default `ALL`; or the list of non-key attributes to project. */
  projection?: 'ALL' | 'KEYS_ONLY' | string[];
}

/** A key attribute: name and DynamoDB scalar type. */
export interface KeyDefinition {
  name: string;
  type: 'S' | 'N' | 'B';
}
