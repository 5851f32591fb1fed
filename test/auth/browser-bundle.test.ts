import { beforeAll, describe, expect, it } from 'vitest';
import { type EntryBundle, bundleEntry } from '../support/bundle.js';

let bundle: EntryBundle;
let code: string;

beforeAll(async () => {
  bundle = await bundleEntry('src/auth/index.ts', { minify: true });
  code = bundle.code;
});

describe('the serverless-game-kit/auth bundle for browsers', () => {
  it('contains no AWS SDK or Smithy runtime code', () => {
    expect(bundle.inputs.filter((path) => /@aws-sdk|@smithy/.test(path))).toEqual([]);
  });

  it('imports no Node built-in', () => {
    expect(
      bundle.imports.filter(
        (path) => path.startsWith('node:') || /^(fs|crypto|http|https|buffer|path)$/.test(path),
      ),
    ).toEqual([]);
  });

  it('uses no Node globals', () => {
    expect(code).not.toMatch(/\bprocess\.|\bBuffer\.|\brequire\(/);
  });

  it('contains no server code of the auth module', () => {
    expect(
      bundle.inputs.filter((path) =>
        /kakao-auth-handler|handler-options|src\/auth\/kakao\.ts|src\/local\//.test(path),
      ),
    ).toEqual([]);
  });

  it('stays under 48 kB minified', () => {
    expect(code.length).toBeLessThan(48 * 1024);
  });
});
