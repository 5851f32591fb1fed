import { randomUUID } from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import type { PublicJwkSet } from '../../core/jwk.js';

/**
 * The issuer (`iss`) of Cognito Identity's OpenID tokens.
 *
 * @example
 * ```ts
 * import { COGNITO_IDENTITY_ISSUER } from 'serverless-game-kit/local';
 *
 * await jwtVerify(token, jwks, { issuer: COGNITO_IDENTITY_ISSUER });
 * ```
 */
export const COGNITO_IDENTITY_ISSUER = 'https://cognito-identity.amazonaws.com';

/** The claims of a Cognito Identity OpenID token. */
export interface CognitoTokenClaims {
  /** The issuer, {@link COGNITO_IDENTITY_ISSUER}. */
  iss?: string;
  /** Expiry, in seconds since the epoch. */
  exp?: number;
  /** Issue time, in seconds since the epoch. */
  iat?: number;
  /** Any other claim of the token. */
  [claim: string]: unknown;
  /** The identity id. */
  sub: string;
  /** The identity pool id. */
  aud: string;
  /** `['authenticated', '<provider>', '<provider>:<poolId>:<userId>']`. */
  amr: string[];
}

/** Signs and verifies Cognito-style OpenID tokens with one RS256 key pair. */
export interface CognitoTokenSigner {
  /** The public key as a JSON Web Key Set (what `/.well-known/jwks_uri` serves). */
  readonly jwks: PublicJwkSet;
  sign(
    claims: { identityId: string; identityPoolId: string; amr: string[] },
    ttlSeconds: number,
  ): Promise<string>;
  /**
   * @returns the claims of a token signed by this signer, unexpired by `clock`, issued by Cognito Identity.
   * @throws jose's errors (`JWTExpired`, `JWSSignatureVerificationFailed`, …) for anything else.
   */
  verify(token: string): Promise<CognitoTokenClaims>;
}

/**
 * Creates a signer with a fresh RS256 key pair (or the one given), as the local Cognito uses.
 *
 * @example
 * ```ts
 * import { createCognitoTokenSigner } from 'serverless-game-kit/local';
 *
 * const signer = await createCognitoTokenSigner();
 * const token = await signer.sign({ identityId, identityPoolId, amr }, 900);
 * ```
 */
export async function createCognitoTokenSigner(
  options: {
    clock?: () => number;
    keyPair?: { privateKey: webcrypto.CryptoKey; publicKey: webcrypto.CryptoKey };
  } = {},
): Promise<CognitoTokenSigner> {
  const clock = options.clock ?? Date.now;
  const { privateKey, publicKey } =
    options.keyPair ?? (await generateKeyPair('RS256', { extractable: true }));
  const kid = `local-${randomUUID()}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return {
    jwks: { keys: [publicJwk] },
    async sign(claims, ttlSeconds) {
      const now = Math.floor(clock() / 1000);
      return new SignJWT({ amr: claims.amr })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWS' })
        .setIssuer(COGNITO_IDENTITY_ISSUER)
        .setSubject(claims.identityId)
        .setAudience(claims.identityPoolId)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(privateKey);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: COGNITO_IDENTITY_ISSUER,
        algorithms: ['RS256'],
        currentDate: new Date(clock()),
        requiredClaims: ['sub', 'aud', 'exp'],
      });
      const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
      const amr = Array.isArray(payload.amr)
        ? payload.amr.filter((v): v is string => typeof v === 'string')
        : [];
      return { ...payload, sub: payload.sub ?? '', aud: aud ?? '', amr };
    },
  };
}
