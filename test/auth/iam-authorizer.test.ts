import {
  GetCredentialsForIdentityCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalIamAuthorizer } from '../../src/local/auth/iam-authorizer.js';
import type { SignedRequest } from '../../src/local/auth/sigv4.js';
import { type AuthServices, POOL_ID, PROVIDER, startAuthServices } from './support.js';

let services: AuthServices;
let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
let identityId: string;

beforeAll(async () => {
  services = await startAuthServices();
  const issued = await services.cognitoClient.send(
    new GetOpenIdTokenForDeveloperIdentityCommand({
      IdentityPoolId: POOL_ID,
      Logins: { [PROVIDER]: '31337' },
    }),
  );
  identityId = issued.IdentityId!;
  const { Credentials } = await services.cognitoClient.send(
    new GetCredentialsForIdentityCommand({
      IdentityId: identityId,
      Logins: { 'cognito-identity.amazonaws.com': issued.Token! },
    }),
  );
  credentials = {
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretKey!,
    sessionToken: Credentials!.SessionToken!,
  };
});

afterAll(async () => {
  await services.stop();
});

async function signedRequest(
  url: string,
  keys: Partial<typeof credentials> = {},
  init: RequestInit = {},
): Promise<SignedRequest> {
  const signer = new AwsClient({ ...credentials, ...keys, service: 'execute-api', region: 'ap-northeast-2' });
  const request = await signer.sign(url, init);
  const headers: Record<string, string> = { host: new URL(url).host };
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const target = new URL(request.url);
  return { method: request.method, path: target.pathname, rawQueryString: target.search.slice(1), headers };
}

describe('the local IAM authorizer', () => {
  it("resolves a request signed with issued credentials to the caller's Cognito identity", async () => {
    const request = await signedRequest('http://127.0.0.1:4010/whoami');

    const identity = services.cognito.authorizer(request);

    expect(identity).toEqual({
      accessKey: credentials.accessKeyId,
      accountId: '000000000000',
      callerId: expect.stringMatching(/:CognitoIdentityCredentials$/),
      userArn: 'arn:aws:sts::000000000000:assumed-role/Cognito_local_Auth_Role/CognitoIdentityCredentials',
      userId: expect.stringMatching(/:CognitoIdentityCredentials$/),
      principalOrgId: null,
      cognitoIdentity: {
        amr: ['authenticated', PROVIDER, `${PROVIDER}:${POOL_ID}:31337`],
        identityId,
        identityPoolId: POOL_ID,
      },
    });
  });

  it('refuses a request without a signature', async () => {
    const identity = services.cognito.authorizer({ method: 'GET', path: '/whoami', headers: {} });

    expect(identity).toBeUndefined();
  });

  it('refuses an access key it never issued', async () => {
    const request = await signedRequest('http://127.0.0.1:4010/whoami', {
      accessKeyId: 'ASIAFORGED0000000000',
    });

    expect(services.cognito.authorizer(request)).toBeUndefined();
  });

  it('refuses a signature made with another secret', async () => {
    const request = await signedRequest('http://127.0.0.1:4010/whoami', { secretAccessKey: 'guessed' });

    expect(services.cognito.authorizer(request)).toBeUndefined();
  });

  it('refuses a wrong session token', async () => {
    const request = await signedRequest('http://127.0.0.1:4010/whoami', { sessionToken: 'stolen?' });

    expect(services.cognito.authorizer(request)).toBeUndefined();
  });

  it('refuses a request whose body was changed when it is given the body', async () => {
    const request = await signedRequest(
      'http://127.0.0.1:4010/scores',
      {},
      { method: 'POST', body: '{"score":1}' },
    );

    expect(services.cognito.authorizer({ ...request, body: '{"score":2}' })).toBeUndefined();
  });

  it('refuses expired credentials', async () => {
    const later = createLocalIamAuthorizer({
      lookup: (key) => services.cognito.lookupCredentials(key),
      clock: () => Date.now() + 2 * 3600_000,
    });
    const request = await signedRequest('http://127.0.0.1:4010/whoami');

    expect(later(request)).toBeUndefined();
  });

  it('refuses a request signed over 15 minutes ago', async () => {
    const later = createLocalIamAuthorizer({
      lookup: (key) => services.cognito.lookupCredentials(key),
      clock: () => Date.now() + 16 * 60_000,
    });
    const request = await signedRequest('http://127.0.0.1:4010/whoami');

    expect(later(request)).toBeUndefined();
  });

  it('logs why it refused, without secrets', async () => {
    const lines: string[] = [];
    const authorizer = createLocalIamAuthorizer({
      lookup: (key) => services.cognito.lookupCredentials(key),
      log: (line) => lines.push(line),
    });
    const request = await signedRequest('http://127.0.0.1:4010/whoami', { sessionToken: 'stolen?' });

    authorizer(request);

    expect(lines).toEqual(['iam GET /whoami refused: wrong session token']);
  });
});
