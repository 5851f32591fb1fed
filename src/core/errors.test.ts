import { describe, expect, it } from 'vitest';
import { GameKitError, isGameKitError } from './errors.js';

/** What the same class looks like when a second copy of the package (the other build, another version) made it. */
function errorFromAnotherCopy(): Error {
  const foreign = new Error('from the CommonJS build') as Error & { code: string };
  foreign.name = 'PatchError';
  foreign.code = 'MANIFEST_INVALID';
  Object.defineProperty(foreign, Symbol.for('serverless-game-kit.GameKitError'), { value: true });
  return foreign;
}

describe('isGameKitError', () => {
  it('accepts the kit’s own errors and their subclasses, by name when asked', () => {
    class PatchError extends GameKitError<'MANIFEST_INVALID'> {}
    const error = new PatchError('MANIFEST_INVALID', 'bad manifest');

    expect(isGameKitError(error)).toBe(true);
    expect(isGameKitError(error, 'PatchError')).toBe(true);
    expect(isGameKitError(error, 'AuthError')).toBe(false);
  });

  it('accepts an error made by another copy of the package', () => {
    expect(isGameKitError(errorFromAnotherCopy())).toBe(true);
    expect(isGameKitError(errorFromAnotherCopy(), 'PatchError')).toBe(true);
  });

  it('rejects foreign errors that carry a string code, such as Node’s ENOENT', async () => {
    const { readFile } = await import('node:fs/promises');
    const enoent: unknown = await readFile('/definitely/not/here').catch((error: unknown) => error);

    expect((enoent as { code?: unknown }).code).toBe('ENOENT');
    expect(isGameKitError(enoent)).toBe(false);
    expect(isGameKitError(Object.assign(new Error('x'), { code: 'NETWORK', name: 'GameKitError' }))).toBe(
      false,
    );
  });

  it('rejects values that are not errors, even branded ones', () => {
    const plain = { code: 'X', name: 'GameKitError', [Symbol.for('serverless-game-kit.GameKitError')]: true };

    expect(isGameKitError(plain)).toBe(false);
    expect(isGameKitError(undefined)).toBe(false);
    expect(isGameKitError('ENOENT')).toBe(false);
  });
});
