import { describe, expect, it } from 'vitest';
import { HttpClientError } from '../core/client/request-json.js';
import { isGameKitError } from '../core/errors.js';
import { isScoresAnswerCode, isScoresError, SCORES_ERROR_STATUS, ScoresError } from './errors.js';

/** A scores error as a second copy of the package (the other build, another version) makes it. */
function scoresErrorFromAnotherCopy(code: string): Error {
  const foreign = Object.assign(new Error('from the CommonJS build'), { name: 'ScoresError', code });
  Object.defineProperty(foreign, Symbol.for('serverless-game-kit.GameKitError'), { value: true });
  return foreign;
}

describe('ScoresError', () => {
  it('is a branded kit error and an HttpClientError, named ScoresError', () => {
    const error = new ScoresError('RATE_LIMITED', 'slow down', { status: 429, retryAfterSeconds: 7 });

    expect(isGameKitError(error, 'ScoresError')).toBe(true);
    expect(error).toBeInstanceOf(HttpClientError);
    expect(error).toMatchObject({
      name: 'ScoresError',
      code: 'RATE_LIMITED',
      status: 429,
      retryAfterSeconds: 7,
    });
  });

  it('has no status, requestId or retryAfterSeconds when not given', () => {
    const error = new ScoresError('INVALID_SCORE', 'not an integer');

    expect([error.status, error.requestId, error.retryAfterSeconds]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('isScoresError', () => {
  it('recognises the error by code, also from another copy of the package', () => {
    expect(isScoresError(new ScoresError('UNKNOWN_BOARD', 'x'), 'UNKNOWN_BOARD')).toBe(true);
    expect(isScoresError(new ScoresError('UNKNOWN_BOARD', 'x'), 'INVALID_BOARD')).toBe(false);
    expect(isScoresError(scoresErrorFromAnotherCopy('NETWORK'), 'NETWORK')).toBe(true);
  });

  it('rejects other kit errors and foreign errors with the same name or code', () => {
    const plainHttpError = new HttpClientError('NETWORK', 'x');
    const unbranded = Object.assign(new Error('x'), { name: 'ScoresError', code: 'NETWORK' });

    expect([isScoresError(plainHttpError), isScoresError(unbranded), isScoresError('ScoresError')]).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('isScoresAnswerCode', () => {
  it('accepts exactly the codes a handler can answer, each with a 4xx or 5xx status', () => {
    const answered = Object.keys(SCORES_ERROR_STATUS).filter(isScoresAnswerCode);

    expect(answered).not.toEqual(expect.arrayContaining(['NETWORK']));
    expect(answered).toContain('PLAYER_NOT_FOUND');
    expect(answered).toContain('UNSUPPORTED_MEDIA_TYPE');
    for (const code of answered) expect(SCORES_ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(isScoresAnswerCode('HTTP_404')).toBe(false);
  });
});
