import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpClientError } from '../core/client/request-json.js';
import { toScoresError } from './client-errors.js';
import { isScoresAnswerCode, isScoresError, SCORES_ERROR_STATUS, ScoresError } from './errors.js';

const ALL_CODES = Object.keys(SCORES_ERROR_STATUS);
const TRANSPORT_CODES: string[] = ['NETWORK', 'TIMEOUT', 'ABORTED', 'INVALID_RESPONSE'];

/** Any failure `requestJson` can throw: transport codes, server codes (ours or not), any status or none. */
const httpClientErrors = fc
  .record({
    code: fc.oneof(
      fc.constantFrom('NETWORK', 'TIMEOUT', 'ABORTED', 'INVALID_RESPONSE', 'HTTP_502', 'Forbidden'),
      fc.constantFrom(...ALL_CODES),
      fc.string({ maxLength: 20 }),
    ),
    status: fc.option(fc.integer({ min: 200, max: 599 }), { nil: undefined }),
    requestId: fc.option(fc.stringMatching(/^[0-9a-f]{1,12}$/), { nil: undefined }),
  })
  .map(
    ({ code, status, requestId }) =>
      new HttpClientError(code, 'failed', {
        ...(status === undefined ? {} : { status }),
        ...(requestId === undefined ? {} : { requestId }),
      }),
  );

describe('toScoresError', () => {
  it('always gives a ScoresError with a known code, keeping status, request id and the cause', () => {
    fc.assert(
      fc.property(httpClientErrors, fc.option(fc.string(), { nil: null }), (failure, retryAfter) => {
        const error = toScoresError(failure, retryAfter);

        expect(isScoresError(error)).toBe(true);
        expect(ALL_CODES).toContain(error.code);
        expect([error.status, error.requestId, error.cause]).toEqual([
          failure.status,
          failure.requestId,
          failure,
        ]);
        const keepsServerCode = failure.status !== undefined && isScoresAnswerCode(failure.code);
        expect(!keepsServerCode || error.code === failure.code).toBe(true);
        const transportOnly = failure.status === undefined;
        expect(!transportOnly || TRANSPORT_CODES.includes(error.code)).toBe(true);
      }),
      { seed: 15, numRuns: 500 },
    );
  });

  it.each([
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [429, 'RATE_LIMITED'],
    [404, 'SCORES_ENDPOINT_ERROR'],
    [503, 'SCORES_ENDPOINT_ERROR'],
  ])('names a gateway answer %i without a scores code %s', (status, code) => {
    expect(toScoresError(new HttpClientError(`HTTP_${status}`, 'x', { status }), null).code).toBe(code);
  });

  it.each([
    ['17', 17],
    [' 3 ', 3],
    ['0', 0],
    ['Wed, 21 Oct 2026 07:28:00 GMT', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['', undefined],
    [null, undefined],
  ])('reads retry-after %j as %j seconds', (header, seconds) => {
    const failure = new HttpClientError('RATE_LIMITED', 'slow down', { status: 429 });

    expect(toScoresError(failure, header).retryAfterSeconds).toBe(seconds);
  });

  it('passes a ScoresError through and wraps anything else as NETWORK', () => {
    const own = new ScoresError('INVALID_SCORE', 'x');
    const foreign = new TypeError('fetch failed');

    expect(toScoresError(own, null)).toBe(own);
    expect(toScoresError(foreign, null)).toMatchObject({ code: 'NETWORK', cause: foreign });
  });
});
