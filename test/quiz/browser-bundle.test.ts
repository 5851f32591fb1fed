/**
 * `serverless-game-kit/quiz` must bundle for browsers: no Node built-ins, no AWS SDK, no `ws`, no server code.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

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
    const result = await build({
      entryPoints: ['src/quiz/index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });

    const inputs = Object.keys(result.metafile.inputs);
    const output = result.outputFiles[0]!.text;
    expect(result.errors).toEqual([]);
    expect(inputs.filter((input) => input.includes('@aws-sdk') || input.includes('@smithy'))).toEqual([]);
    expect(inputs.filter((input) => /node_modules\/ws\//.test(input))).toEqual([]);
    expect(inputs.filter((input) => SERVER_FILES.some((file) => input.endsWith(`src/quiz/${file}`)))).toEqual(
      [],
    );
    expect(inputs).toContain('node_modules/isomorphic-ws/browser.js');
    expect(output).not.toMatch(/from\s*["']node:|require\(["']node:/);
  });

  it('keeps the Lambda bundle of quiz/lambda to the quiz module and what it shares', async () => {
    const result = await build({
      entryPoints: ['src/quiz/lambda.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      external: ['@aws-sdk/*'],
    });

    const ownSources = Object.keys(result.metafile.inputs).filter((input) => input.startsWith('src/'));
    expect(ownSources.filter((input) => !/^src\/(quiz|hangul|core)\//.test(input))).toEqual([]);
  });
});
