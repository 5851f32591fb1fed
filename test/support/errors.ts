/**
 * The error `action` throws, or `undefined` when it returns: for checking a typed error's code and fields, which
 * `toThrow` cannot reach.
 *
 * @example
 * ```ts
 * expect(isPatchError(errorOf(() => parseManifest('{')), 'MANIFEST_INVALID')).toBe(true);
 * ```
 */
export function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
