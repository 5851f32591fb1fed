/**
 * Reads what the `serverless-game-kit/cdk` constructs put in a function's environment. A function deployed without
 * them fails its cold start with a message that names the missing variable.
 */

/** The handler factory's options, as JSON (written by the construct with `Stack.toJsonString`). */
export const OPTIONS_VARIABLE = 'SGK_HANDLER_OPTIONS';

/**
 * Reads one environment variable.
 *
 * @param name - The variable.
 * @returns Its value.
 * @throws {Error} when it is unset or empty.
 * @example
 * ```ts
 * const poolId = requiredEnv('SGK_IDENTITY_POOL_ID');
 * ```
 */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `The environment variable ${name} is not set; deploy this function with its serverless-game-kit construct.`,
    );
  }
  return value;
}

/**
 * The handler factory's options from {@link OPTIONS_VARIABLE}.
 *
 * @returns The parsed options object.
 * @throws {Error} when the variable is missing or is not a JSON object.
 * @example
 * ```ts
 * export const handler = createLeaderboardHandler(handlerOptions());
 * ```
 */
export function handlerOptions<Options>(): Options {
  const raw = requiredEnv(OPTIONS_VARIABLE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${OPTIONS_VARIABLE} is not valid JSON.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${OPTIONS_VARIABLE} must be a JSON object.`);
  }
  return parsed as Options;
}
