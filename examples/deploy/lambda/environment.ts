/**
 * Reads a setting the stack put in the function's environment; fails the cold start with a clear message when it
 * is missing (a function deployed by hand, or a renamed variable).
 *
 * @param name - The environment variable.
 * @returns Its value.
 * @throws {Error} when it is unset or empty.
 * @example
 * ```ts
 * const identityPoolId = requiredEnv('IDENTITY_POOL_ID');
 * ```
 */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`The environment variable ${name} is not set; deploy the function with the stack.`);
  }
  return value;
}
