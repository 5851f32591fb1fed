import { CognitoIdentity } from '@aws-sdk/client-cognito-identity';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { type KakaoCognitoAuthOptions, KakaoCognitoAuth } from '../../src/auth/client.js';
import { AuthConfigError, AuthError, SessionExpiredError } from '../../src/auth/errors.js';
import { localClientConfig } from '../../src/local/client-config.js';
import { type AuthStack, MemoryStorage, OTHER_APP_ID, countingFetch, startAuthStack } from './support.js';

const MARGIN_MS = 5 * 60_000;
const TARGET_CREDENTIALS = 'AWSCognitoIdentityService.GetCredentialsForIdentity';

// One fake clock for the client, the local Kakao and the local Cognito: tokens and credentials age together.
let now = Date.now();
const clock = (): number => now;
let auth: AuthStack;

beforeAll(async () => {
  auth = await startAuthStack({
    kakao: { clock },
    cognito: { clock, credentialsDurationSeconds: 900 },
  });
});

afterEach(async () => {
  await auth.kakao.configure({ down: false, slowMs: 0, quotaExceeded: false });
});

afterAll(async () => {
  await auth.stop();
});

function client(overrides: Partial<KakaoCognitoAuthOptions> = {}) {
  const counter = countingFetch();
  const instance = new KakaoCognitoAuth({
    authEndpoint: auth.authEndpoint,
    region: 'ap-northeast-2',
    cognitoEndpoint: auth.cognito.endpoint,
    fetch: counter.fetch,
    clock,
    refreshMarginMs: MARGIN_MS,
    ...overrides,
  });
  return {
    auth: instance,
    exchanges: () => counter.count('/auth/kakao'),
    credentialCalls: () => counter.count(TARGET_CREDENTIALS),
  };
}

function expiryOf(credentials: AwsCredentialIdentity): number {
  return credentials.expiration!.getTime();
}

describe('KakaoCognitoAuth.signIn', () => {
  it('answers the identity, the Kakao id and AWS credentials', async () => {
    const { auth: player } = client();
    const token = auth.kakao.mintToken({ kakaoId: 2_000_000_001 });

    const session = await player.signIn(token);

    expect(session).toEqual({
      identityId: expect.stringMatching(/^ap-northeast-2:/),
      kakaoId: 2_000_000_001,
      credentials: {
        accessKeyId: expect.stringMatching(/^ASIA/),
        secretAccessKey: expect.any(String),
        sessionToken: expect.any(String),
        expiration: expect.any(Date),
      },
    });
    expect(player.identityId).toBe(session.identityId);
    expect(player.kakaoId).toBe(2_000_000_001);
  });

  it('gives credentials the local Cognito recognises as the identity', async () => {
    const { auth: player } = client();
    const { identityId, credentials } = await player.signIn(auth.kakao.mintToken());

    expect(auth.cognito.lookupCredentials(credentials.accessKeyId)?.identityId).toBe(identityId);
  });

  it('gives the same identity to the same Kakao user on every sign-in', async () => {
    const first = await client().auth.signIn(auth.kakao.mintToken({ kakaoId: 2_000_000_002 }));
    const second = await client().auth.signIn(auth.kakao.mintToken({ kakaoId: 2_000_000_002 }));

    expect(second.identityId).toBe(first.identityId);
  });

  it('rejects an expired Kakao token with INVALID_TOKEN and status 401', async () => {
    const { auth: player } = client();

    const failure = player.signIn(auth.kakao.mintToken({ expiresInSeconds: -1 }));

    await expect(failure).rejects.toBeInstanceOf(AuthError);
    await expect(failure).rejects.toMatchObject({ code: 'INVALID_TOKEN', status: 401 });
    expect(player.isSignedIn).toBe(false);
  });

  it('rejects a token of another Kakao app with APP_NOT_ALLOWED', async () => {
    const failure = client().auth.signIn(auth.kakao.mintToken({ appId: OTHER_APP_ID }));

    await expect(failure).rejects.toMatchObject({ code: 'APP_NOT_ALLOWED', status: 403 });
  });

  it('rejects an empty token before any request', async () => {
    const { auth: player, exchanges } = client();

    await expect(player.signIn('')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(exchanges()).toBe(0);
  });

  it('works with the AWS SDK CognitoIdentity client in place of fetch', async () => {
    const sdk = new CognitoIdentity(localClientConfig(auth.cognito.endpoint));
    const { auth: player } = client({ cognitoIdentityClient: sdk });

    const session = await player.signIn(auth.kakao.mintToken());
    sdk.destroy();

    expect(session.credentials.accessKeyId).toMatch(/^ASIA/);
  });
});

describe('KakaoCognitoAuth.credentialProvider', () => {
  it('plugs into an AWS SDK v3 client', async () => {
    const { auth: player } = client();
    await player.signIn(auth.kakao.mintToken());
    const s3 = new S3Client({
      ...localClientConfig(inject('s3Endpoint')),
      credentials: player.credentialProvider,
    });

    const answer = await s3.send(new ListBucketsCommand({}));
    s3.destroy();

    expect(answer.$metadata.httpStatusCode).toBe(200);
  });

  it('returns the cached credentials while they are outside the refresh margin', async () => {
    const { auth: player, exchanges, credentialCalls } = client();
    const { credentials } = await player.signIn(auth.kakao.mintToken());
    now = expiryOf(credentials) - MARGIN_MS - 1000;

    const again = await player.credentialProvider();

    expect(again).toBe(credentials);
    expect([exchanges(), credentialCalls()]).toEqual([1, 1]);
  });

  it('refreshes the credentials before they expire', async () => {
    const { auth: player } = client();
    const { credentials } = await player.signIn(auth.kakao.mintToken());
    now = expiryOf(credentials) - MARGIN_MS + 1000;

    const fresh = await player.credentialProvider();

    expect(fresh.accessKeyId).not.toBe(credentials.accessKeyId);
    expect(now).toBeLessThan(expiryOf(credentials));
    expect(expiryOf(fresh)).toBeGreaterThan(expiryOf(credentials));
  });

  it('reuses a Cognito token that is still valid instead of asking the auth endpoint', async () => {
    const { auth: player, exchanges, credentialCalls } = client();
    const { credentials } = await player.signIn(auth.kakao.mintToken());
    now = expiryOf(credentials) - MARGIN_MS + 1000;

    await player.credentialProvider();

    expect([exchanges(), credentialCalls()]).toEqual([1, 2]);
  });

  it('exchanges the Kakao token again once the Cognito token nears expiry', async () => {
    const { auth: player, exchanges } = client();
    await player.signIn(auth.kakao.mintToken());
    now += 3600_000 - MARGIN_MS + 1000;

    await player.credentialProvider();

    expect(exchanges()).toBe(2);
  });

  it('makes concurrent callers share one refresh', async () => {
    const { auth: player, exchanges, credentialCalls } = client();
    await player.signIn(auth.kakao.mintToken());
    now += 3600_000;

    const results = await Promise.all(Array.from({ length: 8 }, () => player.credentialProvider()));

    expect(new Set(results.map((credentials) => credentials.accessKeyId)).size).toBe(1);
    expect([exchanges(), credentialCalls()]).toEqual([2, 2]);
  });

  it('refreshes when asked to with forceRefresh', async () => {
    const { auth: player } = client();
    const { credentials } = await player.signIn(auth.kakao.mintToken());

    const fresh = await player.credentialProvider({ forceRefresh: true });

    expect(fresh.accessKeyId).not.toBe(credentials.accessKeyId);
  });

  it('rejects with NOT_SIGNED_IN before sign-in', async () => {
    await expect(client().auth.credentialProvider()).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
  });
});

describe('KakaoCognitoAuth when the Kakao login expires', () => {
  it('emits onExpired and rejects with SessionExpiredError', async () => {
    const { auth: player } = client();
    await player.signIn(auth.kakao.mintToken({ expiresInSeconds: 1800 }));
    const expired: SessionExpiredError[] = [];
    player.onExpired((error) => expired.push(error));
    now += 3600_000;

    const failure = player.credentialProvider();

    await expect(failure).rejects.toBeInstanceOf(SessionExpiredError);
    expect(expired).toHaveLength(1);
    expect(player.isSignedIn).toBe(false);
    expect(player.identityId).toBeUndefined();
  });

  it('treats a revoked Kakao token as an expired login', async () => {
    const { auth: player } = client();
    const token = auth.kakao.mintToken();
    await player.signIn(token);
    auth.kakao.revokeToken(token);
    now += 3600_000;

    await expect(player.credentialProvider()).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('keeps the session when Kakao is only unavailable, and recovers', async () => {
    const { auth: player } = client();
    await player.signIn(auth.kakao.mintToken());
    now += 3600_000;
    await auth.kakao.configure({ down: 'unavailable' });

    await expect(player.credentialProvider()).rejects.toMatchObject({
      code: 'KAKAO_UNAVAILABLE',
      status: 502,
    });
    expect(player.isSignedIn).toBe(true);

    await auth.kakao.configure({ down: false });
    await expect(player.credentialProvider()).resolves.toMatchObject({
      accessKeyId: expect.stringMatching(/^ASIA/),
    });
  });
});

describe('KakaoCognitoAuth.signOut', () => {
  it('forgets the session', async () => {
    const { auth: player } = client();
    await player.signIn(auth.kakao.mintToken());
    let signedOut = 0;
    player.onSignedOut(() => (signedOut += 1));

    await player.signOut();

    expect(player.isSignedIn).toBe(false);
    expect(signedOut).toBe(1);
    await expect(player.credentialProvider()).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
  });

  it('abandons a refresh under way', async () => {
    const { auth: player } = client();
    await player.signIn(auth.kakao.mintToken());

    const refreshing = player.refresh();
    await player.signOut();

    await expect(refreshing).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(player.isSignedIn).toBe(false);
  });
});

describe('KakaoCognitoAuth persistence', () => {
  it('stores the session without AWS credentials', async () => {
    const storage = new MemoryStorage();
    const { auth: player } = client({ storage });

    const { credentials } = await player.signIn(auth.kakao.mintToken());

    const stored = storage.values.get('serverless-game-kit/auth');
    expect(stored).toBeDefined();
    expect(stored).not.toContain(credentials.secretAccessKey);
    expect(stored).not.toContain(credentials.sessionToken!);
  });

  it('restores the session in a new instance', async () => {
    const storage = new MemoryStorage();
    const first = await client({ storage }).auth.signIn(auth.kakao.mintToken());
    const { auth: restarted, exchanges } = client({ storage });

    const restored = await restarted.restore();
    const credentials = await restarted.credentialProvider();

    expect(restored).toBe(true);
    expect(restarted.identityId).toBe(first.identityId);
    expect(auth.cognito.lookupCredentials(credentials.accessKeyId)?.identityId).toBe(first.identityId);
    expect(exchanges()).toBe(0);
  });

  it('ignores and removes a stored session it cannot read', async () => {
    const storage = new MemoryStorage();
    storage.set('serverless-game-kit/auth', '{"version":99}');
    const { auth: player } = client({ storage });

    expect(await player.restore()).toBe(false);
    expect(storage.values.size).toBe(0);
  });

  it('removes the stored session on sign-out', async () => {
    const storage = new MemoryStorage();
    const { auth: player } = client({ storage });
    await player.signIn(auth.kakao.mintToken());

    await player.signOut();

    expect(storage.values.size).toBe(0);
  });

  it('removes the stored session when the login expires', async () => {
    const storage = new MemoryStorage();
    const { auth: player } = client({ storage });
    await player.signIn(auth.kakao.mintToken({ expiresInSeconds: 60 }));
    now += 3600_000;

    await expect(player.credentialProvider()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(storage.values.size).toBe(0);
  });

  it('signs in even when the store fails', async () => {
    const failing = {
      get: () => null,
      set: () => Promise.reject(new Error('disk full')),
      remove: () => undefined,
    };
    const { auth: player } = client({ storage: failing });

    await expect(player.signIn(auth.kakao.mintToken())).resolves.toMatchObject({
      kakaoId: expect.any(Number),
    });
  });
});

describe('KakaoCognitoAuth options', () => {
  it.each<[string, Partial<KakaoCognitoAuthOptions>]>([
    ['an endpoint that is not a URL', { authEndpoint: 'auth/kakao' }],
    ['a region that is not one', { region: 'Seoul' }],
    ['a negative refresh margin', { refreshMarginMs: -1 }],
    ['a storage without remove', { storage: { get: () => null, set: () => undefined } as never }],
    ['a malformed pool id', { identityPoolId: 'pool' }],
  ])('rejects %s with AuthConfigError', (_label, overrides) => {
    expect(() => client(overrides)).toThrow(AuthConfigError);
  });

  it('rejects an identity of another region than the pool', async () => {
    const { auth: player } = client({ identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555' });

    await expect(player.signIn(auth.kakao.mintToken())).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });
});
