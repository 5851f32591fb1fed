import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KakaoCognitoAuth } from '../../src/auth/client.js';
import type { FetchLike } from '../../src/core/client/request-json.js';
import { type AuthStack, POOL_ID, PROVIDER, startAuthStack } from './support.js';

let auth: AuthStack;
/** Every secret the flow handled: Kakao tokens, Cognito tokens, AWS secret keys and session tokens. */
const secrets = new Set<string>();

/** A fetch that remembers the Cognito tokens the auth endpoint answered, to look for them in the logs. */
const recordingFetch: FetchLike = async (input, init) => {
  const response = await fetch(input, init);
  const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
  if (new URL(url).pathname === '/auth/kakao' && response.ok) {
    const body = (await response.clone().json()) as { token: string };
    secrets.add(body.token);
  }
  return response;
};

function player(): KakaoCognitoAuth {
  return new KakaoCognitoAuth({
    authEndpoint: auth.authEndpoint,
    region: 'ap-northeast-2',
    identityPoolId: POOL_ID,
    cognitoEndpoint: auth.cognito.endpoint,
    fetch: recordingFetch,
  });
}

async function signedFetch(
  url: string,
  keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
) {
  const signer = new AwsClient({ ...keys, service: 'execute-api', region: 'ap-northeast-2', retries: 0 });
  return signer.fetch(url);
}

beforeAll(async () => {
  auth = await startAuthStack();
});

afterAll(async () => {
  await auth.stop();
});

describe('Kakao login through the local stack', () => {
  it('lets a signed-in player call an IAM route as their Cognito identity', async () => {
    const kakaoToken = auth.kakao.mintToken({ kakaoId: 3_000_000_001 });
    secrets.add(kakaoToken);
    const game = player();
    await game.signIn(kakaoToken);
    const credentials = await game.credentialProvider();
    secrets.add(credentials.secretAccessKey).add(credentials.sessionToken!);

    const response = await signedFetch(auth.whoamiUrl, credentials);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      identityId: game.identityId,
      identityPoolId: POOL_ID,
      amr: ['authenticated', PROVIDER, `${PROVIDER}:${POOL_ID}:3000000001`],
    });
  });

  it('gives the same identity to the same Kakao user across logins', async () => {
    const first = player();
    const second = player();
    const tokens = [
      auth.kakao.mintToken({ kakaoId: 3_000_000_002 }),
      auth.kakao.mintToken({ kakaoId: 3_000_000_002 }),
    ];
    tokens.forEach((token) => secrets.add(token));

    await first.signIn(tokens[0]!);
    await second.signIn(tokens[1]!);
    const seen = await signedFetch(auth.whoamiUrl, await second.credentialProvider());

    expect(second.identityId).toBe(first.identityId);
    expect(((await seen.json()) as { identityId: string }).identityId).toBe(first.identityId);
  });

  it('refuses an unsigned call to the IAM route with 403', async () => {
    const response = await fetch(auth.whoamiUrl);

    expect(response.status).toBe(403);
  });

  it('refuses a call that carries an access key without its session token with 403', async () => {
    // (A forged signature with the right key and session token is refused by the authorizer itself, see
    // iam-authorizer.test.ts; through the gateway that needs the query string, which the gateway does not pass yet.)
    const kakaoToken = auth.kakao.mintToken();
    secrets.add(kakaoToken);
    const game = player();
    await game.signIn(kakaoToken);
    const { accessKeyId, secretAccessKey } = await game.credentialProvider();
    secrets.add(secretAccessKey);

    const response = await signedFetch(auth.whoamiUrl, {
      accessKeyId,
      secretAccessKey,
      sessionToken: 'guessed',
    });

    expect(response.status).toBe(403);
  });

  it('refuses a call signed with keys the local Cognito never issued with 403', async () => {
    const response = await signedFetch(auth.whoamiUrl, {
      accessKeyId: 'ASIAUNKNOWN000000000',
      secretAccessKey: 'whatever',
      sessionToken: 'whatever',
    });

    expect(response.status).toBe(403);
  });

  it('answers a rejected login with the typed error over HTTP', async () => {
    const expired = auth.kakao.mintToken({ expiresInSeconds: -1 });
    secrets.add(expired);

    const response = await fetch(auth.authEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessToken: expired }),
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: 'INVALID_TOKEN', message: expect.any(String) },
    });
  });

  it('writes no token, key or session token into any log', () => {
    expect(auth.logs.lines.length).toBeGreaterThan(0);
    expect(secrets.size).toBeGreaterThan(5);

    expect(auth.logs.leaked(secrets)).toEqual([]);
  });
});
