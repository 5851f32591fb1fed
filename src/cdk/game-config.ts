/**
 * What a game client needs to reach the backend: the `config.json` that `GameBackend` writes to the CDN and
 * outputs. It has the shape the local stack gives (`gameClientConfig()` of `serverless-game-kit/local`), so a game
 * reads the deployed and the local backend alike.
 *
 * @example
 * ```ts
 * const config: GameConfig = await (await fetch('https://d111.cloudfront.net/config.json')).json();
 * const auth = new KakaoCognitoAuth({ authEndpoint: config.authEndpoint, region: config.region, identityPoolId: config.identityPoolId });
 * ```
 */
export interface GameConfig {
  region: string;
  /** Base URL of the HTTP API (`POST /auth/kakao`, `/scoreboard`, `/scorehistory`). */
  httpApi: string;
  authEndpoint: string;
  identityPoolId: string;
  /** The Kakao app id the game logs in with (the first of `kakaoAppIds`). */
  kakaoAppId: number;
  websocket: string;
  cdn: string;
  patchPrefix: string;
}
