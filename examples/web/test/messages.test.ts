import { describe, expect, it } from 'vitest';
import type { AuthErrorCode } from 'serverless-game-kit/auth';
import type { QuizErrorCode } from 'serverless-game-kit/quiz';
import { ScoresError, type ScoresErrorCode } from 'serverless-game-kit/scores';
import { DemoError, errorMessage, quizEventMessage } from '../src/messages.js';

// Records keyed by each union: adding a code to a client without a Korean message here fails the type check.
const SCORES_CODES: Record<ScoresErrorCode, true> = {
  INVALID_OPTIONS: true,
  INVALID_BODY: true,
  INVALID_JSON: true,
  MISSING_BODY: true,
  UNSUPPORTED_MEDIA_TYPE: true,
  BODY_TOO_LARGE: true,
  INVALID_SCORE: true,
  INVALID_NAME: true,
  INVALID_BOARD: true,
  UNKNOWN_BOARD: true,
  INVALID_QUERY: true,
  INVALID_CURSOR: true,
  UNAUTHENTICATED: true,
  RATE_LIMITED: true,
  PLAYER_NOT_FOUND: true,
  CONTENTION: true,
  METHOD_NOT_ALLOWED: true,
  INTERNAL: true,
  NETWORK: true,
  TIMEOUT: true,
  ABORTED: true,
  INVALID_RESPONSE: true,
  FORBIDDEN: true,
  SCORES_ENDPOINT_ERROR: true,
};
const AUTH_CODES: Record<AuthErrorCode, true> = {
  INVALID_REQUEST: true,
  MISSING_BODY: true,
  INVALID_JSON: true,
  BODY_TOO_LARGE: true,
  UNSUPPORTED_MEDIA_TYPE: true,
  METHOD_NOT_ALLOWED: true,
  INVALID_TOKEN: true,
  TOKEN_EXPIRED: true,
  APP_NOT_ALLOWED: true,
  KAKAO_UNAVAILABLE: true,
  KAKAO_TIMEOUT: true,
  COGNITO_UNAVAILABLE: true,
  INTERNAL: true,
  INVALID_CONFIG: true,
  NOT_SIGNED_IN: true,
  SESSION_EXPIRED: true,
  COGNITO_REJECTED: true,
  NETWORK: true,
  TIMEOUT: true,
  INVALID_RESPONSE: true,
  AUTH_ENDPOINT_ERROR: true,
};
const QUIZ_CODES: Record<QuizErrorCode, true> = {
  INVALID_OPTIONS: true,
  INVALID_WORD_PACK: true,
  WORD_PACK_UNAVAILABLE: true,
  JOIN_FAILED: true,
  JOIN_TIMEOUT: true,
  INVALID_TEXT: true,
  QUEUE_FULL: true,
  LEFT: true,
  CONNECTION_LOST: true,
};

/** Korean text, then the code in parentheses: no Latin letters before the code. */
function isKoreanWithCode(message: string, code: string): boolean {
  const suffix = ` (${code})`;
  return message.endsWith(suffix) && !/[A-Za-z]/.test(message.slice(0, -suffix.length));
}

describe('the page’s error messages', () => {
  it.each(Object.keys({ ...SCORES_CODES, ...AUTH_CODES, ...QUIZ_CODES }))(
    'says %s in Korean, keeping the code',
    (code) => {
      const message = errorMessage(Object.assign(new Error('An English message'), { code }));

      expect({ message, korean: isKoreanWithCode(message, code) }).toEqual({ message, korean: true });
    },
  );

  it('tells how long to wait when the server said', () => {
    const error = new ScoresError('RATE_LIMITED', 'Too many submissions', { retryAfterSeconds: 42 });

    expect(errorMessage(error)).toBe('요청이 너무 잦아요. 42초 뒤에 다시 해 주세요. (RATE_LIMITED)');
  });

  it('never shows an English message of an unknown error, only its name', () => {
    expect(errorMessage(new TypeError('Failed to fetch'))).toBe('예상하지 못한 오류가 났어요. (TypeError)');
    expect(errorMessage('boom')).toBe('예상하지 못한 오류가 났어요.');
  });

  it('shows the page’s own errors as written', () => {
    expect(errorMessage(new DemoError('CONFIG_INVALID', 'config.json에 httpApi 값이 없어요.'))).toBe(
      'config.json에 httpApi 값이 없어요. (CONFIG_INVALID)',
    );
  });

  it('words what happens in play as the game, and errors of the quiz server in Korean with their code', () => {
    expect(quizEventMessage({ code: 'ROUND_TAKEN' })).toBe('아쉬워요, 한발 늦었어요!');
    expect(isKoreanWithCode(quizEventMessage({ code: 'INVALID_MESSAGE' }), 'INVALID_MESSAGE')).toBe(true);
    expect(isKoreanWithCode(quizEventMessage({ code: 'INTERNAL' }), 'INTERNAL')).toBe(true);
  });
});
