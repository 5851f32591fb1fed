import type { ApiGatewayEvent } from '../core/lambda/http-request.js';
import { isHttpApiEvent } from '../core/lambda/http-request.js';

/**
 * Finds the player behind a request, e.g. from a JWT authorizer:
 * `(event) => event.requestContext.authorizer?.jwt?.claims?.sub`. Return `undefined` for "no player".
 */
export type PlayerResolver = (event: ApiGatewayEvent) => string | undefined | Promise<string | undefined>;

/** Player ids are opaque: 1–128 characters, no control characters. */
const PLAYER_ID_PATTERN = /^[^\p{Cc}]{1,128}$/u;

/**
 * True for a usable player id (1–128 characters, no control characters).
 *
 * @example
 * ```ts
 * isValidPlayerId('ap-northeast-2:1b2c3d4e-0000-4000-8000-000000000000'); // true
 * ```
 */
export function isValidPlayerId(value: unknown): value is string {
  return typeof value === 'string' && PLAYER_ID_PATTERN.test(value);
}

/**
 * The Cognito identity id API Gateway put in the request context after IAM (SigV4) authorization:
 * `requestContext.authorizer.iam.cognitoIdentity.identityId` for HTTP APIs (payload 2.0),
 * `requestContext.identity.cognitoIdentityId` for REST APIs (payload 1.0). Never the body.
 *
 * @returns the identity id, or `undefined` when the caller is not a Cognito identity.
 * @example
 * ```ts
 * const playerId = cognitoIdentityOf(event);
 * ```
 */
export function cognitoIdentityOf(event: ApiGatewayEvent): string | undefined {
  if (isHttpApiEvent(event)) {
    const context = event.requestContext as {
      authorizer?: { iam?: { cognitoIdentity?: { identityId?: unknown } | null } };
    };
    const identityId = context.authorizer?.iam?.cognitoIdentity?.identityId;
    return typeof identityId === 'string' ? identityId : undefined;
  }
  const identityId = (event.requestContext as { identity?: { cognitoIdentityId?: unknown } } | undefined)
    ?.identity?.cognitoIdentityId;
  return typeof identityId === 'string' ? identityId : undefined;
}

/**
 * The player id of a request: `resolvePlayer(event)` when given, else the Cognito identity of
 * {@link cognitoIdentityOf}. Invalid ids count as none.
 *
 * @returns the player id, or `undefined` (the handler answers 401).
 * @example
 * ```ts
 * const playerId = await resolvePlayerId(event);
 * ```
 */
export async function resolvePlayerId(
  event: ApiGatewayEvent,
  resolvePlayer?: PlayerResolver,
): Promise<string | undefined> {
  const playerId = resolvePlayer ? await resolvePlayer(event) : cognitoIdentityOf(event);
  return isValidPlayerId(playerId) ? playerId : undefined;
}
