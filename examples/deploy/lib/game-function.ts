import { fileURLToPath } from 'node:url';
import type { Duration } from 'aws-cdk-lib';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The Lambda runtime of every function (Node.js 20 is deprecated on Lambda; 24 is the current LTS). */
export const GAME_RUNTIME = Runtime.NODEJS_24_X;

/** The repository root: esbuild runs there. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/**
 * Its `paths` map `serverless-game-kit/<module>/lambda` to `src/<module>/lambda.ts`, so the example deploys this
 * checkout without a build. In your own project, drop the option: the package resolves from `node_modules`.
 */
const TSCONFIG = `${REPO_ROOT}tsconfig.json`;

/** Options of {@link createGameFunction}. */
export interface GameFunctionProps {
  /** File name in `examples/deploy/lambda/`, e.g. `auth.ts`; it exports `handler`. */
  entry: string;
  description: string;
  environment: Record<string, string>;
  timeout: Duration;
  /** Default 256 MB (Lambda's CPU share grows with memory). */
  memorySize?: number;
}

/**
 * A Lambda function bundled from one small entry file with esbuild, locally (no Docker): ES module output for
 * Node.js 24 on arm64, minified, with a source map, and `@aws-sdk/*` left out because the Lambda runtime ships
 * the AWS SDK v3. Each entry imports one `serverless-game-kit/<module>/lambda` subpath, so each bundle holds only
 * that module. Logs are kept a month.
 *
 * @param scope - The construct to add the function (and its log group) to.
 * @param id - Construct id, e.g. `AuthFunction`.
 * @param props - Entry file, environment, timeout.
 * @returns The function.
 * @example
 * ```ts
 * const fn = createGameFunction(this, 'AuthFunction', { entry: 'auth.ts', description: 'POST /auth/kakao', environment: {}, timeout: Duration.seconds(10) });
 * ```
 */
export function createGameFunction(scope: Construct, id: string, props: GameFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return new NodejsFunction(scope, id, {
    entry: fileURLToPath(new URL(`../lambda/${props.entry}`, import.meta.url)),
    handler: 'handler',
    description: props.description,
    runtime: GAME_RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout,
    logGroup,
    environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    projectRoot: REPO_ROOT,
    depsLockFilePath: `${REPO_ROOT}package-lock.json`,
    bundling: {
      forceDockerBundling: false,
      logLevel: LogLevel.WARNING,
      format: OutputFormat.ESM,
      target: 'node24',
      mainFields: ['module', 'main'],
      externalModules: ['@aws-sdk/*'],
      tsconfig: TSCONFIG,
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      // An ES module has no `require`; a CommonJS dependency that requires a Node built-in needs one.
      banner:
        "import { createRequire as __sgkCreateRequire } from 'node:module'; const require = __sgkCreateRequire(import.meta.url);",
    },
  });
}
