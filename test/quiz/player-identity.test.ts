/** Player ids: guests' hashed keys and JWTs verified like the auth module's Cognito OpenID tokens. */
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtTokenVerifier, guestPlayerId } from '../../src/quiz/player-identity.js';

const ISSUER = 'https://cognito-identity.amazonaws.com';

async function signer(): Promise<{
  sign: (claims: { sub?: string; aud: string; expiresIn?: string }) => Promise<string>;
  jwk: Awaited<ReturnType<typeof exportJWK>>;
}> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), alg: 'RS256' };
  return {
    jwk,
    sign: async ({ sub, aud, expiresIn = '15m' }) => {
      const jwt = new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer(ISSUER).setAudience(aud);
      if (sub) jwt.setSubject(sub);
      return jwt.setIssuedAt().setExpirationTime(expiresIn).sign(privateKey);
    },
  };
}

describe('guestPlayerId', () => {
  it('derives the same public id from the same key and hides the key', () => {
    const key = 'k3Jd9-2mQx8Lw0aZ77';

    expect(guestPlayerId(key)).toBe(guestPlayerId(key));
    expect(guestPlayerId(key)).toMatch(/^guest-[A-Za-z0-9_-]{16}$/);
    expect(guestPlayerId(key)).not.toContain(key);
  });
});

describe('createJwtTokenVerifier', () => {
  it('accepts a token of the right issuer and audience and uses its subject as the player id', async () => {
    const { sign, jwk } = await signer();
    const verify = createJwtTokenVerifier({ jwk, issuer: ISSUER, audience: 'pool-1' });

    await expect(verify(await sign({ sub: 'ap-northeast-2:identity-1', aud: 'pool-1' }))).resolves.toEqual({
      playerId: 'ap-northeast-2:identity-1',
    });
  });

  it('refuses tokens for another audience, expired ones, and ones without a subject', async () => {
    const { sign, jwk } = await signer();
    const verify = createJwtTokenVerifier({ jwk, issuer: ISSUER, audience: 'pool-1' });

    await expect(verify(await sign({ sub: 'x', aud: 'pool-2' }))).rejects.toThrow();
    await expect(verify(await sign({ sub: 'x', aud: 'pool-1', expiresIn: '-1m' }))).rejects.toThrow();
    await expect(verify(await sign({ aud: 'pool-1' }))).rejects.toThrow(/subject/);
  });

  it('needs a key source', () => {
    expect(() => createJwtTokenVerifier({ issuer: ISSUER })).toThrow(/jwksUrl or jwk/);
  });
});
