import { GameKitError } from '../core/errors.js';

/** Why an `sgk` command refused to go on. */
export type CliErrorCode =
  /** `sgk patch status <dir>`: the folder does not exist or is not a folder. */
  | 'INSTALL_DIR_NOT_FOUND'
  /** `sgk patch keygen --out <dir>`: a key file is there already (and `--force` was not given). */
  | 'KEYS_EXIST'
  /** An AWS command found no credentials (or no region) in the default chain. */
  | 'NO_CREDENTIALS';

/**
 * An `sgk` command's own refusal: the message says what to do. `sgk` prints it as `sgk: <message> [<code>]` and
 * exits with 1.
 *
 * @example
 * ```ts
 * import { CliError } from './cli-error.js';
 *
 * throw new CliError('INSTALL_DIR_NOT_FOUND', 'No folder ./game: check the path.');
 * ```
 */
export class CliError extends GameKitError<CliErrorCode> {
  /** Spelled out: a minifier renames classes, and `isGameKitError(error, name)` goes by this. */
  override name: string = 'CliError';
}
