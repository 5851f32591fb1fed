/** Types of kakao-login.js (a plain browser script), for tests and for games that embed its helpers. */

export declare const MESSAGE_TYPE: 'serverless-game-kit/kakao-login';
export declare const KAKAO_TOKEN_URL: string;
export declare const DEFAULT_KAKAO_SDK_URL: string;

export interface LoginPageConfig {
  kakaoJavaScriptKey: string;
  kakaoRestApiKey: string;
  redirect: 'postMessage' | (string & {});
  openerOrigin?: string;
  authEndpoint?: string;
  kakaoSdkUrl?: string;
  kakaoSdkIntegrity?: string;
}

export interface LoginSuccess {
  accessToken: string;
  expiresIn: number;
  state: string;
}

export interface LoginFailure {
  error: string;
  errorDescription?: string;
  state: string;
}

export type HandBack =
  | { kind: 'postMessage'; targetOrigin: string; message: Record<string, unknown> }
  | { kind: 'redirect'; url: string };

export declare function isLoopbackUrl(text: string): boolean;
export declare function parseConfig(value: unknown): LoginPageConfig;
export declare function readKakaoRedirect(href: string): {
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
};
export declare function pageRedirectUri(href: string): string;
export declare function tokenRequest(
  config: LoginPageConfig,
  code: string,
  redirectUri: string,
): { url: string; init: { method: 'POST'; headers: Record<string, string>; body: string } };
export declare function buildHandBack(
  config: LoginPageConfig,
  outcome: LoginSuccess | LoginFailure,
): HandBack;
export declare function randomState(crypto: Pick<Crypto, 'getRandomValues'>): string;
export declare function run(window: Window & typeof globalThis): Promise<void>;
