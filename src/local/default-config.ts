import { gameStackConfig } from './game-stack.js';
import type { LocalStackConfig } from './stack/types.js';

/**
 * The stack `sgk local` runs when no `--config` is given: the whole game backend of {@link gameStackConfig}.
 *
 * @example
 * ```ts
 * import { defaultLocalStackConfig, startLocalStack } from 'serverless-game-kit/local';
 *
 * const stack = await startLocalStack(defaultLocalStackConfig());
 * ```
 */
export function defaultLocalStackConfig(): LocalStackConfig {
  return gameStackConfig();
}
