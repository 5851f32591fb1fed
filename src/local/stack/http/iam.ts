import type { LocalIamAuthorizer, LocalIamIdentity } from '../types.js';
import type { IamAuthorizerContext } from './request-event.js';

/** How an IAM-authorized request fared. */
export type IamDecision =
  | { readonly status: 'allowed'; readonly identity: IamAuthorizerContext['iam'] }
  | { readonly status: 'forbidden' }
  | { readonly status: 'failed'; readonly reason: string };

/** What the gateway tells the authorizer about a request. */
export interface IamRequest {
  readonly method: string;
  /** The path as sent, percent-encoding kept (SigV4's canonical URI), without the query string. */
  readonly path: string;
  /** Lower-case names, repeated headers joined with `,` (cookies with `; `). */
  readonly headers: Record<string, string>;
  /** The query string without `?`, `''` for none. */
  readonly rawQueryString: string;
  /** The request body's bytes. */
  readonly body: Uint8Array;
}

const REQUIRED = ['accessKey', 'accountId', 'callerId', 'userArn', 'userId'] as const;

/**
 * Completes an identity into the shape API Gateway puts in `requestContext.authorizer.iam`: every field present,
 * `principalOrgId` and `cognitoIdentity` `null` when absent. Returns a reason string when the value is not an
 * identity.
 *
 * @example
 * ```ts
 * const iam = normalizeIdentity({ accessKey: 'ASIA…', accountId: '000000000000', callerId: 'AROA…:Cognito',
 *   userArn: 'arn:aws:sts::000000000000:assumed-role/players/Cognito', userId: 'AROA…:Cognito',
 *   cognitoIdentity: { amr: ['authenticated'], identityId: 'ap-northeast-2:…', identityPoolId: 'ap-northeast-2:…' } });
 * ```
 */
export function normalizeIdentity(identity: unknown): IamAuthorizerContext['iam'] | string {
  if (typeof identity !== 'object' || identity === null)
    return 'the authorizer returned a non-object identity';
  const value = identity as Partial<Record<keyof LocalIamIdentity, unknown>>;
  for (const field of REQUIRED) {
    if (typeof value[field] !== 'string') return `the identity's ${field} is not a string`;
  }
  const principalOrgId = typeof value.principalOrgId === 'string' ? value.principalOrgId : null;
  let cognitoIdentity: IamAuthorizerContext['iam']['cognitoIdentity'] = null;
  if (value.cognitoIdentity !== undefined && value.cognitoIdentity !== null) {
    const cognito = value.cognitoIdentity as Partial<
      Record<'amr' | 'identityId' | 'identityPoolId', unknown>
    >;
    if (
      typeof cognito !== 'object' ||
      !Array.isArray(cognito.amr) ||
      !cognito.amr.every((entry) => typeof entry === 'string') ||
      typeof cognito.identityId !== 'string' ||
      typeof cognito.identityPoolId !== 'string'
    ) {
      return "the identity's cognitoIdentity is not { amr: string[], identityId, identityPoolId }";
    }
    cognitoIdentity = {
      amr: [...cognito.amr],
      identityId: cognito.identityId,
      identityPoolId: cognito.identityPoolId,
    };
  }
  return {
    accessKey: value.accessKey as string,
    accountId: value.accountId as string,
    callerId: value.callerId as string,
    userArn: value.userArn as string,
    userId: value.userId as string,
    principalOrgId,
    cognitoIdentity,
  };
}

/**
 * Runs the configured IAM authorizer for a request to an IAM route. No authorizer or an `undefined` answer is
 * `forbidden` (API Gateway's 403); an authorizer that throws or returns something that is not an identity is
 * `failed` (the gateway's 500). Never throws.
 *
 * @example
 * ```ts
 * const decision = await authorizeIam(options.authorizer, {
 *   method: 'GET', path: '/me', headers, rawQueryString: '', body: new Uint8Array(),
 * });
 * if (decision.status === 'allowed') event.requestContext.authorizer = { iam: decision.identity };
 * ```
 */
export async function authorizeIam(
  authorizer: LocalIamAuthorizer | undefined,
  request: IamRequest,
): Promise<IamDecision> {
  if (!authorizer) return { status: 'forbidden' };
  let identity: unknown;
  try {
    // Authorizers that verify SigV4 signatures (the local Cognito's) read the query and body too.
    const passed: IamRequest = { ...request, headers: { ...request.headers } };
    identity = await authorizer(passed);
  } catch (error) {
    return {
      status: 'failed',
      reason: `the authorizer threw: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (identity === undefined || identity === null) return { status: 'forbidden' };
  const normalized = normalizeIdentity(identity);
  return typeof normalized === 'string'
    ? { status: 'failed', reason: normalized }
    : { status: 'allowed', identity: normalized };
}
