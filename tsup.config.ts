import { defineConfig } from 'tsup';

/**
 * One entry per public subpath. Dependencies stay external (the consumer's bundler or Node resolves them);
 * each subpath is its own entry so a Lambda bundle or a browser bundle pulls only the module it imports.
 */
const entry = {
  'hangul/index': 'src/hangul/index.ts',
  'local/index': 'src/local/index.ts',
};

export default defineConfig([
  {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    shims: true,
    treeshake: true,
    outDir: 'dist',
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    outDir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
