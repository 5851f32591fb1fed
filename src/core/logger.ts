import { hasMethods } from './method-checks.js';

/**
 * The one logger contract of the kit's server code: an object with a method per level taking a message and
 * structured fields — the shape of `console`, the Powertools for AWS Lambda `Logger`, winston and most other
 * loggers, so they plug in without an adapter and fields stay structured (JSON in CloudWatch with Powertools).
 * Browser-safe.
 */

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured details of a log line, such as `{ connectionId, error }`. */
export type LogFields = Record<string, unknown>;

/**
 * Where the kit writes log lines: `console`, a Powertools `Logger`, or any object with these methods. `debug`
 * is optional. The kit never passes tokens, keys or credentials in a message or a field.
 *
 * @example
 * ```ts
 * import { Logger } from '@aws-lambda-powertools/logger';
 * import { createKakaoAuthHandler } from 'serverless-game-kit/auth/lambda';
 *
 * export const handler = createKakaoAuthHandler({ ...settings, logger: new Logger({ serviceName: 'auth' }) });
 * ```
 */
export interface Logger {
  debug?(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * Whether `value` has the methods of a {@link Logger}.
 *
 * @example
 * ```ts
 * import { isLogger } from '../core/logger.js';
 *
 * isLogger(console); // true
 * ```
 */
export function isLogger(value: unknown): value is Logger {
  return isLoggerShaped(value);
}

const isLoggerShaped = hasMethods('info', 'warn', 'error');

/** Field names whose values are secrets: never written, whatever a caller passes. */
const SECRET_FIELD =
  /token|secret|password|passwd|authori[sz]ation|cookie|credential|signature|private|key$/i;

/** The placeholder written instead of a secret field's value. */
export const REDACTED = '[redacted]';

/**
 * A copy of `fields` with the values of secret-looking names (`token`, `playerKey`, `authorization`,
 * `credentials`, …) replaced by `[redacted]`, in nested plain objects too. Errors and other class instances are
 * kept as they are.
 *
 * @example
 * ```ts
 * import { redactSecrets } from '../core/logger.js';
 *
 * redactSecrets({ token: 'eyJ…', roomId: 'lobby' }); // { token: '[redacted]', roomId: 'lobby' }
 * ```
 */
export function redactSecrets(fields: LogFields): LogFields {
  return redactUpTo(fields, 4);
}

function redactUpTo(fields: LogFields, depth: number): LogFields {
  const copy: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(name)) copy[name] = REDACTED;
    else if (depth > 0 && isPlainObject(value)) copy[name] = redactUpTo(value, depth - 1);
    else copy[name] = value;
  }
  return copy;
}

function isPlainObject(value: unknown): value is LogFields {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Wraps `logger` so every line goes through {@link redactSecrets}; a missing `debug` writes nothing.
 *
 * @example
 * ```ts
 * import { safeLogger } from '../core/logger.js';
 *
 * const log = safeLogger(options.logger ?? console);
 * log.info('signed in', { identityId });
 * ```
 */
export function safeLogger(logger: Logger): Required<Logger> {
  const write =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (fields === undefined) logger[level]?.(message);
      else logger[level]?.(message, redactSecrets(fields));
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * A logger that writes only the levels given, to `console` (e.g. `['warn', 'error']`).
 *
 * @example
 * ```ts
 * import { consoleLogger } from '../core/logger.js';
 *
 * const quiet = consoleLogger(['warn', 'error']);
 * ```
 */
export function consoleLogger(
  levels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'],
): Required<Logger> {
  const write =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (!levels.includes(level)) return;
      if (fields === undefined) console[level](message);
      else console[level](message, fields);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
