import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../../src/scores/index.ts', import.meta.url));

describe('serverless-game-kit/scores in a browser bundle', () => {
  it('bundles for the browser with no Node built-ins and no AWS SDK', async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });

    const inputs = Object.keys(result.metafile.inputs);
    const code = result.outputFiles[0]!.text;
    expect(result.errors).toEqual([]);
    expect(inputs.filter((input) => /@aws-sdk|node:|\/dynamodb/.test(input))).toEqual([]);
    expect(code).not.toMatch(/@aws-sdk|from ["']node:|require\(["']node:/);
  });
});
