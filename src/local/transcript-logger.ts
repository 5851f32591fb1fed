import type { LogFields, Logger } from '../core/logger.js';

/** The levels a transcript shows; `debug` entries are left out. */
export type TranscriptLevel = 'info' | 'warn' | 'error';

/**
 * A {@link Logger} for a handler running in the local stack: every entry becomes one line of the stack's
 * transcript (its `log(line)` sink), spelled by `format`. `debug` entries are dropped.
 *
 * @example
 * ```ts
 * import { transcriptLogger } from './transcript-logger.js';
 *
 * const logger = transcriptLogger(console.log, (level, message) => `quiz ${level}: ${message}`);
 * logger.warn('Room busy'); // prints "quiz warn: Room busy"
 * ```
 */
export function transcriptLogger(
  log: (line: string) => void,
  format: (level: TranscriptLevel, message: string, fields: LogFields | undefined) => string,
): Logger {
  const write =
    (level: TranscriptLevel) =>
    (message: string, fields?: LogFields): void =>
      log(format(level, message, fields));
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
