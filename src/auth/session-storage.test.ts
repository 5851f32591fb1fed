import { describe, expect, it } from 'vitest';
import { type PersistedSession, parseSession, serializeSession } from './session-storage.js';

const session: PersistedSession = {
  version: 1,
  kakaoAccessToken: 'kakao-token',
  identityId: 'ap-northeast-2:0f6a0000-0000-4000-8000-000000000000',
  kakaoId: 1234567890,
  cognitoToken: 'cognito-token',
  cognitoTokenExpiresAt: 1_767_225_600_000,
};

describe('session persistence', () => {
  it('reads back what it wrote', () => {
    expect(parseSession(serializeSession(session))).toEqual(session);
  });

  it.each([
    ['nothing', null],
    ['an empty string', ''],
    ['text that is not JSON', '{'],
    ['another version', JSON.stringify({ ...session, version: 2 })],
    ['a session without its Kakao token', JSON.stringify({ ...session, kakaoAccessToken: '' })],
    ['a fractional Kakao id', JSON.stringify({ ...session, kakaoId: 1.5 })],
  ])('gives undefined for %s', (_label, text) => {
    expect(parseSession(text)).toBeUndefined();
  });
});
