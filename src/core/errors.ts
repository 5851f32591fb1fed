/**
 * The base of every error the kit throws. `code` is a stable, machine-readable string (each module documents
 * its codes); `message` is for humans; `cause` keeps the foreign error that led to it.
 *
 * @example
 * ```ts
 * import { GameKitError, isGameKitError } from 'serverless-game-kit/local';
 *
 * try {
 *   await startDynamoDbLocal();
 * } catch (error) {
 *   if (isGameKitError(error) && error.code === 'JAVA_NOT_FOUND') console.error(error.message);
 * }
 * ```
 */
export class GameKitError<Code extends string = string> extends Error {
  /** Stable identifier of what went wrong, e.g. `'JAVA_NOT_FOUND'`. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * True when `error` is a {@link GameKitError}, also across duplicate copies of the package (checks `name` and
 * `code` as well as `instanceof`). Pass `name` to test for a subclass, e.g. `'SessionExpiredError'`.
 *
 * @example
 * ```ts
 * import { isGameKitError } from 'serverless-game-kit/local';
 *
 * if (isGameKitError(error, 'LocalServiceError')) console.log(error.code);
 * ```
 */
export function isGameKitError(error: unknown, name?: string): error is GameKitError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  const looksLikeOne = error instanceof GameKitError || typeof candidate.code === 'string';
  if (!looksLikeOne || !(error instanceof Error)) return false;
  return name === undefined ? true : candidate.name === name;
}
