import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCognito, startLocalCognito } from '../../src/local/auth/cognito-server.js';
import { LocalServiceError } from '../../src/local/errors.js';
import { localClientConfig } from '../../src/local/client-config.js';
import { POOL_ID, PROVIDER } from './support.js';

let cognito: LocalCognito;
let client: CognitoIdentityClient;
let now = Date.now();

beforeAll(async () => {
  cognito = await startLocalCognito({ clock: () => now, credentialsDurationSeconds: 600 });
  client = new CognitoIdentityClient(localClientConfig(cognito.endpoint, { maxAttempts: 1 }));
});

afterAll(async () => {
  client.destroy();
  await cognito.stop();
});

async function openIdToken(userId: string, tokenDuration?: number) {
  return client.send(
    new GetOpenIdTokenForDeveloperIdentityCommand({
      IdentityPoolId: POOL_ID,
      Logins: { [PROVIDER]: userId },
      ...(tokenDuration === undefined ? {} : { TokenDuration: tokenDuration }),
    }),
  );
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return (error as Error).name;
  }
}

describe('local Cognito GetOpenIdTokenForDeveloperIdentity', () => {
  it('answers an identity id in the pool region and an RS256 token', async () => {
    const { IdentityId, Token } = await openIdToken('user-1');

    expect(IdentityId).toMatch(
      /^ap-northeast-2:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(decodeProtectedHeader(Token!)).toMatchObject({ alg: 'RS256', kid: cognito.jwks.keys[0]!.kid });
  });

  it('puts the identity, the pool and the login in the claims', async () => {
    const { IdentityId, Token } = await openIdToken('user-2', 1200);

    const claims = decodeJwt(Token!);

    expect(claims).toMatchObject({
      iss: 'https://cognito-identity.amazonaws.com',
      sub: IdentityId,
      aud: POOL_ID,
      amr: ['authenticated', PROVIDER, `${PROVIDER}:${POOL_ID}:user-2`],
    });
    expect(claims.exp! - claims.iat!).toBe(1200);
  });

  it('defaults the token lifetime to 15 minutes, as Cognito does', async () => {
    const { Token } = await openIdToken('user-3');

    const claims = decodeJwt(Token!);

    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it('keeps the identity id of a login across servers', async () => {
    const other = await startLocalCognito();

    const id = other.identityIdFor(POOL_ID, PROVIDER, 'user-4');
    await other.stop();

    expect((await openIdToken('user-4')).IdentityId).toBe(id);
  });

  it('rejects a malformed pool id with InvalidParameterException', async () => {
    const call = client.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: 'pool', Logins: { [PROVIDER]: 'u' } }),
    );

    expect(await errorName(call)).toBe('InvalidParameterException');
  });

  it('rejects a token duration over 24 hours with InvalidParameterException', async () => {
    expect(await errorName(openIdToken('user-5', 86_401))).toBe('InvalidParameterException');
  });

  it('rejects more than one login with InvalidParameterException', async () => {
    const call = client.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: POOL_ID, Logins: { a: '1', b: '2' } }),
    );

    expect(await errorName(call)).toBe('InvalidParameterException');
  });

  it('rejects an unknown pool with ResourceNotFoundException when pools are declared', async () => {
    const strict = await startLocalCognito({ identityPools: [{ identityPoolId: POOL_ID }] });
    const strictClient = new CognitoIdentityClient(localClientConfig(strict.endpoint, { maxAttempts: 1 }));

    const call = strictClient.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: 'ap-northeast-2:00000000-0000-0000-0000-000000000000',
        Logins: { [PROVIDER]: 'u' },
      }),
    );
    const name = await errorName(call);
    strictClient.destroy();
    await strict.stop();

    expect(name).toBe('ResourceNotFoundException');
  });

  it('rejects another developer provider with NotAuthorizedException when the pool names one', async () => {
    const strict = await startLocalCognito({
      identityPools: [{ identityPoolId: POOL_ID, developerProviderName: PROVIDER }],
    });
    const strictClient = new CognitoIdentityClient(localClientConfig(strict.endpoint, { maxAttempts: 1 }));

    const call = strictClient.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: POOL_ID,
        Logins: { 'other.auth': 'u' },
      }),
    );
    const name = await errorName(call);
    strictClient.destroy();
    await strict.stop();

    expect(name).toBe('NotAuthorizedException');
  });
});

describe('local Cognito GetCredentialsForIdentity', () => {
  it('exchanges a token for credentials that expire as configured', async () => {
    const { IdentityId, Token } = await openIdToken('user-10');

    const { Credentials, IdentityId: answered } = await client.send(
      new GetCredentialsForIdentityCommand({
        IdentityId,
        Logins: { 'cognito-identity.amazonaws.com': Token! },
      }),
    );

    expect(answered).toBe(IdentityId);
    expect(Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(Credentials?.SecretKey).toHaveLength(40);
    expect(Credentials?.SessionToken?.length).toBeGreaterThan(100);
    expect(Credentials?.Expiration?.getTime()).toBe(Math.floor((now + 600_000) / 1000) * 1000);
  });

  it('remembers the credentials for the authorizer', async () => {
    const { IdentityId, Token } = await openIdToken('user-11');

    const { Credentials } = await client.send(
      new GetCredentialsForIdentityCommand({
        IdentityId,
        Logins: { 'cognito-identity.amazonaws.com': Token! },
      }),
    );

    expect(cognito.lookupCredentials(Credentials!.AccessKeyId!)).toMatchObject({
      identityId: IdentityId,
      identityPoolId: POOL_ID,
      providerName: PROVIDER,
      userId: 'user-11',
    });
  });

  it('rejects a tampered token with NotAuthorizedException', async () => {
    const { IdentityId, Token } = await openIdToken('user-12');
    const [header, payload, signature] = Token!.split('.') as [string, string, string];
    const tampered = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;

    const call = client.send(
      new GetCredentialsForIdentityCommand({
        IdentityId,
        Logins: { 'cognito-identity.amazonaws.com': tampered },
      }),
    );

    expect(await errorName(call)).toBe('NotAuthorizedException');
  });

  it("rejects another identity's token with NotAuthorizedException", async () => {
    const mine = await openIdToken('user-13');
    const theirs = await openIdToken('user-14');

    const call = client.send(
      new GetCredentialsForIdentityCommand({
        IdentityId: mine.IdentityId,
        Logins: { 'cognito-identity.amazonaws.com': theirs.Token! },
      }),
    );

    expect(await errorName(call)).toBe('NotAuthorizedException');
  });

  it('rejects an expired token with NotAuthorizedException', async () => {
    const { IdentityId, Token } = await openIdToken('user-15', 60);
    now += 61_000;

    const call = client.send(
      new GetCredentialsForIdentityCommand({
        IdentityId,
        Logins: { 'cognito-identity.amazonaws.com': Token! },
      }),
    );

    expect(await errorName(call)).toBe('NotAuthorizedException');
  });

  it('rejects a call without a login with NotAuthorizedException', async () => {
    const { IdentityId } = await openIdToken('user-16');

    expect(await errorName(client.send(new GetCredentialsForIdentityCommand({ IdentityId })))).toBe(
      'NotAuthorizedException',
    );
  });

  it('rejects an identity it never issued with ResourceNotFoundException', async () => {
    const call = client.send(
      new GetCredentialsForIdentityCommand({
        IdentityId: 'ap-northeast-2:00000000-0000-0000-0000-000000000000',
        Logins: { 'cognito-identity.amazonaws.com': 'x' },
      }),
    );

    expect(await errorName(call)).toBe('ResourceNotFoundException');
  });
});

describe('local Cognito protocol', () => {
  it('answers an unknown operation with UnknownOperationException', async () => {
    const response = await fetch(cognito.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityService.ListIdentityPools',
      },
      body: '{}',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const response = await fetch(cognito.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSCognitoIdentityService.GetCredentialsForIdentity' },
      body: '{',
    });

    expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('allows browsers to call it (CORS preflight)', async () => {
    const response = await fetch(cognito.endpoint, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://game.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target',
      },
    });

    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type,x-amz-target');
  });

  it('serves its public keys at /.well-known/jwks_uri', async () => {
    const response = await fetch(new URL('.well-known/jwks_uri', cognito.endpoint));

    expect(await response.json()).toEqual(cognito.jwks);
  });

  it('refuses a credentials lifetime over 12 hours', async () => {
    await expect(startLocalCognito({ credentialsDurationSeconds: 43_201 })).rejects.toThrow(
      LocalServiceError,
    );
  });
});
