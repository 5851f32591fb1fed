import { describe, expect, it } from 'vitest';
import { isGameKitError } from '../core/errors.js';
import { AuthConfigError, AuthError, SessionExpiredError, isAuthErrorCode } from './errors.js';

describe('auth errors', () => {
  it('name SessionExpiredError so it survives duplicate package copies', () => {
    const error = new SessionExpiredError();

    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('SESSION_EXPIRED');
    expect(isGameKitError(error, 'SessionExpiredError')).toBe(true);
  });

  it('give AuthConfigError the INVALID_CONFIG code', () => {
    expect(new AuthConfigError('bad').code).toBe('INVALID_CONFIG');
  });

  it('keep the HTTP status of the answer that caused them', () => {
    expect(new AuthError('INVALID_TOKEN', 'expired', { status: 401 }).status).toBe(401);
  });

  it('tell their own codes from others', () => {
    expect(isAuthErrorCode('APP_NOT_ALLOWED')).toBe(true);
    expect(isAuthErrorCode('HTTP_418')).toBe(false);
  });
});
