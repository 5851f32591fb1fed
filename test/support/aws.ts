import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type LocalAwsClients, createLocalAwsClients } from '../../src/local/clients.js';

/** Real AWS SDK v3 clients pointed at the services the global setup started. */
export function localAws(): LocalAwsClients {
  return createLocalAwsClients({ dynamodb: inject('dynamodbEndpoint'), s3: inject('s3Endpoint') });
}

/** A name no other suite uses, for tables and buckets (lower-case, S3-safe). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
