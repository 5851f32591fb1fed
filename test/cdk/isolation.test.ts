import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAME_HANDLERS } from '../../src/cdk/handler-entries.js';
import { buildTestBundles, REPO_ROOT, type TestBundles } from './support.js';

/** Every public subpath but `cdk`, and the CLI. */
const OTHER_ENTRIES = [
  'src/hangul/index.ts',
  'src/auth/index.ts',
  'src/auth/lambda.ts',
  'src/scores/index.ts',
  'src/scores/lambda.ts',
  'src/quiz/index.ts',
  'src/quiz/lambda.ts',
  'src/patch/index.ts',
  'src/local/index.ts',
  'src/cli/main.ts',
];

/** The bare packages a source entry imports, its own files bundled, every package left external. */
async function packagesImportedBy(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs).flatMap((output) =>
    output.imports.filter((i) => i.external).map((i) => i.path),
  );
}

describe('aws-cdk-lib and constructs stay inside serverless-game-kit/cdk', () => {
  it.each(OTHER_ENTRIES)('%s never imports them', async (entry) => {
    const packages = await packagesImportedBy(entry);

    expect(packages.filter((name) => /^(aws-cdk-lib|constructs|cdk-nag)(\/|$)/.test(name))).toEqual([]);
  });

  it('the cdk subpath imports them (and so needs the optional peers)', async () => {
    const packages = await packagesImportedBy('src/cdk/index.ts');

    expect(packages).toEqual(expect.arrayContaining(['aws-cdk-lib', 'constructs']));
    expect(packages.filter((name) => name === 'esbuild')).toEqual([]);
  });
});

describe('the prebuilt handler bundles', () => {
  let bundles: TestBundles;
  beforeAll(async () => {
    bundles = await buildTestBundles();
  }, 120_000);
  afterAll(() => bundles?.remove());

  /** Source files in a bundle, relative to the repository, from its source map. */
  const sourcesOf = (bundle: string): string[] => {
    const directory = join(bundles.directory, bundle);
    const map = JSON.parse(readFileSync(join(directory, 'index.mjs.map'), 'utf8')) as { sources: string[] };
    return map.sources.map((source) => relative(REPO_ROOT, resolve(directory, source)));
  };
  const modulesOf = (bundle: string) =>
    [
      ...new Set(
        sourcesOf(bundle)
          .filter((s) => s.startsWith('src/'))
          .map((s) => s.split('/')[1]),
      ),
    ].sort();

  it.each([
    ['auth', ['auth', 'cdk', 'core']],
    ['submitScore', ['cdk', 'core', 'scores']],
    ['leaderboard', ['cdk', 'core', 'scores']],
    ['scoreHistory', ['cdk', 'core', 'scores']],
    ['scoreStream', ['cdk', 'core', 'scores']],
    ['quizSocket', ['cdk', 'core', 'hangul', 'quiz']],
  ] as const)('bundles %s with its own module only', (name, modules) => {
    expect(modulesOf(GAME_HANDLERS[name].bundle)).toEqual(modules);
  });

  it('leaves the AWS SDK and the CDK out of every bundle, and only handler entry files from src/cdk', () => {
    for (const { bundle } of Object.values(GAME_HANDLERS)) {
      const sources = sourcesOf(bundle);
      expect(
        sources.filter((source) => /@aws-sdk|@smithy|aws-cdk-lib|node_modules\/constructs/.test(source)),
      ).toEqual([]);
      expect(sources.filter((s) => s.startsWith('src/cdk/') && !s.startsWith('src/cdk/handlers/'))).toEqual(
        [],
      );
      expect(bundles.sizes[bundle]).toBeGreaterThan(1000);
    }
  });
});
