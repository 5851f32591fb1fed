/**
 * Marks every {@link GameKitError}. A registered symbol (`Symbol.for`) is the same in every copy of the package
 * loaded in one process (ESM and CommonJS builds, or two versions side by side), unlike the class itself; and no
 * foreign error carries it, unlike a string `code` (Node's `ENOENT`, the AWS SDK's faults).
 */
const GAME_KIT_ERROR_BRAND = Symbol.for('serverless-game-kit.GameKitError');

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
    Object.defineProperty(this, GAME_KIT_ERROR_BRAND, { value: true });
  }
}

/**
 * True when `error` is a {@link GameKitError}, also one thrown by a duplicate copy of the package (the ESM and the
 * CommonJS build, or two versions): every kit error carries a brand that foreign errors do not, so Node's
 * `ENOENT` or an AWS SDK fault is never mistaken for one. Pass `name` to test for a subclass, e.g.
 * `'SessionExpiredError'`.
 *
 * @example
 * ```ts
 * import { isGameKitError } from 'serverless-game-kit/local';
 *
 * if (isGameKitError(error, 'LocalServiceError')) console.log(error.code);
 * ```
 */
export function isGameKitError(error: unknown, name?: string): error is GameKitError {
  if (!(error instanceof Error)) return false;
  const branded =
    error instanceof GameKitError ||
    (error as { [GAME_KIT_ERROR_BRAND]?: unknown })[GAME_KIT_ERROR_BRAND] === true;
  return branded && (name === undefined || error.name === name);
}
