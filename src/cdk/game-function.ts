import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeRules, LAMBDA_BASIC_EXECUTION_FINDING } from './acknowledge.js';
import { handlerBundlePath } from './handler-code.js';
import type { GameFunctionName } from './handler-entries.js';
import { OPTIONS_VARIABLE } from './handlers/environment.js';
import { assertJsonOptions } from './json-options.js';

/** Your own code for one of the kit's functions: it gets the same environment, role and grants. */
export interface GameHandlerCode {
  /** E.g. `Code.fromAsset('build/submit-score')`. */
  code: Code;
  /** E.g. `index.handler`. */
  handler: string;
}

/** How the constructs build their Lambda functions; every field is optional. */
export interface GameFunctionSettings {
  /**
   * Directory of the prebuilt handler bundles (`<bundle>/index.mjs`); default the ones shipped in the package
   * (`serverless-game-kit/dist/lambda`).
   */
  bundleDirectory?: string;
  /**
   * Replace a function's code with your own, e.g. `{ submitScore: { code: Code.fromAsset('build/submit'), handler:
   * 'index.handler' } }`. It keeps the construct's environment (`SGK_HANDLER_OPTIONS`: the handler factory's
   * options as JSON), role and grants.
   */
  code?: Partial<Record<GameFunctionName, GameHandlerCode>>;
  /** Default one month (`RetentionDays.ONE_MONTH`). */
  logRetention?: RetentionDays;
  /** Default `Architecture.ARM_64` (Graviton: cheaper per millisecond; the bundles are pure JavaScript). */
  architecture?: Architecture;
}

/** The Lambda runtime of every function (Node.js 24, the current LTS; 20 is deprecated on Lambda). */
export const GAME_RUNTIME = Runtime.NODEJS_24_X;

/** One function the construct deploys. */
export interface GameFunctionProps {
  name: GameFunctionName;
  description: string;
  timeout: Duration;
  /** Default 256 MB (Lambda's CPU share grows with memory). */
  memorySize?: number;
  /** The handler factory's options; only JSON values (checked). */
  options: object;
  /** Extra files next to the handler, e.g. `{ 'words.json': '[…]' }`. */
  files?: Record<string, string>;
  /** Extra environment variables, e.g. the scores cursor key. */
  environment?: Record<string, string>;
  settings?: GameFunctionSettings;
}

/**
 * Creates one of the kit's Lambda functions from its prebuilt bundle (or the user's code), with its options in
 * `SGK_HANDLER_OPTIONS`, source maps on, and a log group kept a month.
 *
 * @param scope - The construct the function (and its log group) belongs to.
 * @param id - Construct id, e.g. `SubmitScoreFunction`.
 * @param props - Which function, its options and limits.
 * @returns The function.
 * @throws {TypeError} when an option is not plain JSON.
 * @example
 * ```ts
 * const fn = createGameFunction(this, 'LeaderboardFunction', { name: 'leaderboard', description: 'GET /scoreboard', timeout: Duration.seconds(10), options: { tables } });
 * ```
 */
export function createGameFunction(scope: Construct, id: string, props: GameFunctionProps): LambdaFunction {
  assertJsonOptions(props.options, `${id} options`);
  const settings = props.settings ?? {};
  const custom = settings.code?.[props.name];
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: settings.logRetention ?? RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new LambdaFunction(scope, id, {
    code: custom?.code ?? bundledCode(props.name, settings.bundleDirectory, props.files),
    handler: custom?.handler ?? 'index.handler',
    description: props.description,
    runtime: GAME_RUNTIME,
    architecture: settings.architecture ?? Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout,
    logGroup,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      [OPTIONS_VARIABLE]: Stack.of(scope).toJsonString(props.options),
      ...props.environment,
    },
  });
  acknowledgeRules(fn, [
    {
      id: 'AwsSolutions-IAM4',
      appliesTo: [LAMBDA_BASIC_EXECUTION_FINDING],
      reason:
        'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs; every data permission is ' +
        'a scoped inline grant.',
    },
  ]);
  return fn;
}

function bundledCode(name: GameFunctionName, bundleDirectory?: string, files?: Record<string, string>): Code {
  const directory = handlerBundlePath(name, bundleDirectory);
  if (files === undefined || Object.keys(files).length === 0) return Code.fromAsset(directory);
  // The asset is hashed by content, so a fresh directory with the same files is the same asset.
  const staged = mkdtempSync(join(tmpdir(), 'sgk-handler-'));
  cpSync(directory, staged, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(staged, file), content);
  return Code.fromAsset(staged);
}
