import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalKakao, startLocalKakao } from '../../src/local/auth/kakao-server.js';

let kakao: LocalKakao;
let now = Date.now();
const lines: string[] = [];

beforeAll(async () => {
  kakao = await startLocalKakao({ defaultAppId: 1234, clock: () => now, log: (line) => lines.push(line) });
});

afterEach(async () => {
  await kakao.configure({ down: false, slowMs: 0, quotaExceeded: false, expiredTokens: 'reject' });
});

afterAll(async () => {
  await kakao.stop();
});

async function tokenInfo(token: string | undefined): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${kakao.endpoint}/v1/user/access_token_info`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: await response.json() };
}

describe('local Kakao token info', () => {
  it("answers a minted token in Kakao's format", async () => {
    const token = kakao.mintToken({ kakaoId: 123456789, appId: 1234, expiresInSeconds: 7199 });

    expect(await tokenInfo(token)).toEqual({
      status: 200,
      body: { id: 123456789, expires_in: 7199, app_id: 1234 },
    });
  });

  it('counts down expires_in with its clock', async () => {
    const token = kakao.mintToken({ expiresInSeconds: 100 });
    now += 40_000;

    const { body } = await tokenInfo(token);

    expect(body).toMatchObject({ expires_in: 60, app_id: 1234 });
  });

  it('answers 401 with code -401 for a token it never issued', async () => {
    expect(await tokenInfo('nope')).toEqual({
      status: 401,
      body: { msg: 'this access token does not exist', code: -401 },
    });
  });

  it('answers 401 with code -401 for an expired token', async () => {
    const token = kakao.mintToken({ expiresInSeconds: 0 });

    expect(await tokenInfo(token)).toMatchObject({ status: 401, body: { code: -401 } });
  });

  it('reports an expired token with expires_in 0 when told to', async () => {
    await kakao.configure({ expiredTokens: 'report' });
    const token = kakao.mintToken({ expiresInSeconds: -5 });

    expect(await tokenInfo(token)).toMatchObject({ status: 200, body: { expires_in: 0 } });
  });

  it('answers 401 for a revoked token', async () => {
    const token = kakao.mintToken();
    kakao.revokeToken(token);

    expect((await tokenInfo(token)).status).toBe(401);
  });

  it('answers 401 without an Authorization header', async () => {
    expect(await tokenInfo(undefined)).toMatchObject({ status: 401, body: { code: -401 } });
  });

  it('answers the quota error (400, code -10) when over quota', async () => {
    await kakao.configure({ quotaExceeded: true });

    expect(await tokenInfo(kakao.mintToken())).toMatchObject({ status: 400, body: { code: -10 } });
  });

  it('answers 503 when down', async () => {
    await kakao.configure({ down: 'unavailable' });

    expect((await tokenInfo(kakao.mintToken())).status).toBe(503);
  });

  it('refuses connections when down with refuse, and serves again afterwards', async () => {
    const token = kakao.mintToken();
    await kakao.configure({ down: 'refuse' });

    await expect(tokenInfo(token)).rejects.toThrow();
    await kakao.configure({ down: false });
    expect((await tokenInfo(token)).status).toBe(200);
  });

  it('never writes a token into its log', async () => {
    const token = kakao.mintToken();

    await tokenInfo(token);

    expect(lines.join('\n')).not.toContain(token);
    expect(lines.at(-1)).toMatch(/^kakao GET \/v1\/user\/access_token_info 200/);
  });
});
