import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = fileURLToPath(new URL('./src/', import.meta.url));

/** Starts DynamoDB Local (a JVM) and the S3 server once per run, for the projects that talk to them. */
const SERVICES = ['test/support/global-services.ts'];

/**
 * Three projects, chosen by where a test file lives (see CONTRIBUTING.md):
 * - `unit`: `src/**\/*.test.ts`, next to the code — no services, no global setup; `npx vitest --project unit`
 *   runs in seconds.
 * - `integration`: `test/<module>/**\/*.test.ts` — against DynamoDB Local and the S3 server.
 * - `e2e`: the examples (the web demo in Chromium, the narrated scenario, the CDK app), the README, and
 *   `test/package/` (builds, packs and installs the package into temporary consumer projects).
 * `npm test` runs all three.
 */
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
    exclude: ['**/node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The AWS SDK's notice about Node 20 is for users of an unsupported Node; it is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    typecheck: { enabled: false },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/package/**', 'test/readme.test.ts'],
          globalSetup: SERVICES,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['examples/**/*.test.ts', 'test/package/**/*.test.ts', 'test/readme.test.ts'],
          exclude: ['**/node_modules/**', 'examples/**/cdk.out/**'],
          globalSetup: SERVICES,
          // Packing and installing the package, or synthesizing the CDK app, takes minutes on a busy machine.
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
