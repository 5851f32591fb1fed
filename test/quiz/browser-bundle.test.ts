/**
 * `serverless-game-kit/quiz` must bundle for browsers: no Node built-ins, no AWS SDK, no `ws`, no server code.
 */
import { describe, expect, it } from 'vitest';
import { bundleEntry } from '../support/bundle.js';

const SERVER_FILES = [
  'socket-handler.ts',
  'socket-options.ts',
  'room-store.ts',
  'broadcaster.ts',
  'word-pack-sources.ts',
  'player-identity.ts',
  'default-word-pack.ts',
  'tables.ts',
  'lambda.ts',
];

describe('the quiz client bundle', () => {
  it('bundles src/quiz/index.ts for the browser without Node built-ins, the AWS SDK, ws or server code', async () => {
    const { inputs, code: output } = await bundleEntry('src/quiz/index.ts');

    expect(inputs.filter((input) => input.includes('@aws-sdk') || input.includes('@smithy'))).toEqual([]);
    expect(inputs.filter((input) => /node_modules\/ws\//.test(input))).toEqual([]);
    expect(inputs.filter((input) => SERVER_FILES.some((file) => input.endsWith(`src/quiz/${file}`)))).toEqual(
      [],
    );
    expect(inputs).toContain('node_modules/isomorphic-ws/browser.js');
    expect(output).not.toMatch(/from\s*["']node:|require\(["']node:/);
  });

  it('keeps the Lambda bundle of quiz/lambda to the quiz module and what it shares', async () => {
    const { inputs } = await bundleEntry('src/quiz/lambda.ts', {
      platform: 'node',
      external: ['@aws-sdk/*'],
    });

    const ownSources = inputs.filter((input) => input.startsWith('src/'));
    expect(ownSources.filter((input) => !/^src\/(quiz|hangul|core)\//.test(input))).toEqual([]);
  });
});
