import type { GameClientConfig } from 'serverless-game-kit/local';

/**
 * The game's `config.json`: the stack writes it to the bucket root and prints it as the `GameConfig` output. It
 * has the shape the local stack gives (`gameClientConfig()` of `serverless-game-kit/local`), so a game — and the
 * web demo in `examples/web` — reads the deployed and the local backend alike, plus the hosted login page:
 *
 * ```ts
 * const config = await (await fetch('/config.json')).json();
 * const auth = new KakaoCognitoAuth({ authEndpoint: config.authEndpoint, region: config.region, identityPoolId: config.identityPoolId });
 * const scores = new ScoreClient({ endpoint: config.httpApi, region: config.region, credentials: auth.credentialProvider });
 * const room = await QuizRoom.join({ url: config.websocket, room: 'lobby', name: '민지', token: () => auth.openIdToken() });
 * const updater = new PatchUpdater({ cdnUrl: config.cdn, prefix: config.patchPrefix, installDir: './resources' });
 * ```
 */
export interface DeployedGameConfig extends GameClientConfig {
  /** The hosted Kakao login page for desktop games (`examples/kakao-login`), with its own `config.json`. */
  kakaoLoginPage: string;
}

/** The endpoints and ids the stack knows (CloudFormation tokens at synth time). */
export interface GameConfigSources {
  region: string;
  httpApiEndpoint: string;
  webSocketUrl: string;
  identityPoolId: string;
  /** The Kakao app id the game logs in with (the first of `kakaoAppIds`). */
  kakaoAppId: number;
  cdnUrl: string;
  patchPrefix: string;
}

/** Folder of the login page in the bucket. */
export const KAKAO_LOGIN_FOLDER = 'login';

/**
 * Builds the game's `config.json` from the stack's endpoints. Against AWS there is no `cognitoEndpoint` (the
 * client derives it from the region) and no `kakaoApiBaseUrl` (the real Kakao API).
 *
 * @param sources - Endpoints and ids of the deployment.
 * @returns The config; its strings may be CloudFormation tokens (render it with `Stack.toJsonString`).
 * @example
 * ```ts
 * const config = buildGameConfig({ region: stack.region, httpApiEndpoint: api.apiEndpoint, ... });
 * ```
 */
export function buildGameConfig(sources: GameConfigSources): DeployedGameConfig {
  return {
    region: sources.region,
    httpApi: sources.httpApiEndpoint,
    authEndpoint: `${sources.httpApiEndpoint}/auth/kakao`,
    identityPoolId: sources.identityPoolId,
    kakaoAppId: sources.kakaoAppId,
    websocket: sources.webSocketUrl,
    cdn: sources.cdnUrl,
    patchPrefix: sources.patchPrefix,
    kakaoLoginPage: `${sources.cdnUrl}/${KAKAO_LOGIN_FOLDER}/kakao-login.html`,
  };
}
