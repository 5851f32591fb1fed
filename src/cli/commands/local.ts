import type { Command } from 'commander';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/client-config.js';
import { defaultLocalStackConfig } from '../../local/default-config.js';
import { gameClientConfig } from '../../local/game-stack.js';
import { loadLocalStackConfig } from '../../local/stack/load-config.js';
import { type LocalStack, startLocalStack } from '../../local/stack/start-local-stack.js';
import type { LocalStackConfig } from '../../local/stack/types.js';
import { type KnownEndpoint, describeNetworkFailure } from '../network-error.js';
import { createTable } from '../table.js';

interface LocalCommandOptions {
  config?: string;
  once?: boolean;
  quiet?: boolean;
}

/** Adds `sgk local`: starts the local stack from a config module and keeps it running until Ctrl-C. */
export function registerLocalCommand(program: Command): void {
  program
    .command('local')
    .description(
      'run the game backend on 127.0.0.1 (DynamoDB Local, S3, local Kakao and Cognito, HTTP and WebSocket APIs, stream handlers); needs Java 11+ for DynamoDB Local',
    )
    .option(
      '-c, --config <file>',
      'JS/TS module whose default export is the stack config (default: the whole game — auth, scores, quiz, patch CDN)',
    )
    .option('--once', 'start everything, print the endpoints, then stop (a smoke test)')
    .option('-q, --quiet', 'do not print one line per invocation')
    .action(async (options: LocalCommandOptions) => {
      const started = Date.now();
      const config = options.config ? await loadLocalStackConfig(options.config) : defaultLocalStackConfig();
      const stack = await startLocalStack({
        ...config,
        log: options.quiet ? () => undefined : (config.log ?? ((line: string) => console.log(line))),
      }).catch((error: unknown) => {
        throw describeNetworkFailure(error, externalServices()) ?? error;
      });
      console.log(endpointTable(stack));
      console.log(connectionDetails(stack, config, options.config === undefined));
      console.log(`Local stack ready in ${Date.now() - started} ms.`);
      if (options.once) {
        await stack.stop();
        console.log('Stopped.');
        return;
      }
      console.log('Press Ctrl-C to stop.');
      await waitForSignal();
      console.log('\nStopping…');
      await stack.stop();
      console.log('Stopped.');
    });
}

function endpointTable(stack: LocalStack): string {
  const table = createTable({ head: ['service', 'endpoint'] });
  table.push(
    ['HTTP API', stack.endpoints.http],
    ['WebSocket API', stack.endpoints.websocket],
    ['@connections', stack.endpoints.connections],
    ...(stack.endpoints.cdn ? [['CDN', stack.endpoints.cdn]] : []),
    ...(stack.endpoints.kakao ? [['Kakao API (local)', stack.endpoints.kakao]] : []),
    ...(stack.endpoints.cognito ? [['Cognito Identity (local)', stack.endpoints.cognito]] : []),
    ['DynamoDB Local', stack.endpoints.dynamodb],
    ['S3 (s3rver)', stack.endpoints.s3],
  );
  return table.toString();
}

/**
 * What a game client and the AWS tools need to talk to the stack: the buckets, the credentials the local
 * services accept, and — for the built-in game — the client configuration a deployment would output.
 */
function connectionDetails(stack: LocalStack, config: LocalStackConfig, isBuiltInGame: boolean): string {
  const lines = [
    `Buckets: ${(config.buckets ?? []).join(', ') || '(none)'}`,
    `Credentials for the local services (any AWS tool or SDK, with the endpoint above): region ${LOCAL_REGION}, ` +
      `access key ${LOCAL_CREDENTIALS.accessKeyId}, secret key ${LOCAL_CREDENTIALS.secretAccessKey}`,
    `  export AWS_REGION=${LOCAL_REGION} AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} ` +
      `AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey}`,
  ];
  if (isBuiltInGame) {
    lines.push(`Game client config (what a deployment's config.json holds):`);
    lines.push(JSON.stringify(gameClientConfig(stack), null, 2));
  }
  return lines.join('\n');
}

/** Services the stack was told to use instead of starting its own, to name them when they cannot be reached. */
function externalServices(): KnownEndpoint[] {
  const endpoints: KnownEndpoint[] = [];
  const dynamodb = process.env.SGK_LOCAL_DYNAMODB_ENDPOINT?.trim();
  const s3 = process.env.SGK_LOCAL_S3_ENDPOINT?.trim();
  if (dynamodb) {
    endpoints.push({
      name: 'DynamoDB Local',
      url: dynamodb,
      hint: 'Is it running there? Fix SGK_LOCAL_DYNAMODB_ENDPOINT, or unset it and sgk starts one itself.',
    });
  }
  if (s3) {
    endpoints.push({
      name: 'the S3 server',
      url: s3,
      hint: 'Is it running there? Fix SGK_LOCAL_S3_ENDPOINT, or unset it and sgk starts one itself.',
    });
  }
  return endpoints;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
