/**
 * A public JSON Web Key (RFC 7517 §4, with the RSA `n`/`e` and EC `crv`/`x`/`y` parameters of RFC 7518 §6).
 * The kit's public types use this instead of its JWT library's, so that the declarations a CommonJS project
 * reads depend on no ES-module-only package.
 *
 * @example
 * ```ts
 * import type { PublicJwk } from 'serverless-game-kit/quiz/lambda';
 *
 * const jwk: PublicJwk = { kty: 'RSA', n: '…', e: 'AQAB', kid: 'key-1', alg: 'RS256', use: 'sig' };
 * ```
 */
export interface PublicJwk {
  /** Key type, e.g. `'RSA'` or `'EC'`. */
  kty?: string;
  /** Key id, matched against the token header's `kid`. */
  kid?: string;
  /** Algorithm the key is for, e.g. `'RS256'`. */
  alg?: string;
  /** Intended use, `'sig'` for signature keys. */
  use?: string;
  /** RSA modulus (base64url). */
  n?: string;
  /** RSA exponent (base64url). */
  e?: string;
  /** EC curve, e.g. `'P-256'`. */
  crv?: string;
  /** EC x coordinate (base64url). */
  x?: string;
  /** EC y coordinate (base64url). */
  y?: string;
  /** Any other registered or private parameter. */
  [parameter: string]: unknown;
}

/**
 * A JSON Web Key Set (RFC 7517 §5), what a `/.well-known/jwks_uri` document holds.
 *
 * @example
 * ```ts
 * import type { PublicJwkSet } from 'serverless-game-kit/local';
 *
 * const jwks: PublicJwkSet = await (await fetch(`${cognitoEndpoint}/.well-known/jwks_uri`)).json();
 * ```
 */
export interface PublicJwkSet {
  keys: PublicJwk[];
}
