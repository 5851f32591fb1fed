import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../../src/local/stack/start-local-stack.js';
import { DEV_KAKAO_TOKEN_ROUTE, createDevKakaoTokenHandler } from '../dev-kakao-login.js';

/** The local demo's stand-in for Kakao's browser login, through the local HTTP gateway. */
describe('the dev Kakao token route', () => {
  let stack: LocalStack;
  let url: string;

  beforeAll(async () => {
    stack = await startLocalStack({
      services: { dynamodbEndpoint: inject('dynamodbEndpoint'), s3Endpoint: inject('s3Endpoint') },
      identity: { kakao: { defaultAppId: 100_000 } },
      functions: (env) => ({
        http: { [DEV_KAKAO_TOKEN_ROUTE]: createDevKakaoTokenHandler(env.identity.kakao!) },
      }),
      log: () => undefined,
    });
    url = `${stack.endpoints.http}/local/kakao/token`;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const post = (body: string, contentType = 'application/json'): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('mints a token the local Kakao server knows as that Kakao user', async () => {
    const response = await post(JSON.stringify({ kakaoId: 4_821_937_465 }));
    const body = (await response.json()) as { accessToken: string; kakaoId: number; expiresIn: number };

    const info = await fetch(`${stack.endpoints.kakao}/v1/user/access_token_info`, {
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ kakaoId: 4_821_937_465, expiresIn: 21_599 });
    expect(await info.json()).toMatchObject({ id: 4_821_937_465, app_id: 100_000 });
  });

  it.each([
    ['no Kakao id', {}],
    ['a Kakao id that is not a positive integer', { kakaoId: -3 }],
    ['unknown fields', { kakaoId: 1, appId: 5 }],
  ])('refuses a body with %s', async (_case, body) => {
    const response = await post(JSON.stringify(body));

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'Send {"kakaoId": <a positive integer>} and nothing else.' },
    });
  });

  it('refuses a body that is not JSON', async () => {
    const response = await post('kakaoId=1', 'application/x-www-form-urlencoded');

    expect(response.status).toBe(415);
  });
});
