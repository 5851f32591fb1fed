import { GameKitError } from './errors.js';

/**
 * The optional peer dependencies each server-side entry point imports. The AWS SDK is a peer, not a dependency:
 * a browser game installs none of it, Lambda's Node.js runtimes already ship it, and a server app keeps the one
 * copy (and version) its own clients use. The client entry points (`auth`, `scores`, `quiz`, `hangul`) need none.
 */
export const PEER_DEPENDENCIES = {
  'auth/lambda': ['@aws-sdk/client-cognito-identity'],
  'scores/lambda': ['@aws-sdk/client-dynamodb'],
  'quiz/lambda': [
    '@aws-sdk/client-apigatewaymanagementapi',
    '@aws-sdk/client-dynamodb',
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-dynamodb',
  ],
  patch: ['@aws-sdk/client-cloudfront', '@aws-sdk/client-s3', '@aws-sdk/lib-storage'],
  local: [
    '@aws-sdk/client-apigatewaymanagementapi',
    '@aws-sdk/client-cognito-identity',
    '@aws-sdk/client-dynamodb',
    '@aws-sdk/client-dynamodb-streams',
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-dynamodb',
    's3rver',
    'amplify-dynamodb-simulator',
  ],
  /** The `sgk` command line: `sgk patch` and `sgk local`. */
  cli: [
    '@aws-sdk/client-apigatewaymanagementapi',
    '@aws-sdk/client-cloudfront',
    '@aws-sdk/client-cognito-identity',
    '@aws-sdk/client-dynamodb',
    '@aws-sdk/client-dynamodb-streams',
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-dynamodb',
    '@aws-sdk/lib-storage',
  ],
} as const satisfies Record<string, readonly string[]>;

/** An entry point of the package that has optional peer dependencies. */
export type EntryPointWithPeers = keyof typeof PEER_DEPENDENCIES;

/**
 * An optional peer dependency that an entry point needs is not installed. `packageName` is the missing one;
 * `installCommand` installs every peer the entry point uses, so one command fixes it.
 *
 * @example
 * ```ts
 * import { isGameKitError } from 'serverless-game-kit/local';
 *
 * if (isGameKitError(error, 'MissingPeerDependencyError')) console.error(error.message);
 * ```
 */
export class MissingPeerDependencyError extends GameKitError<'MISSING_PEER_DEPENDENCY'> {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'MissingPeerDependencyError';

  /** The package that could not be loaded, e.g. `'@aws-sdk/client-s3'`. */
  readonly packageName: string;
  /** `npm install …` with every peer dependency of the entry point. */
  readonly installCommand: string;

  constructor(entryPoint: EntryPointWithPeers, packageName: string, options?: { cause?: unknown }) {
    const installCommand = `npm install ${PEER_DEPENDENCIES[entryPoint].join(' ')}`;
    super(
      'MISSING_PEER_DEPENDENCY',
      `${packageName} is not installed. ${describeEntryPoint(entryPoint)} needs it (an optional peer dependency of ` +
        `serverless-game-kit); install it with the other packages it uses: ${installCommand}`,
      options,
    );
    this.packageName = packageName;
    this.installCommand = installCommand;
  }
}

/**
 * Turns the "module not found" error of a dynamic `import()` or `require()` into a
 * {@link MissingPeerDependencyError} when the missing module is one of `entryPoint`'s peers; `undefined` for
 * any other error (a missing file of the kit itself is a broken install, not a missing peer).
 *
 * @example
 * ```ts
 * try {
 *   await import('./commands.js');
 * } catch (error) {
 *   throw asMissingPeerDependency('cli', error) ?? error;
 * }
 * ```
 */
export function asMissingPeerDependency(
  entryPoint: EntryPointWithPeers,
  error: unknown,
): MissingPeerDependencyError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec((error as Error).message)?.[1];
  const peers: readonly string[] = PEER_DEPENDENCIES[entryPoint];
  const peer = peers.find((name) => missing === name || missing?.startsWith(`${name}/`));
  return peer === undefined ? undefined : new MissingPeerDependencyError(entryPoint, peer, { cause: error });
}

function describeEntryPoint(entryPoint: EntryPointWithPeers): string {
  return entryPoint === 'cli' ? 'The sgk command line' : `serverless-game-kit/${entryPoint}`;
}
