import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveQuizLog } from '../quiz/socket-options.js';
import { resolveScoresLogger } from '../scores/handler-support.js';
import { consoleLogger, isLogger, type LogFields, REDACTED, redactSecrets, safeLogger } from './logger.js';

/** A logger that keeps its lines and needs `this`, as class-based loggers (Powertools) do. */
class RecordingLogger {
  readonly lines: Array<[string, string, LogFields | undefined]> = [];
  info(message: string, fields?: LogFields): void {
    this.lines.push(['info', message, fields]);
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push(['warn', message, fields]);
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push(['error', message, fields]);
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('isLogger', () => {
  it('accepts console and objects with info, warn and error; refuses the rest', () => {
    expect(isLogger(console)).toBe(true);
    expect(isLogger(new RecordingLogger())).toBe(true);
    expect(isLogger({ info() {}, warn() {} })).toBe(false);
    expect(isLogger(() => {})).toBe(false);
    expect(isLogger(null)).toBe(false);
  });
});

describe('redactSecrets', () => {
  it('hides tokens, keys and credentials, in nested objects too, and keeps everything else', () => {
    const error = new Error('boom');
    const redacted = redactSecrets({
      token: 'eyJ',
      accessToken: 'kakao',
      playerKey: 'k'.repeat(20),
      Authorization: 'AWS4-HMAC-SHA256 …',
      nested: { credentials: { secretAccessKey: 's' }, roomId: 'lobby' },
      connectionId: 'abc=',
      error,
    });

    expect(redacted).toEqual({
      token: REDACTED,
      accessToken: REDACTED,
      playerKey: REDACTED,
      Authorization: REDACTED,
      nested: { credentials: REDACTED, roomId: 'lobby' },
      connectionId: 'abc=',
      error,
    });
    expect(redacted.error).toBe(error);
  });

  it('stops at a bounded depth instead of following a deep or cyclic object forever', () => {
    const cyclic: LogFields = { roomId: 'x' };
    cyclic.self = cyclic;

    expect(() => redactSecrets(cyclic)).not.toThrow();
  });
});

describe('safeLogger', () => {
  it('calls the logger’s own methods (with this) and redacts their fields', () => {
    const logger = new RecordingLogger();
    const log = safeLogger(logger);

    log.info('signed in', { identityId: 'ap-northeast-2:1', token: 'eyJ' });
    log.error('failed');
    log.debug('not written: the logger has no debug');

    expect(logger.lines).toEqual([
      ['info', 'signed in', { identityId: 'ap-northeast-2:1', token: REDACTED }],
      ['error', 'failed', undefined],
    ]);
  });
});

describe('consoleLogger', () => {
  it('writes only the levels asked for, to the console method of the same level', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const log = consoleLogger(['warn', 'error']);

    log.info('quiet');
    log.warn('loud', { roomId: 'lobby' });

    expect(info).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith('loud', { roomId: 'lobby' });
  });
});

describe('module adapters of the former logger shapes', () => {
  it('scores: a deprecated (message, error) function gets every line with its error', () => {
    const calls: unknown[][] = [];
    const error = new Error('throttled');
    const log = resolveScoresLogger((message, cause) => calls.push([message, cause]));

    log.error('scores handler failed', { error });
    log.warn('scores stream: invalid record 1: no keys');

    expect(calls).toEqual([
      ['scores handler failed', error],
      ['scores stream: invalid record 1: no keys', undefined],
    ]);
  });

  it('scores: a Logger is used as it is; anything else is refused at factory time', () => {
    const logger = new RecordingLogger();
    resolveScoresLogger(logger).warn('w', { board: 'global' });

    expect(logger.lines).toEqual([['warn', 'w', { board: 'global' }]]);
    expect(() => resolveScoresLogger({} as never)).toThrow(/logger must have/);
  });

  it('quiz: a Logger gets the entry’s message and its other fields; the deprecated log wins when given', () => {
    const logger = new RecordingLogger();
    const error = new Error('gone');
    resolveQuizLog({ logger })({
      level: 'warn',
      message: 'postToConnection failed',
      connectionId: 'c1',
      error,
    });
    const entries: unknown[] = [];
    resolveQuizLog({ logger, log: (entry) => entries.push(entry) })({ level: 'info', message: 'x' });

    expect(logger.lines).toEqual([['warn', 'postToConnection failed', { connectionId: 'c1', error }]]);
    expect(entries).toEqual([{ level: 'info', message: 'x' }]);
  });
});
