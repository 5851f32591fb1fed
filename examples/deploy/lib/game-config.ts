import type { GameConfig } from 'serverless-game-kit/cdk';

/**
 * The game's `config.json` as this example hosts it: `GameBackend`'s client config (the shape the local stack's
 * `gameClientConfig()` gives, so a game reads the deployed and the local backend alike) plus the hosted Kakao
 * login page for desktop games.
 */
export interface DeployedGameConfig extends GameConfig {
  /** The hosted Kakao login page (`examples/kakao-login`), with its own `config.json`. */
  kakaoLoginPage: string;
}

/** Folder of the login page in the bucket. */
export const KAKAO_LOGIN_FOLDER = 'login';
