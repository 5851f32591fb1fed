import { type Metafile, build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

let metafile: Metafile;
let code: string;

beforeAll(async () => {
  const result = await build({
    entryPoints: ['src/auth/index.ts'],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  metafile = result.metafile;
  code = result.outputFiles[0]!.text;
});

describe('the serverless-game-kit/auth bundle for browsers', () => {
  it('contains no AWS SDK or Smithy runtime code', () => {
    const inputs = Object.keys(metafile.inputs);

    expect(inputs.filter((path) => /@aws-sdk|@smithy/.test(path))).toEqual([]);
  });

  it('imports no Node built-in', () => {
    const imports = Object.values(metafile.inputs).flatMap((input) =>
      input.imports.map((entry) => entry.path),
    );

    expect(
      imports.filter((path) => path.startsWith('node:') || /^(fs|crypto|http|https|buffer|path)$/.test(path)),
    ).toEqual([]);
  });

  it('uses no Node globals', () => {
    expect(code).not.toMatch(/\bprocess\.|\bBuffer\.|\brequire\(/);
  });

  it('contains no server code of the auth module', () => {
    const inputs = Object.keys(metafile.inputs);

    expect(
      inputs.filter((path) =>
        /kakao-auth-handler|handler-options|src\/auth\/kakao\.ts|src\/local\//.test(path),
      ),
    ).toEqual([]);
  });

  it('stays under 48 kB minified', () => {
    expect(code.length).toBeLessThan(48 * 1024);
  });
});
