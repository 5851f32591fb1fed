// @ts-check
/**
 * Kakao login helper page for desktop games (NW.js, Electron, native launchers).
 *
 * Kakao only runs its JavaScript login on registered web domains, so a desktop game opens this page (hosted on
 * the game's S3/CloudFront domain) in a browser window. The page runs Kakao login (authorization code flow),
 * exchanges the code for an access token, and hands the token back to the game:
 * - `"redirect": "postMessage"`: `window.opener.postMessage({ type, accessToken, expiresIn, state }, openerOrigin)`
 *   (the game opened this page with `window.open`);
 * - `"redirect": "http://127.0.0.1:<port>/callback"`: a redirect to that loopback URL with `access_token`,
 *   `expires_in` and `state` in the query string (the game listens on the port; RFC 8252 §7.3).
 * The game then calls `KakaoCognitoAuth.signIn(accessToken)`.
 *
 * Settings come from `config.json` next to the page (see `config.example.json`); nothing in this file is edited
 * per deployment. The pure functions are exported for tests; `run()` does the browser work.
 */

/** `type` of the message posted to the opener. */
export const MESSAGE_TYPE = 'serverless-game-kit/kakao-login';
/** Kakao's token endpoint (authorization code → access token). */
export const KAKAO_TOKEN_URL = 'https://kauth.kakao.com/oauth/token';
/** Kakao JavaScript SDK used when the config names none; pin the version you tested (and its integrity hash). */
export const DEFAULT_KAKAO_SDK_URL = 'https://t1.kakaocdn.net/kakao_js_sdk/2.7.4/kakao.min.js';

const STATE_KEY = 'serverless-game-kit/kakao-login/state';

/**
 * @typedef {object} LoginPageConfig
 * @property {string} kakaoJavaScriptKey JavaScript key of the Kakao app (initialises the SDK).
 * @property {string} kakaoRestApiKey REST API key of the same app (exchanges the authorization code).
 * @property {'postMessage' | string} redirect `'postMessage'` or a loopback URL `http://127.0.0.1:<port>/…`.
 * @property {string} [openerOrigin] origin allowed to receive the token (required with `'postMessage'`).
 * @property {string} [authEndpoint] the game's auth endpoint, passed along so one config serves both sides.
 * @property {string} [kakaoSdkUrl] default {@link DEFAULT_KAKAO_SDK_URL}.
 * @property {string} [kakaoSdkIntegrity] subresource integrity hash of the SDK script.
 */

/**
 * @typedef {{ accessToken: string, expiresIn: number, state: string }} LoginSuccess
 * @typedef {{ error: string, errorDescription?: string, state: string }} LoginFailure
 * @typedef {{ kind: 'postMessage', targetOrigin: string, message: Record<string, unknown> }
 *   | { kind: 'redirect', url: string }} HandBack
 */

/**
 * True for `http://127.0.0.1:<port>/…`, `http://[::1]:<port>/…` and `http://localhost:<port>/…`.
 *
 * @param {string} text
 * @returns {boolean}
 */
export function isLoopbackUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (
    url.protocol === 'http:' &&
    ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) &&
    url.port !== '' &&
    url.username === '' &&
    url.password === ''
  );
}

/**
 * Checks a parsed `config.json`; throws an `Error` naming every problem.
 *
 * @param {unknown} value
 * @returns {LoginPageConfig}
 */
export function parseConfig(value) {
  if (typeof value !== 'object' || value === null) throw new Error('config.json must hold a JSON object.');
  const config = /** @type {Record<string, unknown>} */ (value);
  const problems = [];
  const text = (/** @type {string} */ key) => {
    const field = config[key];
    return typeof field === 'string' && field.trim() !== '' && !/^<.*>$/.test(field.trim())
      ? field.trim()
      : undefined;
  };
  const kakaoJavaScriptKey = text('kakaoJavaScriptKey');
  const kakaoRestApiKey = text('kakaoRestApiKey');
  const redirect = text('redirect');
  const openerOrigin = text('openerOrigin');
  const authEndpoint = text('authEndpoint');
  const kakaoSdkUrl = text('kakaoSdkUrl');
  const kakaoSdkIntegrity = text('kakaoSdkIntegrity');
  if (!kakaoJavaScriptKey) problems.push('kakaoJavaScriptKey is missing');
  if (!kakaoRestApiKey) problems.push('kakaoRestApiKey is missing');
  if (redirect !== 'postMessage' && !(redirect && isLoopbackUrl(redirect))) {
    problems.push('redirect must be "postMessage" or a loopback URL like "http://127.0.0.1:53682/callback"');
  }
  if (redirect === 'postMessage' && (!openerOrigin || openerOrigin === '*')) {
    problems.push(
      'openerOrigin must name the game window\'s origin (not "*") when redirect is "postMessage"',
    );
  }
  if (authEndpoint !== undefined && !/^https?:\/\//.test(authEndpoint))
    problems.push('authEndpoint must be a URL');
  if (kakaoSdkUrl !== undefined && !kakaoSdkUrl.startsWith('https://'))
    problems.push('kakaoSdkUrl must be https');
  if (problems.length > 0) throw new Error(`Invalid config.json: ${problems.join('; ')}.`);
  return /** @type {LoginPageConfig} */ ({
    kakaoJavaScriptKey,
    kakaoRestApiKey,
    redirect,
    ...(openerOrigin === undefined ? {} : { openerOrigin }),
    ...(authEndpoint === undefined ? {} : { authEndpoint }),
    ...(kakaoSdkUrl === undefined ? {} : { kakaoSdkUrl }),
    ...(kakaoSdkIntegrity === undefined ? {} : { kakaoSdkIntegrity }),
  });
}

/**
 * What Kakao's redirect back to this page carries: `code` and `state`, or `error` and `error_description`.
 *
 * @param {string} href the page's URL
 * @returns {{ code?: string, state?: string, error?: string, errorDescription?: string }}
 */
export function readKakaoRedirect(href) {
  const params = new URL(href).searchParams;
  /** @type {{ code?: string, state?: string, error?: string, errorDescription?: string }} */
  const result = {};
  const code = params.get('code');
  const state = params.get('state');
  const error = params.get('error');
  const errorDescription = params.get('error_description');
  if (code) result.code = code;
  if (state) result.state = state;
  if (error) result.error = error;
  if (errorDescription) result.errorDescription = errorDescription;
  return result;
}

/**
 * The redirect URI registered with Kakao: this page's URL without query or fragment.
 *
 * @param {string} href
 * @returns {string}
 */
export function pageRedirectUri(href) {
  const url = new URL(href);
  return `${url.origin}${url.pathname}`;
}

/**
 * The request that exchanges an authorization code for tokens (form-encoded POST to Kakao).
 *
 * @param {LoginPageConfig} config
 * @param {string} code
 * @param {string} redirectUri
 * @returns {{ url: string, init: { method: 'POST', headers: Record<string, string>, body: string } }}
 */
export function tokenRequest(config, code, redirectUri) {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: config.kakaoRestApiKey,
    redirect_uri: redirectUri,
    code,
  });
  return {
    url: KAKAO_TOKEN_URL,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: body.toString(),
    },
  };
}

/**
 * How to hand the login's outcome back to the game, from the config.
 *
 * @param {LoginPageConfig} config
 * @param {LoginSuccess | LoginFailure} outcome
 * @returns {HandBack}
 */
export function buildHandBack(config, outcome) {
  /** @type {Record<string, string>} */
  const fields =
    'accessToken' in outcome
      ? { access_token: outcome.accessToken, expires_in: String(outcome.expiresIn), state: outcome.state }
      : {
          error: outcome.error,
          ...(outcome.errorDescription ? { error_description: outcome.errorDescription } : {}),
          state: outcome.state,
        };
  if (config.redirect === 'postMessage') {
    return {
      kind: 'postMessage',
      targetOrigin: /** @type {string} */ (config.openerOrigin),
      message: {
        type: MESSAGE_TYPE,
        ...outcome,
        ...(config.authEndpoint ? { authEndpoint: config.authEndpoint } : {}),
      },
    };
  }
  const url = new URL(config.redirect);
  for (const [key, value] of Object.entries(fields)) url.searchParams.set(key, value);
  return { kind: 'redirect', url: url.toString() };
}

/**
 * A random `state` value (CSRF protection of the redirect round trip).
 *
 * @param {Pick<Crypto, 'getRandomValues'>} crypto
 * @returns {string}
 */
export function randomState(crypto) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Runs the page: loads `config.json`, then either starts Kakao login or finishes it and hands the token back.
 *
 * @param {Window & typeof globalThis} window
 * @returns {Promise<void>}
 */
export async function run(window) {
  const { document } = window;
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));
  const button = /** @type {HTMLButtonElement} */ (document.getElementById('login'));
  const show = (/** @type {string} */ text) => {
    status.textContent = text;
  };

  let config;
  try {
    const response = await window.fetch(new URL('config.json', window.location.href), { cache: 'no-store' });
    config = parseConfig(await response.json());
  } catch (error) {
    show(`설정을 읽을 수 없습니다 (config.json): ${error instanceof Error ? error.message : String(error)}`);
    return;
  }

  const redirectUri = pageRedirectUri(window.location.href);
  const returned = readKakaoRedirect(window.location.href);
  // The code is single-use; keep it out of the history and of any later Referer.
  window.history.replaceState(null, '', redirectUri);

  if (returned.code || returned.error) {
    const expected = window.sessionStorage.getItem(STATE_KEY);
    window.sessionStorage.removeItem(STATE_KEY);
    const state = returned.state ?? '';
    if (!expected || state !== expected) {
      deliver(window, config, { error: 'state_mismatch', state });
      show('로그인 요청을 확인할 수 없습니다. 게임에서 다시 시도해 주세요.');
      return;
    }
    if (returned.error || !returned.code) {
      deliver(window, config, {
        error: returned.error ?? 'missing_code',
        ...(returned.errorDescription ? { errorDescription: returned.errorDescription } : {}),
        state,
      });
      show('로그인이 취소되었습니다.');
      return;
    }
    show('로그인 처리 중…');
    const request = tokenRequest(config, returned.code, redirectUri);
    try {
      const response = await window.fetch(request.url, request.init);
      const body = /** @type {{ access_token?: string, expires_in?: number, error?: string }} */ (
        await response.json()
      );
      if (!response.ok || typeof body.access_token !== 'string') {
        deliver(window, config, { error: body.error ?? `token_http_${response.status}`, state });
        show('카카오 토큰을 받지 못했습니다.');
        return;
      }
      deliver(window, config, {
        accessToken: body.access_token,
        expiresIn: Number(body.expires_in ?? 0),
        state,
      });
      show('로그인되었습니다. 이 창은 닫아도 됩니다.');
    } catch {
      deliver(window, config, { error: 'network', state });
      show('카카오에 연결할 수 없습니다.');
    }
    return;
  }

  // First visit: remember the game's state (or make one), load Kakao's SDK, offer the login button.
  const state = new URL(window.location.href).searchParams.get('state') || randomState(window.crypto);
  window.sessionStorage.setItem(STATE_KEY, state);
  try {
    await loadKakaoSdk(window, config);
  } catch {
    show('카카오 SDK를 불러올 수 없습니다.');
    return;
  }
  const kakao = /** @type {any} */ (window).Kakao;
  if (!kakao.isInitialized()) kakao.init(config.kakaoJavaScriptKey);
  button.hidden = false;
  show('');
  button.addEventListener('click', () => {
    kakao.Auth.authorize({ redirectUri, state });
  });
}

/**
 * @param {Window & typeof globalThis} window
 * @param {LoginPageConfig} config
 * @param {LoginSuccess | LoginFailure} outcome
 */
function deliver(window, config, outcome) {
  const handBack = buildHandBack(config, outcome);
  if (handBack.kind === 'redirect') {
    window.location.replace(handBack.url);
    return;
  }
  if (!window.opener) return;
  window.opener.postMessage(handBack.message, handBack.targetOrigin);
  window.setTimeout(() => window.close(), 300);
}

/**
 * @param {Window & typeof globalThis} window
 * @param {LoginPageConfig} config
 * @returns {Promise<void>}
 */
function loadKakaoSdk(window, config) {
  return new Promise((resolve, reject) => {
    const script = window.document.createElement('script');
    script.src = config.kakaoSdkUrl ?? DEFAULT_KAKAO_SDK_URL;
    if (config.kakaoSdkIntegrity) script.integrity = config.kakaoSdkIntegrity;
    script.crossOrigin = 'anonymous';
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('Kakao SDK failed to load'));
    window.document.head.appendChild(script);
  });
}

if (typeof window !== 'undefined' && typeof document !== 'undefined') {
  void run(/** @type {Window & typeof globalThis} */ (window));
}
