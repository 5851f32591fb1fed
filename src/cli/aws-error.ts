import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/client-config.js';
import { CliError } from './cli-error.js';

/**
 * Turns the AWS SDK's "no credentials" and "no region" failures into a `CliError` that says where credentials come
 * from — for AWS and for `sgk local` — instead of a stack trace; `undefined` for any other error.
 *
 * @example
 * ```ts
 * throw describeAwsSetupFailure(error) ?? error;
 * ```
 */
export function describeAwsSetupFailure(error: unknown): CliError | undefined {
  if (!(error instanceof Error)) return undefined;
  const local =
    `For sgk local, use the credentials it prints: AWS_REGION=${LOCAL_REGION} AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} ` +
    `AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey}, with --endpoint <its S3 endpoint>.`;
  if (error.name === 'CredentialsProviderError') {
    return new CliError(
      'NO_CREDENTIALS',
      `No AWS credentials found (environment, shared config or SSO profile, container or instance role). For AWS, run \`aws configure\` or \`aws sso login\`, or set AWS_PROFILE. ${local}`,
      { cause: error },
    );
  }
  if (/^Region is missing/.test(error.message)) {
    return new CliError(
      'NO_CREDENTIALS',
      `No AWS region configured: pass --region, or set AWS_REGION or a region in your AWS profile. ${local}`,
      { cause: error },
    );
  }
  return undefined;
}
