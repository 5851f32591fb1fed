import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ScoresIndex from '../../src/scores/index.js';
import { bundleEntry } from '../support/bundle.js';

type ScoresModule = typeof ScoresIndex;

/** Two separately loaded, minified browser bundles of `serverless-game-kit/scores`, as two copies in one app. */
let copies: [ScoresModule, ScoresModule];
let folder: string;

beforeAll(async () => {
  const { code } = await bundleEntry('src/scores/index.ts', { minify: true });
  folder = await mkdtemp(join(tmpdir(), 'sgk-scores-min-'));
  const load = async (name: string): Promise<ScoresModule> => {
    const file = join(folder, name);
    await writeFile(file, code);
    return (await import(pathToFileURL(file).href)) as ScoresModule;
  };
  copies = [await load('a.mjs'), await load('b.mjs')];
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('ScoresError in a minified bundle', () => {
  it('keeps its name, so isScoresError and isGameKitError recognise it', () => {
    const [scores] = copies;
    const error = new scores.ScoresError('RATE_LIMITED', 'slow down', { status: 429 });

    expect(error.name).toBe('ScoresError');
    expect(scores.isScoresError(error, 'RATE_LIMITED')).toBe(true);
    expect(scores.isGameKitError(error, 'ScoresError')).toBe(true);
    expect(error).toBeInstanceOf(scores.HttpClientError);
  });

  it('is recognised by another copy of the package, and a plain HttpClientError is not', () => {
    const [first, second] = copies;
    const fromSecond = new second.ScoresError('NETWORK', 'offline');

    expect(fromSecond).not.toBeInstanceOf(first.ScoresError);
    expect(first.isScoresError(fromSecond, 'NETWORK')).toBe(true);
    expect(first.isScoresError(new second.HttpClientError('NETWORK', 'offline'))).toBe(false);
  });
});
