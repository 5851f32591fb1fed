import { GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoServiceError, createCognitoCredentialsClient } from '../../src/auth/cognito-credentials.js';
import { type AuthServices, POOL_ID, PROVIDER, startAuthServices } from './support.js';
import { startEndlessServer } from '../support/endless-server.js';

let services: AuthServices;

beforeAll(async () => {
  services = await startAuthServices();
});

afterAll(async () => {
  await services.stop();
});

function cognitoClient(endpoint = services.cognito.endpoint, timeoutMs?: number) {
  return createCognitoCredentialsClient({
    region: 'ap-northeast-2',
    endpoint,
    fetch: (input, init) => fetch(input, init),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

async function rejection(promise: Promise<unknown>): Promise<CognitoServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as CognitoServiceError;
  }
  throw new Error('expected a rejection');
}

describe('createCognitoCredentialsClient', () => {
  it('exchanges a Cognito token for credentials without the AWS SDK', async () => {
    const { IdentityId, Token } = await services.cognitoClient.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: POOL_ID,
        Logins: { [PROVIDER]: '42' },
      }),
    );

    const output = await cognitoClient().getCredentialsForIdentity({
      IdentityId: IdentityId!,
      Logins: { 'cognito-identity.amazonaws.com': Token! },
    });

    expect(output).toEqual({
      IdentityId,
      Credentials: {
        AccessKeyId: expect.stringMatching(/^ASIA/),
        SecretKey: expect.any(String),
        SessionToken: expect.any(String),
        Expiration: expect.any(Date),
      },
    });
  });

  it("names errors after the service's error type, as the SDK does", async () => {
    const { IdentityId } = await services.cognitoClient.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: POOL_ID,
        Logins: { [PROVIDER]: '43' },
      }),
    );

    const error = await rejection(
      cognitoClient().getCredentialsForIdentity({
        IdentityId: IdentityId!,
        Logins: { 'cognito-identity.amazonaws.com': 'not-a-jwt' },
      }),
    );

    expect(error).toBeInstanceOf(CognitoServiceError);
    expect(error).toMatchObject({ name: 'NotAuthorizedException', status: 400 });
  });

  it('reports an endpoint that cannot be reached as NetworkError', async () => {
    const error = await rejection(
      cognitoClient('http://127.0.0.1:1/').getCredentialsForIdentity({ IdentityId: 'a:b', Logins: {} }),
    );

    expect(error.name).toBe('NetworkError');
  });

  it('reports a slow endpoint as TimeoutError', async () => {
    await services.kakao.configure({ slowMs: 60_000 });

    const error = await rejection(
      cognitoClient(`${services.kakao.endpoint}/`, 100).getCredentialsForIdentity({
        IdentityId: 'a:b',
        Logins: {},
      }),
    );
    await services.kakao.configure({ slowMs: 0 });

    expect(error.name).toBe('TimeoutError');
  });

  it('refuses an endless answer as InvalidResponse without holding it', async () => {
    const endless = await startEndlessServer({ 'content-type': 'application/x-amz-json-1.1' });
    try {
      const error = await rejection(
        cognitoClient(`${endless.url}/`).getCredentialsForIdentity({ IdentityId: 'a:b', Logins: {} }),
      );

      expect(error.name).toBe('InvalidResponse');
      expect(endless.sent()).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await endless.close();
    }
  });
});
