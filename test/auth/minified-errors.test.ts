import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as AuthIndex from '../../src/auth/index.js';
import type * as QuizIndex from '../../src/quiz/index.js';
import { bundleEntry } from '../support/bundle.js';

const folders: string[] = [];
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

/** A minified browser bundle of `entry`, loaded as a game would load it. */
async function minified<T>(entry: string): Promise<T> {
  const { code } = await bundleEntry(entry, { minify: true });
  const folder = await mkdtemp(join(tmpdir(), 'sgk-min-errors-'));
  folders.push(folder);
  const file = join(folder, 'bundle.mjs');
  await writeFile(file, code);
  return (await import(pathToFileURL(file).href)) as T;
}

describe('kit errors in minified browser bundles', () => {
  it('keep their class names, so isGameKitError(error, name) recognises them (auth)', async () => {
    const auth = await minified<typeof AuthIndex>('src/auth/index.ts');
    const errors = [
      [new auth.SessionExpiredError(), 'SessionExpiredError'],
      [new auth.AuthConfigError('bad'), 'AuthConfigError'],
      [new auth.AuthError('SESSION_EXPIRED', 'x'), 'AuthError'],
      [new auth.HttpClientError('NETWORK', 'offline'), 'HttpClientError'],
    ] as const;

    for (const [error, name] of errors) {
      expect(error.name).toBe(name);
      expect(auth.isGameKitError(error, name)).toBe(true);
    }
  });

  it('keep their class names (quiz)', async () => {
    const quiz = await minified<typeof QuizIndex>('src/quiz/index.ts');
    const error = new quiz.QuizError('JOIN_FAILED', 'no room');

    expect(error.name).toBe('QuizError');
    expect(quiz.isQuizError(error)).toBe(true);
  });
});
