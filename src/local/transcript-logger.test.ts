import { describe, expect, it } from 'vitest';
import { safeLogger } from '../core/logger.js';
import { transcriptLogger } from './transcript-logger.js';

describe('transcriptLogger', () => {
  it('writes one formatted line per entry, with the fields the kit passes, and drops debug', () => {
    const lines: string[] = [];
    const logger = safeLogger(
      transcriptLogger(
        (line) => lines.push(line),
        (level, message, fields) =>
          `quiz ${level}: ${message}${fields?.error instanceof Error ? ` (${fields.error.message})` : ''}`,
      ),
    );

    logger.debug('not shown');
    logger.info('joined', { roomId: 'lobby' });
    logger.error('post failed', { error: new Error('gone'), token: 'secret' });

    expect(lines).toEqual(['quiz info: joined', 'quiz error: post failed (gone)']);
  });

  it('hands the formatter the redacted fields', () => {
    const seen: unknown[] = [];
    const logger = safeLogger(
      transcriptLogger(
        () => undefined,
        (_level, message, fields) => {
          seen.push(fields);
          return message;
        },
      ),
    );

    logger.warn('signed in', { identityId: 'id-1', token: 'eyJ' });

    expect(seen).toEqual([{ identityId: 'id-1', token: '[redacted]' }]);
  });
});
