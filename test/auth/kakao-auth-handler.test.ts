import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError } from '../../src/auth/errors.js';
import { type KakaoAuthHandler, createKakaoAuthHandler } from '../../src/auth/kakao-auth-handler.js';
import type { KakaoAuthHandlerOptions } from '../../src/auth/handler-options.js';
import type { KakaoAuthResponse } from '../../src/auth/types.js';
import { type LocalCognito, startLocalCognito } from '../../src/local/auth/cognito-server.js';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { localClientConfig } from '../../src/local/client-config.js';
import {
  APP_ID,
  type AuthServices,
  OTHER_APP_ID,
  POOL_ID,
  PROVIDER,
  bodyOf,
  httpApiEvent,
  restApiEvent,
  startAuthServices,
} from './support.js';
import { startEndlessServer } from '../support/endless-server.js';

type ErrorAnswer = { error: { code: string; message: string } };

let services: AuthServices;
const secrets = new Set<string>();

function handlerWith(overrides: Partial<KakaoAuthHandlerOptions> = {}): KakaoAuthHandler {
  return createKakaoAuthHandler({
    identityPoolId: POOL_ID,
    developerProviderName: PROVIDER,
    kakaoAppIds: [APP_ID],
    kakaoApiBaseUrl: services.kakao.endpoint,
    cognitoIdentityClient: services.cognitoClient,
    logger: services.logs.logger,
    ...overrides,
  });
}

function mint(options: Parameters<AuthServices['kakao']['mintToken']>[0] = {}): string {
  const token = services.kakao.mintToken(options);
  secrets.add(token);
  return token;
}

async function postToken(handler: KakaoAuthHandler, accessToken: unknown) {
  const result = await handler(httpApiEvent({ body: JSON.stringify({ accessToken }) }));
  if (result.statusCode === 200) secrets.add(bodyOf<KakaoAuthResponse>(result).token);
  return result;
}

beforeAll(async () => {
  services = await startAuthServices();
});

afterEach(async () => {
  await services.kakao.configure({ down: false, slowMs: 0, quotaExceeded: false, expiredTokens: 'reject' });
});

afterAll(async () => {
  await services.stop();
});

describe('createKakaoAuthHandler with a valid token', () => {
  it('answers the identity id, a Cognito token, its lifetime and the Kakao id', async () => {
    const handler = handlerWith({ tokenDurationSeconds: 1800 });
    const token = mint({ kakaoId: 1_000_000_001 });

    const result = await postToken(handler, token);

    expect(result.statusCode).toBe(200);
    const body = bodyOf<KakaoAuthResponse>(result);
    expect(body).toEqual({
      identityId: expect.stringMatching(/^ap-northeast-2:[0-9a-f-]{36}$/),
      token: expect.any(String),
      expiresIn: 1800,
      kakaoId: 1_000_000_001,
    });
  });

  it('issues a token signed by the local Cognito with the claims Cognito uses', async () => {
    const handler = handlerWith();
    const result = await postToken(handler, mint({ kakaoId: 1_000_000_002 }));
    const body = bodyOf<KakaoAuthResponse>(result);

    const jwks = createRemoteJWKSet(new URL('.well-known/jwks_uri', services.cognito.endpoint));
    const { payload } = await jwtVerify(body.token, jwks, {
      issuer: 'https://cognito-identity.amazonaws.com',
    });

    expect(payload).toMatchObject({
      sub: body.identityId,
      aud: POOL_ID,
      amr: ['authenticated', PROVIDER, `${PROVIDER}:${POOL_ID}:1000000002`],
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('maps the same Kakao user to the same identity id on every login', async () => {
    const handler = handlerWith();

    const first = bodyOf<KakaoAuthResponse>(await postToken(handler, mint({ kakaoId: 1_000_000_003 })));
    const second = bodyOf<KakaoAuthResponse>(await postToken(handler, mint({ kakaoId: 1_000_000_003 })));

    expect(second.identityId).toBe(first.identityId);
  });

  it('maps different Kakao users to different identity ids', async () => {
    const handler = handlerWith();

    const first = bodyOf<KakaoAuthResponse>(await postToken(handler, mint({ kakaoId: 1_000_000_004 })));
    const second = bodyOf<KakaoAuthResponse>(await postToken(handler, mint({ kakaoId: 1_000_000_005 })));

    expect(second.identityId).not.toBe(first.identityId);
  });

  it('accepts tokens of every listed Kakao app', async () => {
    const handler = handlerWith({ kakaoAppIds: [APP_ID, String(OTHER_APP_ID)] });

    const result = await postToken(handler, mint({ appId: OTHER_APP_ID }));

    expect(result.statusCode).toBe(200);
  });

  it('works behind a REST API (payload 1.0) with any header casing', async () => {
    const handler = handlerWith();
    const token = mint();

    const result = await handler(restApiEvent({ body: JSON.stringify({ accessToken: token }) }));
    secrets.add(bodyOf<KakaoAuthResponse>(result).token);

    expect(result.statusCode).toBe(200);
  });

  it('reads a base64-encoded body', async () => {
    const handler = handlerWith();
    const token = mint();
    const body = Buffer.from(JSON.stringify({ accessToken: token })).toString('base64');

    const result = await handler(httpApiEvent({ body, isBase64Encoded: true }));
    secrets.add(bodyOf<KakaoAuthResponse>(result).token);

    expect(result.statusCode).toBe(200);
  });
});

describe('createKakaoAuthHandler with a token Kakao rejects', () => {
  it('answers 401 INVALID_TOKEN for an expired token', async () => {
    const result = await postToken(handlerWith(), mint({ expiresInSeconds: -60 }));

    expect(result.statusCode).toBe(401);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('INVALID_TOKEN');
  });

  it('answers 401 TOKEN_EXPIRED when Kakao reports no time left', async () => {
    await services.kakao.configure({ expiredTokens: 'report' });

    const result = await postToken(handlerWith(), mint({ expiresInSeconds: 0 }));

    expect(result.statusCode).toBe(401);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('TOKEN_EXPIRED');
  });

  it('answers 401 INVALID_TOKEN for a token Kakao never issued', async () => {
    const unknown = 'x'.repeat(54);
    secrets.add(unknown);

    const result = await postToken(handlerWith(), unknown);

    expect(result.statusCode).toBe(401);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('INVALID_TOKEN');
  });

  it('answers 401 INVALID_TOKEN for a revoked token', async () => {
    const token = mint();
    services.kakao.revokeToken(token);

    const result = await postToken(handlerWith(), token);

    expect(result.statusCode).toBe(401);
  });

  it('answers 403 APP_NOT_ALLOWED for a token of another Kakao app', async () => {
    const result = await postToken(handlerWith(), mint({ appId: OTHER_APP_ID }));

    expect(result.statusCode).toBe(403);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('APP_NOT_ALLOWED');
  });
});

describe('createKakaoAuthHandler with a bad request', () => {
  it.each([
    ['a number', 42],
    ['an empty string', ''],
    ['text with spaces', 'not a token'],
    ['a missing token', undefined],
  ])('answers 400 INVALID_REQUEST when the token is %s', async (_label, accessToken) => {
    const result = await postToken(handlerWith(), accessToken);

    expect(result.statusCode).toBe(400);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('INVALID_REQUEST');
  });

  it('answers 400 MISSING_BODY without a body', async () => {
    const result = await handlerWith()(httpApiEvent({ body: null }));

    expect(result.statusCode).toBe(400);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('MISSING_BODY');
  });

  it('answers 400 INVALID_JSON for a body that is not JSON', async () => {
    const result = await handlerWith()(httpApiEvent({ body: '{"accessToken":' }));

    expect(result.statusCode).toBe(400);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('INVALID_JSON');
  });

  it('answers 405 with an Allow header for other methods', async () => {
    const result = await handlerWith()(httpApiEvent({ method: 'GET', body: null }));

    expect(result.statusCode).toBe(405);
    expect(result.headers.allow).toBe('POST, OPTIONS');
  });

  it('does not ask Kakao about a malformed token', async () => {
    const before = services.kakao.requestCount;

    await postToken(handlerWith(), 'bad token');

    expect(services.kakao.requestCount).toBe(before);
  });
});

describe('createKakaoAuthHandler when Kakao fails', () => {
  it('answers 502 KAKAO_UNAVAILABLE when Kakao is over quota', async () => {
    await services.kakao.configure({ quotaExceeded: true });

    const result = await postToken(handlerWith(), mint());

    expect(result.statusCode).toBe(502);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('KAKAO_UNAVAILABLE');
  });

  it('answers 502 KAKAO_UNAVAILABLE when Kakao answers 503', async () => {
    await services.kakao.configure({ down: 'unavailable' });

    const result = await postToken(handlerWith(), mint());

    expect(result.statusCode).toBe(502);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('KAKAO_UNAVAILABLE');
  });

  it('answers 502 KAKAO_UNAVAILABLE when Kakao refuses connections', async () => {
    await services.kakao.configure({ down: 'refuse' });

    const result = await postToken(handlerWith(), mint());

    expect(result.statusCode).toBe(502);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('KAKAO_UNAVAILABLE');
  });

  it('answers 504 KAKAO_TIMEOUT before a slow Kakao would have answered', async () => {
    // Kakao would answer after a minute, twice the test's own timeout: an answer at all proves the handler gave up.
    await services.kakao.configure({ slowMs: 60_000 });

    const result = await postToken(handlerWith({ timeoutMs: 200 }), mint());

    expect(result.statusCode).toBe(504);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('KAKAO_TIMEOUT');
  });

  it('answers 502 KAKAO_UNAVAILABLE for an endless answer, without holding it', async () => {
    const endless = await startEndlessServer({ 'content-type': 'application/json' });
    try {
      const result = await postToken(handlerWith({ kakaoApiBaseUrl: endless.url }), mint());

      expect(result.statusCode).toBe(502);
      expect(bodyOf<ErrorAnswer>(result).error.code).toBe('KAKAO_UNAVAILABLE');
      expect(endless.sent()).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await endless.close();
    }
  });

  it('gives up on Kakao when the Lambda is about to time out', async () => {
    await services.kakao.configure({ slowMs: 60_000 });
    const handler = handlerWith({ timeoutMs: 30_000 });
    const event = httpApiEvent({ body: JSON.stringify({ accessToken: mint() }) });

    const result = await handler(event, { getRemainingTimeInMillis: () => 1200 });

    expect(result.statusCode).toBe(504);
  });
});

describe('createKakaoAuthHandler when Cognito fails', () => {
  let strictCognito: LocalCognito;
  let strictClient: CognitoIdentityClient;

  beforeAll(async () => {
    strictCognito = await startLocalCognito({
      identityPools: [{ identityPoolId: POOL_ID, developerProviderName: PROVIDER }],
      log: services.logs.sink,
    });
    strictClient = new CognitoIdentityClient(localClientConfig(strictCognito.endpoint, { maxAttempts: 1 }));
  });

  afterAll(async () => {
    strictClient.destroy();
    await strictCognito.stop();
  });

  it('answers 502 COGNITO_UNAVAILABLE without Cognito internals for an unknown pool', async () => {
    const otherPool = 'ap-northeast-2:99999999-9999-9999-9999-999999999999';
    const handler = handlerWith({ identityPoolId: otherPool, cognitoIdentityClient: strictClient });

    const result = await postToken(handler, mint());

    expect(result.statusCode).toBe(502);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('COGNITO_UNAVAILABLE');
    expect(result.body).not.toMatch(/ResourceNotFound|IdentityPool|9999/);
  });

  it('logs the Cognito error name for the operator', async () => {
    const otherPool = 'ap-northeast-2:88888888-8888-8888-8888-888888888888';
    const handler = handlerWith({ identityPoolId: otherPool, cognitoIdentityClient: strictClient });

    await postToken(handler, mint());

    expect(services.logs.lines.at(-1)).toMatch(/ERROR kakao-auth: failed .*ResourceNotFoundException/);
  });

  it('answers 502 COGNITO_UNAVAILABLE when Cognito cannot be reached', async () => {
    const stopped = await startLocalCognito();
    await stopped.stop();
    const unreachable = new CognitoIdentityClient(localClientConfig(stopped.endpoint, { maxAttempts: 1 }));
    const handler = handlerWith({ cognitoIdentityClient: unreachable });

    const result = await postToken(handler, mint());
    unreachable.destroy();

    expect(result.statusCode).toBe(502);
    expect(bodyOf<ErrorAnswer>(result).error.code).toBe('COGNITO_UNAVAILABLE');
  });
});

describe('createKakaoAuthHandler CORS', () => {
  const cors = { allowOrigins: ['https://game.example.com'] };

  it('adds the allow-origin header for an allowed origin', async () => {
    const handler = handlerWith({ cors });
    const event = httpApiEvent({
      body: JSON.stringify({ accessToken: mint() }),
      headers: { origin: 'https://game.example.com' },
    });

    const result = await handler(event);
    secrets.add(bodyOf<KakaoAuthResponse>(result).token);

    expect(result.headers['access-control-allow-origin']).toBe('https://game.example.com');
  });

  it('adds the allow-origin header to error answers too', async () => {
    const handler = handlerWith({ cors });

    const result = await handler(
      httpApiEvent({ body: '{}', headers: { origin: 'https://game.example.com' } }),
    );

    expect(result.statusCode).toBe(400);
    expect(result.headers['access-control-allow-origin']).toBe('https://game.example.com');
  });

  it('answers a preflight with the allowed method and headers', async () => {
    const handler = handlerWith({ cors });

    const result = await handler(
      restApiEvent({ method: 'OPTIONS', body: null, headers: { Origin: 'https://game.example.com' } }),
    );

    expect(result.statusCode).toBe(204);
    expect(result.headers).toMatchObject({
      'access-control-allow-origin': 'https://game.example.com',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
    });
  });

  it('adds no CORS header for an origin that is not allowed', async () => {
    const handler = handlerWith({ cors });

    const result = await handler(
      httpApiEvent({ body: '{}', headers: { origin: 'https://evil.example.com' } }),
    );

    expect(result.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('createKakaoAuthHandler options', () => {
  it.each<[string, Partial<KakaoAuthHandlerOptions>]>([
    ['a malformed pool id', { identityPoolId: 'my-pool' }],
    ['an empty app id list', { kakaoAppIds: [] }],
    ['a non-numeric app id', { kakaoAppIds: ['abc'] }],
    ['a token duration over 24 hours', { tokenDurationSeconds: 86_401 }],
    ['a zero token duration', { tokenDurationSeconds: 0 }],
    ['a provider name with spaces', { developerProviderName: 'my provider' }],
    ['a Kakao URL that is not http(s)', { kakaoApiBaseUrl: 'ftp://kapi.kakao.com' }],
    ['credentials with the any-origin CORS', { cors: { allowOrigins: ['*'], allowCredentials: true } }],
  ])('rejects %s with AuthConfigError', (_label, overrides) => {
    expect(() => handlerWith(overrides)).toThrow(AuthConfigError);
  });

  it('does no I/O when the options are invalid', () => {
    let calls = 0;
    const fetchSpy = async (): Promise<Response> => {
      calls += 1;
      return new Response('{}');
    };

    expect(() => handlerWith({ fetch: fetchSpy, tokenDurationSeconds: -1 })).toThrow(AuthConfigError);
    expect(calls).toBe(0);
  });

  it('defaults the token lifetime to one hour', async () => {
    const result = await postToken(handlerWith(), mint());

    const { token, expiresIn } = bodyOf<KakaoAuthResponse>(result);
    const claims = decodeJwt(token);
    expect(expiresIn).toBe(3600);
    expect(claims.exp! - claims.iat!).toBe(3600);
  });
});

describe('createKakaoAuthHandler logs', () => {
  // Runs last: by now every outcome above (success, 4xx, 5xx, timeouts) has been logged.
  it('never contain a Kakao access token or a Cognito token', () => {
    expect(services.logs.lines.length).toBeGreaterThan(10);
    expect(secrets.size).toBeGreaterThan(10);

    expect(services.logs.leaked(secrets)).toEqual([]);
  });
});
