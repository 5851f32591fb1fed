import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { bundleEntry } from '../../test/support/bundle.js';
import { isGameKitError } from './errors.js';
import {
  type EntryPointWithPeers,
  MissingPeerDependencyError,
  PEER_DEPENDENCIES,
  asMissingPeerDependency,
} from './peer-dependencies.js';

const SOURCES: Record<EntryPointWithPeers, string> = {
  'auth/lambda': 'src/auth/lambda.ts',
  'scores/lambda': 'src/scores/lambda.ts',
  'quiz/lambda': 'src/quiz/lambda.ts',
  patch: 'src/patch/index.ts',
  local: 'src/local/index.ts',
  cli: 'src/cli/program.ts',
};

const EVERY_PACKAGE = Object.keys({
  ...packageJson.dependencies,
  ...packageJson.devDependencies,
  ...packageJson.peerDependencies,
});

async function awsSdkImportsOf(source: string): Promise<string[]> {
  const bundle = await bundleEntry(source, {
    platform: 'node',
    external: EVERY_PACKAGE.flatMap((name) => [name, `${name}/*`]),
  });
  return [...new Set(bundle.imports.filter((path) => path.startsWith('@aws-sdk/')))].sort();
}

describe('the optional peer dependencies', () => {
  it.each(Object.keys(SOURCES) as EntryPointWithPeers[])(
    'of %s are exactly the AWS SDK packages its code imports',
    async (entryPoint) => {
      const listed = PEER_DEPENDENCIES[entryPoint].filter((name) => name.startsWith('@aws-sdk/'));
      expect(await awsSdkImportsOf(SOURCES[entryPoint])).toEqual([...listed].sort());
    },
  );

  it('are all declared optional in package.json, and no AWS SDK package is a hard dependency', () => {
    const listed = new Set(Object.values(PEER_DEPENDENCIES).flat());
    for (const name of listed) {
      expect(packageJson.peerDependencies).toHaveProperty([name]);
      expect(packageJson.peerDependenciesMeta).toHaveProperty([name, 'optional'], true);
    }
    expect(Object.keys(packageJson.dependencies).filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
  });
});

describe('asMissingPeerDependency', () => {
  it('names the missing peer and the one command that installs every peer of the entry point', () => {
    const notFound = Object.assign(
      new Error("Cannot find package '@aws-sdk/client-s3' imported from /app/node_modules/x/dist/cli.js"),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );
    const error = asMissingPeerDependency('patch', notFound);

    expect(error).toBeInstanceOf(MissingPeerDependencyError);
    expect(isGameKitError(error, 'MissingPeerDependencyError')).toBe(true);
    expect(error?.code).toBe('MISSING_PEER_DEPENDENCY');
    expect(error?.packageName).toBe('@aws-sdk/client-s3');
    expect(error?.installCommand).toBe(
      'npm install @aws-sdk/client-cloudfront @aws-sdk/client-s3 @aws-sdk/lib-storage',
    );
    expect(error?.message).toContain('serverless-game-kit/patch needs it');
    expect(error?.cause).toBe(notFound);
  });

  it('recognises CommonJS require errors and deep imports of a peer', () => {
    const notFound = Object.assign(new Error("Cannot find module '@aws-sdk/lib-dynamodb/dist-cjs/x'"), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(asMissingPeerDependency('quiz/lambda', notFound)?.packageName).toBe('@aws-sdk/lib-dynamodb');
  });

  it('leaves every other error alone', () => {
    const ownFileMissing = Object.assign(new Error("Cannot find module '/app/dist/chunk-1.js'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const otherPeer = Object.assign(new Error("Cannot find package '@aws-sdk/client-s3'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const enoent = Object.assign(new Error("ENOENT: no such file 'x'"), { code: 'ENOENT' });

    expect(asMissingPeerDependency('cli', ownFileMissing)).toBeUndefined();
    expect(asMissingPeerDependency('scores/lambda', otherPeer)).toBeUndefined();
    expect(asMissingPeerDependency('cli', enoent)).toBeUndefined();
    expect(asMissingPeerDependency('cli', undefined)).toBeUndefined();
  });
});
