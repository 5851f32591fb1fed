import type { LocalIamIdentity } from '../stack/types.js';
import {
  type SignedRequest,
  lowerCaseHeaders,
  parseAmzDate,
  parseSigV4Authorization,
  verifySigV4,
} from './sigv4.js';

/** AWS credentials the local Cognito issued, and whose identity they belong to. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  identityId: string;
  identityPoolId: string;
  /** The developer provider the identity signed in with, e.g. `gamingonaws.auth`. */
  providerName: string;
  /** The developer user id (the Kakao id). */
  userId: string;
}

/** Options of {@link createLocalIamAuthorizer}. */
export interface LocalIamAuthorizerOptions {
  /** Finds the credentials an access key id stands for. */
  lookup: (accessKeyId: string) => IssuedCredentials | undefined;
  /** Default `'000000000000'`. */
  accountId?: string;
  /** Name of the role the identities assume; default `'Cognito_local_Auth_Role'`. */
  roleName?: string;
  /** Epoch milliseconds; default `Date.now`. */
  clock?: () => number;
  /** Called with the reason whenever a request is refused (never with a secret); default: silent. */
  log?: (line: string) => void;
}

/**
 * An IAM authorizer that reads SigV4 signatures. Assignable to the gateway's `LocalIamAuthorizer`; it also takes
 * the request's `rawQueryString` and `body` when a gateway passes them, to check every signature fully.
 */
export type LocalSigV4Authorizer = (request: SignedRequest) => LocalIamIdentity | undefined;

/** How far `x-amz-date` may be from the server's clock, as AWS allows. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/**
 * An IAM authorizer for the local HTTP gateway that accepts requests signed (SigV4) with credentials the local
 * Cognito issued, and reports the caller's Cognito identity the way API Gateway does in
 * `requestContext.authorizer.iam`. Refused (`undefined`, so 403): no or malformed signature, unknown or expired
 * access key, wrong session token, `x-amz-date` over 15 minutes off, and a signature that does not match. The
 * signature is recomputed with the issued secret whenever the request is fully known: its body (passed by the
 * gateway, declared with `x-amz-content-sha256`, or absent) and its query string (passed by the gateway, `''` for
 * none). When a gateway passes neither, a mismatch may be due to them, so such requests are judged on the access
 * key, session token and date alone (the session token is itself a 128-byte secret).
 *
 * @example
 * ```ts
 * import { startLocalCognito, startLocalStack } from 'serverless-game-kit/local';
 *
 * const cognito = await startLocalCognito();
 * const stack = await startLocalStack({ http: { authorizer: cognito.authorizer } });
 * ```
 */
export function createLocalIamAuthorizer(options: LocalIamAuthorizerOptions): LocalSigV4Authorizer {
  const accountId = options.accountId ?? '000000000000';
  const roleName = options.roleName ?? 'Cognito_local_Auth_Role';
  const clock = options.clock ?? Date.now;
  const log = options.log ?? (() => undefined);
  const roleId = `AROA${accountId}LOCALROLE`;

  return (request: SignedRequest): LocalIamIdentity | undefined => {
    const refuse = (reason: string): undefined => {
      log(`iam ${request.method} ${request.path.split('?')[0] ?? ''} refused: ${reason}`);
      return undefined;
    };
    const headers = lowerCaseHeaders(request.headers);
    const auth = parseSigV4Authorization(headers.authorization);
    if (!auth) return refuse('no SigV4 Authorization header');
    const issued = options.lookup(auth.accessKeyId);
    if (!issued) return refuse('unknown access key');
    const now = clock();
    if (issued.expiresAt <= now) return refuse('expired credentials');
    if (headers['x-amz-security-token'] !== issued.sessionToken) return refuse('wrong session token');
    const signedAt = parseAmzDate(headers['x-amz-date']);
    if (signedAt === undefined || Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) {
      return refuse('x-amz-date missing or over 15 minutes off');
    }
    if (!auth.signedHeaders.includes('host') || !auth.signedHeaders.includes('x-amz-date')) {
      return refuse('host and x-amz-date must be signed');
    }
    // API Gateway always has the whole request: a signature it cannot check against the body is not valid.
    const verdict = verifySigV4(request, auth, issued.secretAccessKey);
    if (verdict !== 'valid')
      return refuse(verdict === 'invalid' ? 'signature mismatch' : 'body not available');

    const callerId = `${roleId}:CognitoIdentityCredentials`;
    return {
      accessKey: issued.accessKeyId,
      accountId,
      callerId,
      userArn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/CognitoIdentityCredentials`,
      userId: callerId,
      principalOrgId: null,
      cognitoIdentity: {
        amr: [
          'authenticated',
          issued.providerName,
          `${issued.providerName}:${issued.identityPoolId}:${issued.userId}`,
        ],
        identityId: issued.identityId,
        identityPoolId: issued.identityPoolId,
      },
    };
  };
}
