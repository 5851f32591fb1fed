import { describe, expect, it } from 'vitest';
import { bundleEntry } from '../support/bundle.js';

describe('serverless-game-kit/scores in a browser bundle', () => {
  it('bundles for the browser with no Node built-ins and no AWS SDK', async () => {
    const { inputs, code } = await bundleEntry('src/scores/index.ts');

    expect(inputs.filter((input) => /@aws-sdk|node:|\/dynamodb/.test(input))).toEqual([]);
    expect(code).not.toMatch(/@aws-sdk|from ["']node:|require\(["']node:/);
  });
});
