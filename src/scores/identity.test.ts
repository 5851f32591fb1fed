import { describe, expect, it } from 'vitest';
import type { ApiGatewayEvent } from '../core/lambda/http-request.js';
import { cognitoIdentityOf, resolvePlayerId } from './identity.js';

const v2 = (authorizer: unknown) =>
  ({ version: '2.0', requestContext: { authorizer } }) as unknown as ApiGatewayEvent;

describe('player identity', () => {
  it('reads the Cognito identity of an HTTP API IAM authorizer', () => {
    expect(cognitoIdentityOf(v2({ iam: { cognitoIdentity: { identityId: 'ap-northeast-2:p' } } }))).toBe(
      'ap-northeast-2:p',
    );
  });

  it('reads the Cognito identity of a REST API request', () => {
    const event = {
      requestContext: { identity: { cognitoIdentityId: 'ap-northeast-2:r' } },
    } as unknown as ApiGatewayEvent;

    expect(cognitoIdentityOf(event)).toBe('ap-northeast-2:r');
  });

  it('finds no player for an IAM caller that is not a Cognito identity', () => {
    expect(
      cognitoIdentityOf(v2({ iam: { userArn: 'arn:aws:iam::1:user/admin', cognitoIdentity: null } })),
    ).toBeUndefined();
  });

  it('uses resolvePlayer when given, and drops ids with control characters', async () => {
    const event = v2({ jwt: { claims: { sub: 'abc' } } });

    expect(await resolvePlayerId(event, () => 'jwt:abc')).toBe('jwt:abc');
    expect(await resolvePlayerId(event, () => 'a\nb')).toBeUndefined();
  });
});
