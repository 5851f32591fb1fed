import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';
import { buildHandlerBundles } from './src/cdk/build-handler-bundles.js';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * One entry per public subpath, so a Lambda bundle or a browser bundle pulls only the module it imports.
 * Every bare import stays external (the consumer's bundler or Node resolves it), except that the CommonJS build
 * inlines the few dependencies that ship only as ES modules, so `require()` works on every supported Node.
 */
const entry = {
  'hangul/index': 'src/hangul/index.ts',
  'auth/index': 'src/auth/index.ts',
  'auth/lambda': 'src/auth/lambda.ts',
  'scores/index': 'src/scores/index.ts',
  'scores/lambda': 'src/scores/lambda.ts',
  'quiz/index': 'src/quiz/index.ts',
  'quiz/lambda': 'src/quiz/lambda.ts',
  'patch/index': 'src/patch/index.ts',
  'local/index': 'src/local/index.ts',
  'cdk/index': 'src/cdk/index.ts',
};

const ESM_ONLY_DEPENDENCIES = ['p-limit', 'yocto-queue', 'jose'];
const BARE_IMPORT = /^[^./]/;

/**
 * No source maps ship: the output is unminified ES2022 with the sources' names and comments, so a stack trace
 * into `dist/` reads like the source, and the maps were two thirds of the unpacked package (3.6 of 5.5 MB).
 */
const SOURCE_MAPS = false;

const shared: Options = {
  entry,
  dts: true,
  sourcemap: SOURCE_MAPS,
  target: 'node22',
  platform: 'node',
  splitting: true,
  shims: true,
  treeshake: true,
  outDir: 'dist',
};

export default defineConfig([
  { ...shared, format: ['esm'], external: [BARE_IMPORT] },
  {
    ...shared,
    format: ['cjs'],
    external: [BARE_IMPORT],
    noExternal: ESM_ONLY_DEPENDENCIES,
    // The declarations follow the code: a CommonJS consumer (node16 resolution) cannot import the types of an
    // ES-module-only package (TS1479), so theirs are inlined into the .d.cts files too.
    dts: { resolve: ESM_ONLY_DEPENDENCIES },
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    // Keeps main.ts's `import('./program.js')` a separate chunk, so a missing AWS SDK is caught and named.
    splitting: true,
    target: 'node22',
    platform: 'node',
    sourcemap: SOURCE_MAPS,
    outDir: 'dist',
    external: [BARE_IMPORT],
    esbuildPlugins: [nameAndVersionOnly()],
    banner: { js: '#!/usr/bin/env node' },
    // The Lambda code the `serverless-game-kit/cdk` constructs deploy: one prebuilt bundle per function.
    onSuccess: async () => {
      await buildHandlerBundles('dist/lambda');
    },
  },
]);

/**
 * The CLI prints its version from `package.json`; this keeps the bundle to `name` and `version` instead of the
 * whole file (scripts, devDependencies, overrides).
 */
function nameAndVersionOnly(): EsbuildPlugin {
  const { name, version } = JSON.parse(readFileSync('package.json', 'utf8')) as {
    name: string;
    version: string;
  };
  return {
    name: 'package-json-name-and-version',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\/.*package\.json$/ }, (args) => ({
        path: args.path,
        namespace: 'own-package-json',
      }));
      build.onLoad({ filter: /.*/, namespace: 'own-package-json' }, () => ({
        contents: JSON.stringify({ name, version }),
        loader: 'json',
      }));
    },
  };
}
