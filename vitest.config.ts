import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = fileURLToPath(new URL('./src/', import.meta.url));

export default defineConfig({
  // Examples import the package by name; tests run them against the sources, no build needed.
  resolve: {
    alias: [
      { find: /^serverless-game-kit\/(auth|scores|quiz)\/lambda$/, replacement: `${src}$1/lambda.ts` },
      {
        find: /^serverless-game-kit\/(hangul|auth|patch|scores|quiz|local|cdk)$/,
        replacement: `${src}$1/index.ts`,
      },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    globalSetup: ['test/support/global-services.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The SDK's notice about Node 20 support is for users; it is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    typecheck: { enabled: false },
  },
});
