/**
 * Who a connection's player is (server side): a verified token's subject, or, for guests, an id derived from a
 * secret key the client keeps across reconnects.
 */
import { createHash } from 'node:crypto';
import { type JWTVerifyGetKey, createRemoteJWKSet, importJWK, type JWK, jwtVerify } from 'jose';
import type { PublicJwk } from '../core/jwk.js';
import { QuizError } from './errors.js';

/** The player a token proves. */
export interface VerifiedPlayer {
  /** Stable id; scores are kept under it. */
  playerId: string;
  /** A display name to use when the connection gives none. */
  name?: string;
}

/**
 * Checks a join token and says who it belongs to; throw (anything) to refuse the connection with 401.
 *
 * @example
 * ```ts
 * const verifyToken: TokenVerifier = async (token) => ({ playerId: await lookUpSession(token) });
 * ```
 */
export type TokenVerifier = (token: string) => VerifiedPlayer | Promise<VerifiedPlayer>;

/**
 * The public id of a guest: `guest-` and 16 URL-safe characters of the SHA-256 of the key the client keeps
 * secret. Other players see only this id, so they cannot take over the guest's score by reusing it.
 *
 * @param key - The client's player key (or, when it sends none, the connection id).
 * @returns The player id.
 * @example
 * ```ts
 * guestPlayerId('k3Jd9-2mQx8Lw0aZ'); // 'guest-…' (the same for the same key)
 * ```
 */
export function guestPlayerId(key: string): string {
  return `guest-${createHash('sha256').update(key).digest('base64url').slice(0, 16)}`;
}

/** Options of {@link createJwtTokenVerifier}: a JWKS URL or one public key, and the claims to require. */
export interface JwtTokenVerifierOptions {
  /** The issuer's JWKS, e.g. `https://cognito-identity.amazonaws.com/.well-known/jwks_uri`. */
  jwksUrl?: string;
  /** Or a single public key as a JWK. */
  jwk?: PublicJwk;
  /** Required `iss`, e.g. `https://cognito-identity.amazonaws.com`. */
  issuer?: string | string[];
  /** Required `aud`, e.g. the Cognito identity pool id. */
  audience?: string | string[];
}

/**
 * A {@link TokenVerifier} for JWTs such as the Cognito OpenID token the auth module hands out: the signature
 * is checked against the JWKS (or key), then `iss`, `aud` and `exp`; the player id is the `sub` claim (the
 * Cognito identity id).
 *
 * @param options - Key source and required claims.
 * @returns The verifier.
 * @throws {QuizError} `INVALID_OPTIONS` without `jwksUrl` or `jwk`.
 * @example
 * ```ts
 * import { createJwtTokenVerifier, createQuizSocketHandler } from 'serverless-game-kit/quiz/lambda';
 *
 * export const handler = createQuizSocketHandler({
 *   verifyToken: createJwtTokenVerifier({
 *     jwksUrl: 'https://cognito-identity.amazonaws.com/.well-known/jwks_uri',
 *     issuer: 'https://cognito-identity.amazonaws.com',
 *     audience: process.env.IDENTITY_POOL_ID,
 *   }),
 *   requireToken: true,
 * });
 * ```
 */
export function createJwtTokenVerifier(options: JwtTokenVerifierOptions): TokenVerifier {
  if (!options.jwksUrl && !options.jwk) {
    throw new QuizError('INVALID_OPTIONS', 'createJwtTokenVerifier needs jwksUrl or jwk.');
  }
  let keys: Promise<JWTVerifyGetKey | Awaited<ReturnType<typeof importJWK>>> | undefined;
  const resolveKeys = (): Promise<JWTVerifyGetKey | Awaited<ReturnType<typeof importJWK>>> =>
    (keys ??= options.jwksUrl
      ? Promise.resolve(createRemoteJWKSet(new URL(options.jwksUrl)))
      : importJWK(options.jwk as JWK));
  return async (token) => {
    const key = await resolveKeys();
    const verifyOptions = {
      ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      ...(options.audience === undefined ? {} : { audience: options.audience }),
    };
    const { payload } =
      typeof key === 'function'
        ? await jwtVerify(token, key, verifyOptions)
        : await jwtVerify(token, key, verifyOptions);
    if (typeof payload.sub !== 'string' || payload.sub.length === 0)
      throw new Error('The token has no subject.');
    return { playerId: payload.sub };
  };
}
