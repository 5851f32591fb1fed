import { type Command, InvalidArgumentError } from 'commander';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/client-config.js';
import { defaultLocalStackConfig } from '../../local/default-config.js';
import {
  DEFAULT_LOCAL_PORT,
  type LocalPortService,
  assertLocalPortsFree,
  withLocalPorts,
} from '../../local/ports.js';
import { LOCAL_GAME, gameClientConfig } from '../../local/game-stack.js';
import { loadLocalStackConfig } from '../../local/stack/load-config.js';
import { type LocalStack, startLocalStack } from '../../local/stack/start-local-stack.js';
import type { LocalStackConfig } from '../../local/stack/types.js';
import { type KnownEndpoint, describeNetworkFailure } from '../network-error.js';
import { createTable } from '../table.js';

interface LocalCommandOptions {
  config?: string;
  port: number;
  once?: boolean;
  quiet?: boolean;
  startTimeout?: number;
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
    .option(
      '-p, --port <n>',
      `first of six ports in a row: HTTP API n, WebSocket n+1, S3 n+2, DynamoDB n+3, Kakao n+4, Cognito n+5; 0 = free ports (default: ${DEFAULT_LOCAL_PORT})`,
      portNumber,
      DEFAULT_LOCAL_PORT,
    )
    .option('--once', 'start everything, print the endpoints, then stop (a smoke test)')
    .option('-q, --quiet', 'do not print one line per invocation')
    .option(
      '--start-timeout <seconds>',
      'how long DynamoDB Local (a JVM) may take to start; also $SGK_LOCAL_START_TIMEOUT (default: 120)',
      positiveSeconds,
    )
    .action(async (options: LocalCommandOptions) => {
      const started = Date.now();
      const loaded = options.config ? await loadLocalStackConfig(options.config) : defaultLocalStackConfig();
      const config = withStartTimeout(
        options.port === 0 ? loaded : withLocalPorts(loaded, options.port),
        options.startTimeout,
      );
      if (options.port !== 0) await assertLocalPortsFree(options.port, externalPortServices(config));
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

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_530) {
    throw new InvalidArgumentError('must be 0 (free ports) or a port from 1 to 65530');
  }
  return port;
}

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError('must be a positive number of seconds');
  return seconds;
}

/** The config with DynamoDB Local's start-up limit set from `--start-timeout`, when given. */
function withStartTimeout(config: LocalStackConfig, seconds: number | undefined): LocalStackConfig {
  if (seconds === undefined) return config;
  const services = config.services ?? {};
  return {
    ...config,
    services: { ...services, dynamodb: { ...services.dynamodb, startTimeoutMs: seconds * 1_000 } },
  };
}

/**
 * The one-liner that publishes a game build to the stack's bucket with the local credentials, and, when the stack
 * serves that bucket as a CDN, the one that installs it.
 */
function publishHint(stack: LocalStack, bucket: string, prefix: string, served: boolean): string[] {
  const credentials =
    `AWS_REGION=${LOCAL_REGION} AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} ` +
    `AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey}`;
  const prefixOption = prefix ? ` --prefix ${prefix}` : '';
  const lines = [
    'Publish a game build to it (another terminal):',
    `  ${credentials} npx sgk patch publish ./build --bucket ${bucket}${prefixOption} --endpoint ${stack.endpoints.s3}`,
  ];
  if (served && stack.endpoints.cdn) {
    lines.push(
      'Install it as a player would:',
      `  npx sgk patch pull ${stack.endpoints.cdn}${prefix ? `/${prefix}` : ''} ./game`,
    );
  }
  return lines;
}

/** Services the stack reuses instead of starting (their ports are not its own to check). */
function externalPortServices(config: LocalStackConfig): LocalPortService[] {
  const skip: LocalPortService[] = [];
  if (config.services?.dynamodbEndpoint ?? process.env.SGK_LOCAL_DYNAMODB_ENDPOINT?.trim())
    skip.push('dynamodb');
  if (config.services?.s3Endpoint ?? process.env.SGK_LOCAL_S3_ENDPOINT?.trim()) skip.push('s3');
  if (!config.identity?.kakao) skip.push('kakao');
  if (!config.identity?.cognito) skip.push('cognito');
  return skip;
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
  const bucket = isBuiltInGame ? LOCAL_GAME.cdnBucket : (config.http?.cdn?.bucket ?? config.buckets?.[0]);
  if (bucket) {
    const served = config.http?.cdn?.bucket === bucket;
    lines.push(...publishHint(stack, bucket, isBuiltInGame ? LOCAL_GAME.patchPrefix : '', served));
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
