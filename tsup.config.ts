import { defineConfig, type Options } from 'tsup';
import { buildHandlerBundles } from './src/cdk/build-handler-bundles.js';

/**
 * One entry per public subpath, so a Lambda bundle or a browser bundle pulls only the module it imports.
 * Every bare import stays external (the consumer's bundler or Node resolves it), except that the CommonJS build
 * inlines the few dependencies that ship only as ES modules, so `require()` works on every Node 20.
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

const shared: Options = {
  entry,
  dts: true,
  sourcemap: true,
  target: 'node20',
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
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    outDir: 'dist',
    external: [BARE_IMPORT],
    banner: { js: '#!/usr/bin/env node' },
    // The Lambda code the `serverless-game-kit/cdk` constructs deploy: one prebuilt bundle per function.
    onSuccess: async () => {
      await buildHandlerBundles('dist/lambda');
    },
  },
]);
