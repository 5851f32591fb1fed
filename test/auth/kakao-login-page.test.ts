import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MESSAGE_TYPE,
  buildHandBack,
  isLoopbackUrl,
  pageRedirectUri,
  parseConfig,
  randomState,
  readKakaoRedirect,
  tokenRequest,
} from '../../examples/kakao-login/kakao-login.js';

const base = { kakaoJavaScriptKey: 'js-key', kakaoRestApiKey: 'rest-key' };

describe('the Kakao login page config', () => {
  it('accepts postMessage with the opener origin', () => {
    const config = parseConfig({ ...base, redirect: 'postMessage', openerOrigin: 'http://127.0.0.1:8080' });

    expect(config).toEqual({ ...base, redirect: 'postMessage', openerOrigin: 'http://127.0.0.1:8080' });
  });

  it('accepts a loopback redirect', () => {
    expect(parseConfig({ ...base, redirect: 'http://127.0.0.1:53682/callback' }).redirect).toBe(
      'http://127.0.0.1:53682/callback',
    );
  });

  it('refuses to send tokens to a host that is not the player machine', () => {
    expect(() => parseConfig({ ...base, redirect: 'https://evil.example.com/callback' })).toThrow(/redirect/);
  });

  it('refuses postMessage to any origin', () => {
    expect(() => parseConfig({ ...base, redirect: 'postMessage', openerOrigin: '*' })).toThrow(
      /openerOrigin/,
    );
  });

  it('refuses the placeholders of config.example.json', () => {
    const example: unknown = JSON.parse(readFileSync('examples/kakao-login/config.example.json', 'utf8'));

    expect(() => parseConfig(example)).toThrow(/kakaoJavaScriptKey is missing; kakaoRestApiKey is missing/);
  });
});

describe('the Kakao login page hand-back', () => {
  it('posts the token to the opener with the configured origin', () => {
    const config = parseConfig({
      ...base,
      redirect: 'postMessage',
      openerOrigin: 'http://127.0.0.1:8080',
      authEndpoint: 'https://api.example.com/auth/kakao',
    });

    const handBack = buildHandBack(config, { accessToken: 'tok', expiresIn: 21599, state: 's1' });

    expect(handBack).toEqual({
      kind: 'postMessage',
      targetOrigin: 'http://127.0.0.1:8080',
      message: {
        type: MESSAGE_TYPE,
        accessToken: 'tok',
        expiresIn: 21599,
        state: 's1',
        authEndpoint: 'https://api.example.com/auth/kakao',
      },
    });
  });

  it('redirects to the loopback URL with the token and the state', () => {
    const config = parseConfig({ ...base, redirect: 'http://127.0.0.1:53682/callback' });

    const handBack = buildHandBack(config, { accessToken: 'a b', expiresIn: 60, state: 's2' });

    expect(handBack).toEqual({
      kind: 'redirect',
      url: 'http://127.0.0.1:53682/callback?access_token=a+b&expires_in=60&state=s2',
    });
  });

  it('hands back a failure with its reason', () => {
    const config = parseConfig({ ...base, redirect: 'http://localhost:53682/cb' });

    const handBack = buildHandBack(config, {
      error: 'access_denied',
      errorDescription: 'User denied',
      state: 's3',
    });

    expect(handBack).toEqual({
      kind: 'redirect',
      url: 'http://localhost:53682/cb?error=access_denied&error_description=User+denied&state=s3',
    });
  });
});

describe('the Kakao login page helpers', () => {
  it('reads the code and state of Kakao’s redirect', () => {
    expect(readKakaoRedirect('https://cdn.example.com/kakao-login.html?code=c0de&state=s')).toEqual({
      code: 'c0de',
      state: 's',
    });
  });

  it('registers the page URL without its query as the redirect URI', () => {
    expect(pageRedirectUri('https://cdn.example.com/login/kakao-login.html?state=x#y')).toBe(
      'https://cdn.example.com/login/kakao-login.html',
    );
  });

  it('exchanges the code with the REST API key, form-encoded', () => {
    const request = tokenRequest(
      parseConfig({ ...base, redirect: 'http://127.0.0.1:1/cb' }),
      'c0de',
      'https://cdn.example.com/kakao-login.html',
    );

    expect(request.url).toBe('https://kauth.kakao.com/oauth/token');
    expect(Object.fromEntries(new URLSearchParams(request.init.body))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'rest-key',
      redirect_uri: 'https://cdn.example.com/kakao-login.html',
      code: 'c0de',
    });
  });

  it('tells loopback URLs from others', () => {
    expect(isLoopbackUrl('http://[::1]:4000/')).toBe(true);
    expect(isLoopbackUrl('http://127.0.0.1/')).toBe(false);
    expect(isLoopbackUrl('https://127.0.0.1:4000/')).toBe(false);
  });

  it('makes a 128-bit random state', () => {
    expect(randomState(globalThis.crypto)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps keys out of the page source', () => {
    const html = readFileSync('examples/kakao-login/kakao-login.html', 'utf8');
    const script = readFileSync('examples/kakao-login/kakao-login.js', 'utf8');

    expect(`${html}\n${script}`).not.toMatch(/Kakao\.init\(['"]/);
    expect(script).toMatch(/config\.json/);
  });
});
